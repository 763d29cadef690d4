package com.openfiskal.contracts.events;

/** Kafka topics and event types (API.md §11.2). */
public final class Topics {

    public static final String OPERATIONS = "fiscal.operations.v1";
    public static final String SESSIONS = "fiscal.sessions.v1";
    public static final String REGISTERS = "fiscal.registers.v1";
    /** Log-compacted; keyed {@code <kind>:<id>}. */
    public static final String IDENTITY = "fiscal.identity.v1";

    public static final String REGISTER_FISCALIZED = "register.fiscalized";
    public static final String REGISTER_DECOMMISSIONED = "register.decommissioned";

    public static final String OPERATION_COMPLETED = "operation.completed";
    public static final String OPERATION_VOIDED = "operation.voided";
    public static final String SESSION_CLOSED = "session.closed";

    public static final String API_KEY_UPSERTED = "api_key.upserted";
    public static final String TENANT_UPSERTED = "tenant.upserted";
    public static final String MERCHANT_UPSERTED = "merchant.upserted";
    public static final String REGISTER_UPSERTED = "register.upserted";

    /** Record headers. */
    public static final String HEADER_REQUEST_ID = "x-request-id";

    public static final String HEADER_EVENT_TYPE = "event-type";
    public static final String HEADER_CONTENT_TYPE = "content-type";
    /** W3C trace context of the causing request. */
    public static final String HEADER_TRACEPARENT = "traceparent";

    private Topics() {}
}
