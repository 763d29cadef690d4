package com.openfiskal.local;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Quarkus test resource that starts the same embedded stack as {@code ./openfiskal up} (real PostgreSQL,
 * real Kafka) once per test JVM and points the service under test at it. The stack lives until the JVM
 * exits, so every test class of a module shares it — also across test profiles, which load this class
 * again in another class loader: the running stack is found through system properties.
 */
public class OpenFiskalStackResource implements QuarkusTestResourceLifecycleManager {

    private static final String JDBC = "openfiskal.local.stack.jdbc-url";
    private static final String USER = "openfiskal.local.stack.user";
    private static final String PASSWORD = "openfiskal.local.stack.password";
    private static final String KAFKA = "openfiskal.local.stack.bootstrap-servers";

    /** Starts the stack of this JVM on first use. */
    private static void ensureStarted() {
        synchronized (System.class) {
            if (System.getProperty(JDBC) != null) {
                return;
            }
            try {
                System.setProperty("openfiskal.local.fast-fsync-off", "true");
                Path dir = Files.createTempDirectory("openfiskal-test-stack");
                EmbeddedStack stack = EmbeddedStack.start(dir, 0, 0);
                Runtime.getRuntime()
                        .addShutdownHook(new Thread(
                                () -> {
                                    stack.close();
                                    deleteQuietly(dir);
                                },
                                "openfiskal-test-stack-stop"));
                System.setProperty(USER, stack.dbUser());
                System.setProperty(PASSWORD, stack.dbPassword());
                System.setProperty(KAFKA, stack.bootstrapServers());
                System.setProperty(JDBC, stack.jdbcUrl());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Kafka of the test stack, for tests that produce or consume records themselves. */
    public static String bootstrapServers() {
        ensureStarted();
        return System.getProperty(KAFKA);
    }

    /** JDBC URL of the test stack's database. */
    public static String jdbcUrl() {
        ensureStarted();
        return System.getProperty(JDBC);
    }

    @Override
    public Map<String, String> start() {
        ensureStarted();
        String jdbc = System.getProperty(JDBC);
        Map<String, String> config = new HashMap<>();
        config.put("quarkus.datasource.reactive.url", jdbc.substring("jdbc:".length()));
        config.put("quarkus.datasource.jdbc.url", jdbc);
        config.put("quarkus.datasource.username", System.getProperty(USER));
        config.put("quarkus.datasource.password", System.getProperty(PASSWORD));
        config.put("kafka.bootstrap.servers", System.getProperty(KAFKA));
        return config;
    }

    @Override
    public void stop() {
        // shared by every test class of the JVM; stopped by the shutdown hook
    }

    private static void deleteQuietly(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // temporary directory; the OS cleans it eventually
        }
    }
}
