package com.openfiskal.local;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The three services as separate JVMs (their built fast-jars) against one {@link EmbeddedStack}: what
 * {@code ./openfiskal up} runs, and what the system tests run on free ports.
 */
public final class LocalPlatform implements AutoCloseable {

    public static final String FISCALIZATION = "fiscalization-service";
    public static final String EXPORT = "export-service";
    public static final String RECEIPTS = "receipts-service";

    /** Secrets and settings handed to every service. */
    public record Settings(
            String apiKeyPepper,
            String adminToken,
            String bootstrapApiKey,
            String tseMasterKey,
            String internalToken,
            Map<String, String> extraEnv) {}

    private static final String CAUSED_BY = "Caused by: ";
    private static final Path NICE = Path.of("/usr/bin/nice");
    /** CPU niceness of the services that only consume events; 0 runs them like the others. */
    static final String BACKGROUND_NICE = "OPENFISKAL_LOCAL_BACKGROUND_NICE";

    private final Map<String, Process> processes = new LinkedHashMap<>();
    /** Where each service's log stood when it was last started: its logs are appended to across starts. */
    private final Map<String, Long> logOffsets = new LinkedHashMap<>();

    private final Map<String, Integer> ports;
    private final Path logDir;
    private Path root;
    private EmbeddedStack stack;
    private Settings settings;

    /** A platform of these services on these ports; nothing runs until {@link #start}. */
    public LocalPlatform(Map<String, Integer> ports, Path logDir) {
        this.ports = ports;
        this.logDir = logDir;
    }

    /**
     * Starts the services and waits until each is ready. On failure every started service is stopped.
     *
     * @param root the repository root (holding {@code <service>/target/quarkus-app})
     * @param progress where progress dots and lines go
     */
    public LocalPlatform start(Path root, EmbeddedStack stack, Settings settings, PrintStream progress)
            throws IOException, InterruptedException {
        Files.createDirectories(logDir);
        this.root = root;
        this.stack = stack;
        this.settings = settings;
        try {
            for (Map.Entry<String, Integer> svc : ports.entrySet()) {
                launch(svc.getKey());
            }
            HttpClient http = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(2))
                    .build();
            for (Map.Entry<String, Integer> svc : ports.entrySet()) {
                awaitReady(http, svc.getKey(), svc.getValue(), progress);
            }
            return this;
        } catch (IOException | InterruptedException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private synchronized void launch(String name) throws IOException {
        Path log = log(name);
        logOffsets.put(name, Files.exists(log) ? Files.size(log) : 0L);
        processes.put(name, startService(root, name, ports.get(name), stack, settings, logDir, ports));
    }

    private static Process startService(
            Path root,
            String name,
            int port,
            EmbeddedStack stack,
            Settings settings,
            Path logDir,
            Map<String, Integer> ports)
            throws IOException {
        Path jar = root.resolve(name).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: build first (./mvnw -B package -DskipTests)");
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // the export-service streams archives and is held to 256 MB (issue: a year's export at -Xmx256m)
        String heap = name.equals(EXPORT) ? "-Xmx256m" : "-Xmx512m";
        List<String> command = new ArrayList<>();
        int nice = name.equals(FISCALIZATION) ? 0 : backgroundNice(settings.extraEnv());
        if (nice > 0 && Files.isExecutable(NICE)) {
            // The export- and receipts-service only consume events: their work may wait a few hundred
            // milliseconds, a till's request may not. On one machine they share the cores with the
            // fiscalization-service and PostgreSQL, so they yield the CPU to them (measured on 2 cores at
            // 250 sales/s: a lower p99 of creates and completes, docs/performance.md, session 15).
            command.addAll(List.of(NICE.toString(), "-n", String.valueOf(nice)));
        }
        command.addAll(List.of(java, heap, "-XX:+UseSerialGC", "-jar", jar.toString()));
        ProcessBuilder pb = new ProcessBuilder(command);
        Map<String, String> env = pb.environment();
        env.put("QUARKUS_HTTP_PORT", String.valueOf(port));
        env.put("OPENFISKAL_DB_URL", stack.reactiveUrl());
        env.put("OPENFISKAL_DB_USER", stack.dbUser());
        env.put("OPENFISKAL_DB_PASSWORD", stack.dbPassword());
        env.put("KAFKA_BOOTSTRAP_SERVERS", stack.bootstrapServers());
        env.put("OPENFISKAL_API_KEY_PEPPER", settings.apiKeyPepper());
        env.put("OPENFISKAL_ADMIN_TOKEN", settings.adminToken());
        env.put("OPENFISKAL_TSE_MASTER_KEY", settings.tseMasterKey());
        env.put("OPENFISKAL_INTERNAL_TOKEN", settings.internalToken());
        if (settings.bootstrapApiKey() != null) {
            env.put("OPENFISKAL_BOOTSTRAP_API_KEY", settings.bootstrapApiKey());
        }
        if (ports.containsKey(FISCALIZATION)) {
            // the export-service's authoritative closed-session check (API.md §9.2)
            env.put("OPENFISKAL_FISCALIZATION_URL", "http://127.0.0.1:" + ports.get(FISCALIZATION));
        }
        env.put(
                "OPENFISKAL_EXPORT_ARTIFACT_DIR",
                logDir.toAbsolutePath().getParent().resolve("exports").toString());
        // local only: the download links' key is derived from the generated service token, so one secret
        // file holds everything; deployments set OPENFISKAL_EXPORT_DOWNLOAD_SECRET themselves (deploy/)
        env.put("OPENFISKAL_EXPORT_DOWNLOAD_SECRET", sha256Hex("export-download:" + settings.internalToken()));
        // no ingress locally: each service's links (downloads, receipts) name its own port
        env.put("OPENFISKAL_PUBLIC_URL", "http://localhost:" + port);
        env.putIfAbsent("OPENFISKAL_ENVIRONMENT", "test");
        // Here the three services share the machine's cores with each other, PostgreSQL and Kafka: one
        // event loop per core, not Vert.x's two, so that fewer requests hop between event-loop threads
        // (measured on 2 cores: a tenth less CPU per sale and a lower p99 at 250 sales/s, docs/performance.md,
        // session 14)
        env.putIfAbsent(
                "QUARKUS_VERTX_EVENT_LOOPS_POOL_SIZE",
                String.valueOf(Runtime.getRuntime().availableProcessors()));
        env.putAll(settings.extraEnv());
        pb.redirectErrorStream(true)
                .redirectOutput(
                        ProcessBuilder.Redirect.appendTo(logFile(logDir, name).toFile()));
        pb.directory(root.resolve(name).toFile());
        return pb.start();
    }

    /** The niceness for the event-consuming services: the settings', then the environment's, default 10. */
    static int backgroundNice(Map<String, String> extraEnv) {
        String value = extraEnv.getOrDefault(BACKGROUND_NICE, System.getenv(BACKGROUND_NICE));
        if (value == null || value.isBlank()) {
            return 10;
        }
        try {
            int n = Integer.parseInt(value.trim());
            if (n < 0 || n > 19) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalStateException(BACKGROUND_NICE + " must be a whole number from 0 to 19, was " + value);
        }
    }

    private static String sha256Hex(String s) {
        try {
            return java.util.HexFormat.of()
                    .formatHex(java.security.MessageDigest.getInstance("SHA-256")
                            .digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void awaitReady(HttpClient http, String name, int port, PrintStream progress) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        progress.print("  " + name + " ");
        progress.flush();
        while (System.nanoTime() < deadline) {
            Process p = processes.get(name);
            if (!p.isAlive()) {
                progress.println(" exited with code " + p.exitValue());
                Path log = log(name);
                throw new IllegalStateException(name + " exited during start"
                        + startFailure(log, logOffsets.getOrDefault(name, 0L))
                                .map(reason -> ": " + reason)
                                .orElse("")
                        + "; see " + log);
            }
            try {
                HttpResponse<Void> r = http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready"))
                                .timeout(Duration.ofSeconds(2))
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    progress.println(" ready");
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            progress.print(".");
            progress.flush();
            Thread.sleep(500);
        }
        progress.println(" not ready after 180 s");
        throw new IllegalStateException(name + " did not become ready; see " + log(name));
    }

    /** Kills a service with SIGKILL, as a crash would: no shutdown hook, no graceful stop. */
    public void kill(String service) throws InterruptedException {
        Process p;
        synchronized (this) {
            p = processes.get(service);
        }
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    /** Starts a stopped service again with the same settings and waits until it is ready. */
    public void restart(String service, PrintStream progress) throws IOException, InterruptedException {
        launch(service);
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        awaitReady(http, service, ports.get(service), progress);
    }

    /**
     * Why a service gave up during its start, as its log says: the message of the innermost cause of the
     * last exception written since {@code from} (Quarkus wraps the reason in "Failed to start" exceptions),
     * so that the operator reads it in the terminal.
     */
    static Optional<String> startFailure(Path log, long from) {
        try (SeekableByteChannel channel = Files.newByteChannel(log)) {
            // only what this start wrote: the log holds every earlier start too
            channel.position(from);
            String tail = new String(Channels.newInputStream(channel).readAllBytes(), UTF_8);
            String reason = null;
            for (String line : tail.split("\\R")) {
                if (line.startsWith(CAUSED_BY)) {
                    reason = line.substring(CAUSED_BY.length());
                }
            }
            if (reason == null) {
                return Optional.empty();
            }
            // "java.lang.IllegalStateException: message" -> "message"
            int colon = reason.indexOf(": ");
            return Optional.of(colon < 0 ? reason : reason.substring(colon + 2));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    public String url(String service) {
        return "http://localhost:" + ports.get(service);
    }

    /** A service that has stopped on its own, if any. */
    public synchronized Optional<String> exited() {
        return processes.entrySet().stream()
                .filter(e -> !e.getValue().isAlive())
                .map(Map.Entry::getKey)
                .findFirst();
    }

    /** The log a service writes to, appended to across its starts. */
    public Path log(String service) {
        return logFile(logDir, service);
    }

    private static Path logFile(Path logDir, String service) {
        return logDir.resolve(service + ".log");
    }

    public Path logDir() {
        return logDir;
    }

    /** Stops every service (SIGTERM, then SIGKILL after 15 s). */
    @Override
    public synchronized void close() {
        processes.values().forEach(Process::destroy);
        for (Process p : processes.values()) {
            try {
                if (!p.waitFor(15, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        processes.clear();
    }
}
