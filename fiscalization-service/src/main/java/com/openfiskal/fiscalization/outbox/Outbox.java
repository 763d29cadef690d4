package com.openfiskal.fiscalization.outbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openfiskal.contracts.auth.SecurityConfig;
import com.openfiskal.contracts.events.EventEnvelope;
import com.openfiskal.contracts.http.RequestIds;
import com.openfiskal.contracts.ids.Ids;
import com.openfiskal.contracts.json.Timestamps;
import com.openfiskal.contracts.tracing.Tracing;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import org.jboss.logging.MDC;

/**
 * Writes events into the outbox table inside the caller's transaction (never to Kafka directly): the
 * change and its event commit together or not at all. {@link OutboxRelay} publishes them afterwards.
 */
@ApplicationScoped
public class Outbox {

    private final ObjectMapper mapper;
    private final SecurityConfig config;
    private final OutboxRelay relay;

    public Outbox(ObjectMapper mapper, SecurityConfig config, OutboxRelay relay) {
        this.mapper = mapper;
        this.config = config;
        this.relay = relay;
    }

    /** A pending event; call inside the transaction of the change it describes. */
    public Uni<Void> add(
            String topic, String key, String type, String tenantId, String merchantId, String registerId, Object data) {
        Instant now = Timestamps.now();
        OutboxEventEntity e = new OutboxEventEntity();
        e.eventId = Ids.next(Ids.EVENT);
        e.topic = topic;
        e.recordKey = key;
        e.eventType = type;
        e.createdAt = now;
        Object requestId = MDC.get(RequestIds.KEY);
        e.requestId = requestId == null ? null : requestId.toString();
        Object traceparent = MDC.get(Tracing.TRACEPARENT);
        e.traceparent = traceparent == null ? null : traceparent.toString();
        EventEnvelope envelope = new EventEnvelope(
                e.eventId,
                type,
                EventEnvelope.SCHEMA_VERSION,
                Timestamps.format(now),
                config.environment(),
                tenantId,
                merchantId,
                registerId,
                data instanceof JsonNode node ? node : mapper.valueToTree(data));
        try {
            e.payload = mapper.writeValueAsString(envelope);
        } catch (JsonProcessingException ex) {
            return Uni.createFrom().failure(ex);
        }
        return e.persist().invoke(relay::wake).replaceWithVoid();
    }
}
