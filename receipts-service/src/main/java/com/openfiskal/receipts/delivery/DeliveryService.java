package com.openfiskal.receipts.delivery;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openfiskal.contracts.error.ApiException;
import com.openfiskal.contracts.error.ErrorCode;
import com.openfiskal.contracts.ids.Ids;
import com.openfiskal.contracts.json.Timestamps;
import com.openfiskal.contracts.receipts.model.SendRequest;
import com.openfiskal.receipts.receipt.ReceiptEntity;
import com.openfiskal.receipts.receipt.ReceiptService;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.IllformedLocaleException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/** Queuing deliveries of a receipt and reading them (API.md §10.6); the {@link DeliveryWorker} sends them. */
@ApplicationScoped
public class DeliveryService {

    /** A valid e-mail address as the HTML standard defines it for {@code <input type=email>}. */
    private static final Pattern EMAIL = Pattern.compile("^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9]"
            + "(?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$");

    private static final Pattern E164 = Pattern.compile("^\\+[1-9][0-9]{6,14}$");
    private static final List<String> LOCALES = List.of("de-DE", "en-GB");

    private final ReceiptService receipts;
    private final Instance<DeliveryChannel> channels;
    private final DeliveryConfig config;
    private final ObjectMapper mapper;

    public DeliveryService(
            ReceiptService receipts, Instance<DeliveryChannel> channels, DeliveryConfig config, ObjectMapper mapper) {
        this.receipts = receipts;
        this.channels = channels;
        this.config = config;
        this.mapper = mapper;
    }

    /** The language a delivery's locale is written in. */
    static String lang(String locale) {
        return "en-GB".equals(locale) ? "en" : "de";
    }

    @WithTransaction
    public Uni<DeliveryEntity> send(String receiptId, SendRequest body) {
        String channel = body.getChannel().value();
        String recipient = body.getRecipient();
        boolean valid = recipient.length() <= 254
                && ("email".equals(channel) ? EMAIL : E164).matcher(recipient).matches();
        if (!valid) {
            throw ApiException.rule(
                    "recipient_invalid",
                    "/recipient",
                    "email".equals(channel)
                            ? "recipient must be an e-mail address of at most 254 characters."
                            : "recipient must be a phone number in E.164 format, e.g. +4930123456.");
        }
        String locale = locale(body.getLocale());
        if (channels.stream().noneMatch(c -> c.name().equals(channel))) {
            throw ApiException.rule(
                    "channel_not_configured",
                    "/channel",
                    "No " + channel + " provider is configured for this deployment.");
        }
        return receipts.byId(receiptId)
                // the receipt's row lock orders concurrent sends, so the 24 h count below is exact
                .call(r -> Panache.getSession()
                        .flatMap(s -> s.createNativeQuery(
                                        "SELECT id FROM receipts WHERE id = ?1 FOR UPDATE", String.class)
                                .setParameter(1, r.id)
                                .getSingleResult()))
                .flatMap(r -> {
                    if (ReceiptEntity.ARCHIVED.equals(r.status)) {
                        throw new ApiException(
                                ErrorCode.CONFLICT, "The receipt is archived; it can no longer be sent.");
                    }
                    return withinLimit(r).flatMap(ignored -> {
                        DeliveryEntity d = new DeliveryEntity();
                        d.id = Ids.next(Ids.DELIVERY);
                        d.receiptId = r.id;
                        d.merchantId = r.merchantId;
                        d.channel = channel;
                        d.recipient = recipient;
                        d.locale = locale;
                        d.status = DeliveryEntity.QUEUED;
                        d.createdAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
                        d.nextAttemptAt = d.createdAt;
                        return d.<DeliveryEntity>persist();
                    });
                });
    }

    /** 429 with Retry-After when the receipt already had its deliveries of the last 24 h. */
    private Uni<Void> withinLimit(ReceiptEntity r) {
        OffsetDateTime since = OffsetDateTime.now(ZoneOffset.UTC).minusHours(24);
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery(
                                "SELECT created_at FROM deliveries WHERE receipt_id = ?1 AND created_at > ?2 ORDER BY created_at DESC",
                                OffsetDateTime.class)
                        .setParameter(1, r.id)
                        .setParameter(2, since)
                        .setMaxResults(config.perReceiptPerDay())
                        .getResultList())
                .map(recent -> {
                    if (recent.size() < config.perReceiptPerDay()) {
                        return null;
                    }
                    OffsetDateTime oldest = recent.get(recent.size() - 1);
                    long wait = Math.max(1, Duration.between(since, oldest).toSeconds() + 1);
                    throw new ApiException(
                            ErrorCode.RATE_LIMIT_EXCEEDED,
                            429,
                            "This receipt was sent " + config.perReceiptPerDay()
                                    + " times within 24 hours; try again later.",
                            Map.of(),
                            Map.of("Retry-After", Long.toString(wait)));
                })
                .replaceWithVoid();
    }

    /** de-DE unless the request names en-GB; a tag that is not BCP 47 at all is a 400. */
    private static String locale(String tag) {
        if (tag == null) {
            return "de-DE";
        }
        try {
            Locale parsed = new Locale.Builder().setLanguageTag(tag).build();
            String normalized = parsed.toLanguageTag();
            return LOCALES.stream()
                    .filter(l -> l.equalsIgnoreCase(normalized))
                    .findFirst()
                    .orElse("de-DE");
        } catch (IllformedLocaleException e) {
            throw ApiException.invalid("/locale", "locale must be a BCP 47 language tag such as de-DE or en-GB.");
        }
    }

    @WithSession
    public Uni<DeliveryEntity> get(String receiptId, String deliveryId) {
        return receipts.byId(receiptId)
                .flatMap(r -> DeliveryEntity.<DeliveryEntity>find("id = ?1 and receiptId = ?2", deliveryId, r.id)
                        .<DeliveryEntity>firstResult())
                .map(d -> {
                    if (d == null) {
                        throw ApiException.notFound("Delivery");
                    }
                    return d;
                });
    }

    public ObjectNode render(DeliveryEntity d) {
        ObjectNode o = mapper.createObjectNode();
        o.put("id", d.id);
        o.put("receipt_id", d.receiptId);
        o.put("channel", d.channel);
        o.put("recipient", d.recipient);
        o.put("locale", d.locale);
        o.put("status", d.status);
        o.put("created_at", Timestamps.format(d.createdAt));
        o.put("sent_at", d.sentAt == null ? null : Timestamps.format(d.sentAt));
        o.put("failure_reason", d.failureReason);
        return o;
    }
}
