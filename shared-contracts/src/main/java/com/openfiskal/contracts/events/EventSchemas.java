package com.openfiskal.contracts.events;

import java.util.Map;
import java.util.Optional;

/**
 * Where the JSON Schema of each event lives on the classpath ({@code events/*.schema.json}, described by
 * {@code shared-contracts/src/main/asyncapi/events.yaml}): the envelope, and the {@code data} schema per type.
 */
public final class EventSchemas {

    public static final String ENVELOPE = "events/envelope.schema.json";

    private static final Map<String, String> DATA = Map.of(
            Topics.API_KEY_UPSERTED, "events/api_key.upserted.schema.json",
            Topics.TENANT_UPSERTED, "events/tenant.upserted.schema.json",
            Topics.MERCHANT_UPSERTED, "events/merchant.upserted.schema.json",
            Topics.REGISTER_UPSERTED, "events/register.upserted.schema.json",
            Topics.REGISTER_FISCALIZED, "events/register.fiscalization.schema.json",
            Topics.REGISTER_DECOMMISSIONED, "events/register.fiscalization.schema.json",
            Topics.OPERATION_COMPLETED, "events/operation.schema.json",
            Topics.OPERATION_VOIDED, "events/operation.schema.json",
            Topics.SESSION_CLOSED, "events/session.closed.schema.json");

    private EventSchemas() {}

    /** The classpath resource of the schema of {@code data} for an event type, if the type is produced. */
    public static Optional<String> dataSchema(String type) {
        return Optional.ofNullable(DATA.get(type));
    }
}
