package com.openfiskal.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class EmbeddedStackTest {

    @Test
    void shouldUseExternalServersInsteadOfStartingItsOwn() throws Exception {
        try (EmbeddedStack external = EmbeddedStack.start(Files.createTempDirectory("external"), 0, 0)) {
            Path dir = Files.createTempDirectory("stack-using-external");
            Map<String, String> env = Map.of(
                    "OPENFISKAL_DB_URL", external.reactiveUrl(),
                    "OPENFISKAL_DB_USER", external.dbUser(),
                    "OPENFISKAL_DB_PASSWORD", external.dbPassword(),
                    "KAFKA_BOOTSTRAP_SERVERS", external.bootstrapServers());
            try (EmbeddedStack stack = EmbeddedStack.start(dir, 0, 0, env)) {
                assertEquals(external.jdbcUrl(), stack.jdbcUrl());
                assertEquals(external.bootstrapServers(), stack.bootstrapServers());
                try (Connection c = DriverManager.getConnection(stack.jdbcUrl(), stack.dbUser(), stack.dbPassword());
                        Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery("SELECT 1")) {
                    assertTrue(rs.next());
                }
            }
            try (var files = Files.list(dir)) {
                assertEquals(0, files.count(), "nothing embedded was started");
            }
        }
    }

    @Test
    void shouldKeepDatabaseRowsAndKafkaRecordsAcrossARestart() throws Exception {
        Path dir = Files.createTempDirectory("stack-test");
        try (EmbeddedStack stack = EmbeddedStack.start(dir, 0, 0)) {
            try (Connection c = DriverManager.getConnection(stack.jdbcUrl(), stack.dbUser(), stack.dbPassword());
                    Statement s = c.createStatement()) {
                s.execute("CREATE TABLE kept (v text)");
                s.execute("INSERT INTO kept VALUES ('survives')");
            }
            Properties p = new Properties();
            p.put("bootstrap.servers", stack.bootstrapServers());
            try (KafkaProducer<String, String> producer =
                    new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
                producer.send(new ProducerRecord<>("fiscal.sessions.v1", "reg_1", "hello"))
                        .get();
            }
        }
        try (EmbeddedStack stack = EmbeddedStack.start(dir, 0, 0)) {
            try (Connection c = DriverManager.getConnection(stack.jdbcUrl(), stack.dbUser(), stack.dbPassword());
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT v FROM kept")) {
                assertTrue(rs.next());
                assertEquals("survives", rs.getString(1));
            }
            Properties p = new Properties();
            p.put("bootstrap.servers", stack.bootstrapServers());
            p.put("group.id", "t");
            p.put("auto.offset.reset", "earliest");
            try (KafkaConsumer<String, String> consumer =
                    new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
                consumer.subscribe(List.of("fiscal.sessions.v1"));
                int seen = 0;
                long deadline = System.currentTimeMillis() + 30_000;
                while (seen == 0 && System.currentTimeMillis() < deadline) {
                    ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(500));
                    seen += records.count();
                    records.forEach(r -> assertEquals("hello", r.value()));
                }
                assertEquals(1, seen);
            }
        }
    }
}
