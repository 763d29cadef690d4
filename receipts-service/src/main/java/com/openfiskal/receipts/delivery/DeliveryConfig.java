package com.openfiskal.receipts.delivery;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** How receipts are delivered (README "Settings"). */
@ConfigMapping(prefix = "openfiskal.receipts.delivery")
public interface DeliveryConfig {

    /** Attempts per delivery before it is {@code failed} (API.md §10.6: up to 3). */
    @WithDefault("3")
    int attempts();

    /** The wait after the first failed attempt; it doubles after each further one. */
    @WithDefault("5s")
    Duration backoff();

    /**
     * How long one e-mail may take to send (connect, greeting, the whole SMTP dialogue) before the attempt
     * counts as failed and is retried. A relay that accepts the connection but never answers would otherwise
     * hold the worker, and with it every queued delivery of this replica. Well below {@link #lease()}, so
     * that an attempt ends before another replica may take the delivery over. Env: OPENFISKAL_SMTP_TIMEOUT.
     */
    @WithDefault("30s")
    Duration sendTimeout();

    /** How long a worker may take to send one delivery before another worker takes it over. */
    @WithDefault("2m")
    Duration lease();

    /** Deliveries per receipt within 24 h (API.md §10.6: 10, then 429). */
    @WithDefault("10")
    int perReceiptPerDay();

    /** The sender of receipt e-mails. Env: OPENFISKAL_RECEIPTS_MAIL_FROM. */
    @WithDefault("belege@openfiskal.local")
    String mailFrom();
}
