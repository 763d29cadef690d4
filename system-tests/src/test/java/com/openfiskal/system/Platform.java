package com.openfiskal.system;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.openfiskal.local.EmbeddedStack;
import com.openfiskal.local.LocalPlatform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** One running platform (stack and three services on free ports) shared by every system test of the JVM. */
final class Platform {

    static final String PEPPER = "system-test-pepper";
    static final String INTERNAL_TOKEN = "system-test-internal-token";
    static final String ADMIN_TOKEN = "system-test-admin-token";

    private static LocalPlatform platform;
    private static LocalPlatform second;
    private static EmbeddedStack stack;
    private static Path dataDir;
    private static GreenMail smtp;
    private static OtlpCollector traces;
    private static LocalPlatform.Settings settings;
    private static Path root;

    private Platform() {}

    static synchronized LocalPlatform get() {
        if (platform == null) {
            try {
                Path root = Path.of(System.getProperty("openfiskal.root", ".."))
                        .toAbsolutePath()
                        .normalize();
                Path dir = Files.createTempDirectory("openfiskal-system-test");
                dataDir = dir;
                EmbeddedStack stack = EmbeddedStack.start(dir, 0, 0);
                Platform.stack = stack;
                GreenMail mail = new GreenMail(new ServerSetup(EmbeddedStack.freePort(), "127.0.0.1", "smtp"));
                mail.start();
                smtp = mail;
                OtlpCollector collector = new OtlpCollector(EmbeddedStack.freePort());
                traces = collector;
                Platform.root = root;
                settings = new LocalPlatform.Settings(
                        PEPPER,
                        ADMIN_TOKEN,
                        null,
                        "c3lzdGVtLXRlc3QtbWFzdGVyLWtleS0zMi1ieXRlcyE=",
                        INTERNAL_TOKEN,
                        Map.ofEntries(
                                Map.entry("OTEL_EXPORTER_OTLP_ENDPOINT", collector.endpoint()),
                                Map.entry("OPENFISKAL_TRACING_EXPORT_DELAY", "200ms"),
                                Map.entry("OPENFISKAL_RATE_LIMIT_PER_IP_PER_SECOND", "100000"),
                                // exports take a few seconds, so a crash test can kill a build
                                Map.entry("OPENFISKAL_EXPORT_TEST_PAUSE_PER_TABLE", "150ms"),
                                Map.entry("OPENFISKAL_SMTP_HOST", "127.0.0.1"),
                                Map.entry(
                                        "OPENFISKAL_SMTP_PORT",
                                        String.valueOf(mail.getSmtp().getPort())),
                                Map.entry("OPENFISKAL_SMTP_START_TLS", "DISABLED")));
                LocalPlatform p = instances(dir.resolve("logs"));
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    if (second != null) {
                        second.close();
                    }
                    p.close();
                    stack.close();
                    mail.stop();
                    collector.close();
                }));
                p.start(root, stack, settings, System.out);
                platform = p;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return platform;
    }

    /** One instance of each service on free ports; nothing runs until started. */
    private static LocalPlatform instances(Path logDir) {
        Map<String, Integer> ports = new LinkedHashMap<>();
        ports.put(LocalPlatform.FISCALIZATION, EmbeddedStack.freePort());
        ports.put(LocalPlatform.EXPORT, EmbeddedStack.freePort());
        ports.put(LocalPlatform.RECEIPTS, EmbeddedStack.freePort());
        return new LocalPlatform(ports, logDir);
    }

    /**
     * A second instance of each service on the same database, broker and export directory (the replicas
     * of a Kubernetes deployment); started on first use.
     */
    static synchronized LocalPlatform second() {
        get();
        if (second == null) {
            try {
                // logs-b beside logs: the export archives go to the same exports/ directory
                second = instances(dataDir.resolve("logs-b")).start(root, stack, settings, System.out);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return second;
    }

    /** A consumer of the platform's broker in a group of its own, reading topics from their start. */
    static KafkaConsumer<String, String> consumerFromStart(String purpose) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack().bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, purpose + "-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        return new KafkaConsumer<>(p);
    }

    /** The OTLP collector the services export their spans to. */
    static OtlpCollector traces() {
        get();
        return traces;
    }

    /** The SMTP server the receipts-services deliver to. */
    static GreenMail smtp() {
        get();
        return smtp;
    }

    /** The PostgreSQL and Kafka under the platform (outage tests stop and start the broker). */
    static EmbeddedStack stack() {
        get();
        return stack;
    }

    /** Where the platform keeps its data: logs/, exports/ (the export archives). */
    static Path dataDir() {
        get();
        return dataDir;
    }

    /** The settings the platform's services were started with. */
    static LocalPlatform.Settings settings() {
        get();
        return settings;
    }

    /** The repository root, holding the services' built jars. */
    static Path root() {
        get();
        return root;
    }

    static String fiscalization() {
        return get().url(LocalPlatform.FISCALIZATION);
    }

    static String export() {
        return get().url(LocalPlatform.EXPORT);
    }

    static String receipts() {
        return get().url(LocalPlatform.RECEIPTS);
    }
}
