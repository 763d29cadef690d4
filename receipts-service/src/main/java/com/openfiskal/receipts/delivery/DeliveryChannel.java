package com.openfiskal.receipts.delivery;

import com.openfiskal.receipts.receipt.ReceiptEntity;

/**
 * A way to hand a receipt to a customer. E-mail is built in; an SMS provider plugs in as another bean of
 * this type named {@code sms}. A channel without a bean answers {@code 422 channel_not_configured}.
 */
public interface DeliveryChannel {

    /** The {@code channel} value of the send request this bean serves. */
    String name();

    /**
     * Sends one attempt; returns normally when the provider accepted the message and throws when it did not
     * (the worker retries with backoff). Called on a worker thread; may block.
     *
     * @param lang "de" or "en"
     */
    void send(String recipient, String lang, ReceiptEntity receipt) throws Exception;
}
