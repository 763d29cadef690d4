package com.openfiskal.fiscalization.support;

import com.openfiskal.local.OpenFiskalStackResource;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads topics of the test stack from the beginning, as a new consumer group, until enough was seen. */
public final class TopicReader {

    private TopicReader() {}

    /** Every record read until {@code enough} holds for those read so far, or the timeout passed. */
    public static List<ConsumerRecord<String, String>> read(
            List<String> topics, Predicate<List<ConsumerRecord<String, String>>> enough, Duration timeout) {
        Properties p = new Properties();
        p.put("bootstrap.servers", OpenFiskalStackResource.bootstrapServers());
        p.put("group.id", "test-reader-" + UUID.randomUUID());
        p.put("auto.offset.reset", "earliest");
        List<ConsumerRecord<String, String>> seen = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(topics);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!enough.test(seen) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(300)).forEach(seen::add);
            }
        }
        return seen;
    }

    public static String header(ConsumerRecord<String, String> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
