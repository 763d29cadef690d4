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
        OutboxEventEntity e;
        try {
            e = event(topic, key, type, tenantId, merchantId, registerId, data);
        } catch (JsonProcessingException ex) {
            return Uni.createFrom().failure(ex);
        }
        return e.persist().invoke(relay::wake).replaceWithVoid();
    }

    /**
     * The event as its outbox row, not yet stored, with the current request's id and trace context: for a
     * caller that writes it with the rest of its transaction itself, and then calls {@link #written}.
     */
    public OutboxEventEntity event(
            String topic, String key, String type, String tenantId, String merchantId, String registerId, Object data)
            throws JsonProcessingException {
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
        e.payload = mapper.writeValueAsString(envelope);
        return e;
    }

    /** Events from {@link #event} were committed: the relay publishes them a moment later. */
    public void written() {
        relay.wake();
    }
}
