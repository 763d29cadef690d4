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
 * exits, so every test class of a module shares it.
 */
public class OpenFiskalStackResource implements QuarkusTestResourceLifecycleManager {

    private static EmbeddedStack stack;

    /** The stack of this JVM, started on first use. */
    public static synchronized EmbeddedStack stack() {
        if (stack == null) {
            try {
                System.setProperty("openfiskal.local.fast-fsync-off", "true");
                Path dir = Files.createTempDirectory("openfiskal-test-stack");
                stack = EmbeddedStack.start(dir, 0, 0);
                EmbeddedStack started = stack;
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    started.close();
                    deleteQuietly(dir);
                }, "openfiskal-test-stack-stop"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return stack;
    }

    @Override
    public Map<String, String> start() {
        EmbeddedStack s = stack();
        Map<String, String> config = new HashMap<>();
        config.put("quarkus.datasource.reactive.url", s.reactiveUrl());
        config.put("quarkus.datasource.jdbc.url", s.jdbcUrl());
        config.put("quarkus.datasource.username", s.dbUser());
        config.put("quarkus.datasource.password", s.dbPassword());
        config.put("kafka.bootstrap.servers", s.bootstrapServers());
        return config;
    }

    @Override
    public void stop() {
        // shared by every test class of the JVM; stopped by the shutdown hook
    }

    private static void deleteQuietly(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // temporary directory; the OS cleans it eventually
        }
    }
}
