package com.openfiskal.contracts.identity;

import io.quarkus.arc.properties.IfBuildProperty;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness of a service that authenticates from the replicated identity topic: not ready until its
 * consumer has read the topic up to where it ended when the service started (API.md §13.1). Otherwise a
 * freshly started replica would refuse valid keys with 401 until it caught up. Once caught up it stays
 * ready; later lag is the consumer's own metric.
 */
@Readiness
@ApplicationScoped
@IfBuildProperty(name = "openfiskal.identity-replica.enabled", stringValue = "true")
public class IdentityCatchUp implements HealthCheck {

    private static final String TOPIC = com.openfiskal.contracts.events.Topics.IDENTITY;

    private final String bootstrapServers;
    private final String groupId;
    private final Map<Integer, Long> processed = new ConcurrentHashMap<>();
    private volatile Map<TopicPartition, Long> target;
    private volatile boolean caughtUp;

    public IdentityCatchUp(
            @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers,
            @ConfigProperty(name = "mp.messaging.incoming.identity.group.id") String groupId) {
        this.bootstrapServers = bootstrapServers;
        this.groupId = groupId;
    }

    /** Called by the consumer after applying the record at {@code offset} of {@code partition}. */
    void applied(int partition, long offset) {
        processed.merge(partition, offset, Math::max);
    }

    @Override
    public HealthCheckResponse call() {
        if (caughtUp) {
            return HealthCheckResponse.up("identity replica");
        }
        try (Admin admin = Admin.create(adminConfig())) {
            if (target == null) {
                var partitions = admin.describeTopics(java.util.List.of(TOPIC))
                        .allTopicNames()
                        .get(5, TimeUnit.SECONDS)
                        .get(TOPIC)
                        .partitions();
                Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
                partitions.forEach(p -> latest.put(new TopicPartition(TOPIC, p.partition()), OffsetSpec.latest()));
                Map<TopicPartition, Long> ends = new java.util.HashMap<>();
                admin.listOffsets(latest)
                        .all()
                        .get(5, TimeUnit.SECONDS)
                        .forEach((tp, info) -> ends.put(tp, info.offset()));
                target = ends;
            }
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(groupId)
                    .partitionsToOffsetAndMetadata()
                    .get(5, TimeUnit.SECONDS);
            long behind = 0;
            for (Map.Entry<TopicPartition, Long> t : target.entrySet()) {
                OffsetAndMetadata c = committed.get(t.getKey());
                long position = Math.max(
                        c == null ? 0 : c.offset(),
                        processed.getOrDefault(t.getKey().partition(), -1L) + 1);
                behind += Math.max(0, t.getValue() - position);
            }
            if (behind == 0) {
                caughtUp = true;
                return HealthCheckResponse.up("identity replica");
            }
            return HealthCheckResponse.named("identity replica")
                    .down()
                    .withData("records_behind", behind)
                    .build();
        } catch (Exception e) {
            return HealthCheckResponse.named("identity replica")
                    .down()
                    .withData("error", String.valueOf(e.getMessage()))
                    .build();
        }
    }

    private Properties adminConfig() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int)
                Duration.ofSeconds(5).toMillis());
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int)
                Duration.ofSeconds(5).toMillis());
        return p;
    }
}
