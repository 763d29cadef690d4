package com.openfiskal.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code ./openfiskal up}: starts the embedded stack and the three services, waits until all are healthy,
 * prints where everything is, and on Ctrl-C (SIGINT) or SIGTERM stops the services and then the stack.
 * Data and generated secrets live in the data directory, so a restart finds them again; {@code --fresh}
 * wipes it first.
 */
public final class Launcher {

    /** Service name, HTTP port. */
    static final Map<String, Integer> SERVICES = new LinkedHashMap<>();

    static {
        SERVICES.put("fiscalization-service", 8080);
        SERVICES.put("export-service", 8081);
        SERVICES.put("receipts-service", 8082);
    }

    private final Path root;
    private final Path dataDir;
    private final List<Process> processes = new ArrayList<>();
    private EmbeddedStack stack;
    private volatile boolean stopping;

    private Launcher(Path root, Path dataDir) {
        this.root = root;
        this.dataDir = dataDir;
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(System.getProperty("openfiskal.root", ".")).toAbsolutePath().normalize();
        Path data = root.resolve(".openfiskal");
        boolean fresh = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "up" -> { }
                case "--fresh" -> fresh = true;
                case "--data-dir" -> data = Path.of(args[++i]).toAbsolutePath();
                default -> {
                    System.err.println("usage: ./openfiskal up [--fresh] [--data-dir DIR]");
                    System.exit(2);
                }
            }
        }
        if (fresh && Files.exists(data)) {
            say("Wiping " + data);
            deleteTree(data);
        }
        Launcher launcher = new Launcher(root, data);
        Runtime.getRuntime().addShutdownHook(new Thread(launcher::stop, "openfiskal-stop"));
        launcher.run();
    }

    private void run() throws Exception {
        Files.createDirectories(dataDir.resolve("logs"));
        Properties secrets = secrets();
        int pgPort = intEnv("OPENFISKAL_LOCAL_PG_PORT", 54320);
        int kafkaPort = intEnv("OPENFISKAL_LOCAL_KAFKA_PORT", 19092);
        say("Starting PostgreSQL and Kafka (data in " + dataDir + ") ...");
        long t0 = System.nanoTime();
        stack = EmbeddedStack.start(dataDir, pgPort, kafkaPort);
        say(String.format("  PostgreSQL  %s%n  Kafka       %s   (%.1f s)", stack.reactiveUrl(),
                stack.bootstrapServers(), (System.nanoTime() - t0) / 1e9));

        for (Map.Entry<String, Integer> svc : SERVICES.entrySet()) {
            processes.add(startService(svc.getKey(), svc.getValue(), secrets));
        }
        say("Starting the services ...");
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        for (Map.Entry<String, Integer> svc : SERVICES.entrySet()) {
            awaitHealthy(http, svc.getKey(), svc.getValue());
        }
        String key = secrets.getProperty("bootstrap-api-key");
        say("");
        say("OpenFiskal is up.");
        for (Map.Entry<String, Integer> svc : SERVICES.entrySet()) {
            say(String.format("  %-22s http://localhost:%d   Swagger UI http://localhost:%d/q/swagger-ui", svc.getKey(),
                    svc.getValue(), svc.getValue()));
        }
        say("");
        say("  Sandbox API key   " + key);
        say("  Admin token       " + secrets.getProperty("admin-token"));
        say("  Logs              " + dataDir.resolve("logs"));
        say("");
        say("  Try:  curl -s -H 'Authorization: Bearer " + key + "' http://localhost:8080/v1/merchants");
        say("");
        say("Press Ctrl-C to stop.");
        while (!stopping) {
            for (int i = 0; i < processes.size(); i++) {
                if (!processes.get(i).isAlive() && !stopping) {
                    String name = new ArrayList<>(SERVICES.keySet()).get(i);
                    say(name + " exited with code " + processes.get(i).exitValue() + "; see "
                            + dataDir.resolve("logs").resolve(name + ".log") + ". Stopping.");
                    System.exit(1);
                }
            }
            Thread.sleep(1000);
        }
    }

    private Process startService(String name, int port, Properties secrets) throws IOException {
        Path jar = root.resolve(name).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: build first (./mvnw -B package -DskipTests)");
        }
        ProcessBuilder pb = new ProcessBuilder(javaBin(), "-Xmx512m", "-jar", jar.toString());
        Map<String, String> env = pb.environment();
        env.put("QUARKUS_HTTP_PORT", String.valueOf(port));
        env.put("OPENFISKAL_DB_URL", stack.reactiveUrl());
        env.put("OPENFISKAL_DB_USER", stack.dbUser());
        env.put("OPENFISKAL_DB_PASSWORD", stack.dbPassword());
        env.put("KAFKA_BOOTSTRAP_SERVERS", stack.bootstrapServers());
        env.put("OPENFISKAL_API_KEY_PEPPER", secrets.getProperty("api-key-pepper"));
        env.put("OPENFISKAL_ADMIN_TOKEN", secrets.getProperty("admin-token"));
        env.put("OPENFISKAL_BOOTSTRAP_API_KEY", secrets.getProperty("bootstrap-api-key"));
        env.putIfAbsent("OPENFISKAL_ENVIRONMENT", "test");
        Path log = dataDir.resolve("logs").resolve(name + ".log");
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.directory(root.resolve(name).toFile());
        return pb.start();
    }

    private void awaitHealthy(HttpClient http, String name, int port) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        System.out.print("  " + name + " ");
        System.out.flush();
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/q/health/ready")).timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    System.out.println(" healthy");
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            System.out.print(".");
            System.out.flush();
            Thread.sleep(500);
        }
        System.out.println(" not healthy after 180 s");
        throw new IllegalStateException(name + " did not become healthy; see " + dataDir.resolve("logs"));
    }

    /** Secrets generated once per data directory; environment variables win. */
    private Properties secrets() throws IOException {
        Path file = dataDir.resolve("secrets.properties");
        Properties p = new Properties();
        if (Files.exists(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                p.load(in);
            }
        }
        p.putIfAbsent("api-key-pepper", random(32));
        p.putIfAbsent("admin-token", random(32));
        p.putIfAbsent("bootstrap-api-key", "of_test_deu_" + random(32));
        String env = System.getenv("OPENFISKAL_BOOTSTRAP_API_KEY");
        if (env != null && !env.isBlank()) {
            p.put("bootstrap-api-key", env);
        }
        String pepper = System.getenv("OPENFISKAL_API_KEY_PEPPER");
        if (pepper != null && !pepper.isBlank()) {
            p.put("api-key-pepper", pepper);
        }
        String admin = System.getenv("OPENFISKAL_ADMIN_TOKEN");
        if (admin != null && !admin.isBlank()) {
            p.put("admin-token", admin);
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            p.store(out, "Generated by ./openfiskal up for local development only");
        }
        file.toFile().setReadable(false, false);
        file.toFile().setReadable(true, true);
        return p;
    }

    private void stop() {
        stopping = true;
        if (!processes.isEmpty()) {
            say("\nStopping the services ...");
        }
        for (Process p : processes) {
            p.destroy();
        }
        for (Process p : processes) {
            try {
                if (!p.waitFor(15, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
            }
        }
        if (stack != null) {
            say("Stopping Kafka and PostgreSQL ...");
            stack.close();
            stack = null;
        }
        say("Stopped.");
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static String random(int n) {
        String alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        SecureRandom r = new SecureRandom();
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    private static int intEnv(String name, int fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : Integer.parseInt(v.trim());
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
