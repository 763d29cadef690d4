package com.openfiskal.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * {@code ./openfiskal up}: starts the embedded stack and the three services, waits until all are ready,
 * prints where everything is, and on Ctrl-C (SIGINT) or SIGTERM stops the services and then the stack.
 * Data and generated secrets live in the data directory, so a restart finds them again; {@code --fresh}
 * wipes it first.
 */
public final class Launcher {

    private final Path root;
    private final Path dataDir;
    private volatile boolean stopping;
    private EmbeddedStack stack;
    private LocalPlatform platform;

    private Launcher(Path root, Path dataDir) {
        this.root = root;
        this.dataDir = dataDir;
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(System.getProperty("openfiskal.root", "."))
                .toAbsolutePath()
                .normalize();
        Path data = root.resolve(".openfiskal");
        boolean fresh = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "up" -> {}
                case "--fresh" -> fresh = true;
                case "--data-dir" -> {
                    if (i + 1 >= args.length) {
                        usage();
                    }
                    data = Path.of(args[++i]).toAbsolutePath();
                }
                default -> usage();
            }
        }
        if (fresh && Files.exists(data)) {
            say("Wiping " + data);
            deleteTree(data);
        }
        Launcher launcher = new Launcher(root, data);
        Runtime.getRuntime().addShutdownHook(new Thread(launcher::stop, "openfiskal-stop"));
        try {
            launcher.run();
        } catch (IllegalStateException e) {
            System.err.println(e.getMessage());
            System.exit(1);
        }
    }

    private static void usage() {
        System.err.println("usage: ./openfiskal up [--fresh] [--data-dir DIR]");
        System.exit(2);
    }

    private void run() throws Exception {
        Properties secrets = secrets();
        int pgPort = intEnv("OPENFISKAL_LOCAL_PG_PORT", 54320);
        int kafkaPort = intEnv("OPENFISKAL_LOCAL_KAFKA_PORT", 19092);
        say("Starting PostgreSQL and Kafka (data in " + dataDir + ") ...");
        long t0 = System.nanoTime();
        stack = EmbeddedStack.start(dataDir, pgPort, kafkaPort);
        say(String.format(
                "  PostgreSQL  %s%n  Kafka       %s   (%.1f s)",
                stack.reactiveUrl(), stack.bootstrapServers(), (System.nanoTime() - t0) / 1e9));

        Map<String, Integer> ports = new LinkedHashMap<>();
        ports.put(LocalPlatform.FISCALIZATION, 8080);
        ports.put(LocalPlatform.EXPORT, 8081);
        ports.put(LocalPlatform.RECEIPTS, 8082);
        say("Starting the services (logs in " + dataDir.resolve("logs") + ") ...");
        String key = secrets.getProperty("bootstrap-api-key");
        platform = new LocalPlatform(ports, dataDir.resolve("logs"));
        platform.start(
                root,
                stack,
                new LocalPlatform.Settings(
                        secrets.getProperty("api-key-pepper"),
                        secrets.getProperty("admin-token"),
                        key,
                        secrets.getProperty("tse-master-key"),
                        secrets.getProperty("internal-token"),
                        Map.of()),
                System.out);
        say("");
        say("OpenFiskal is up.");
        for (Map.Entry<String, Integer> svc : ports.entrySet()) {
            say(String.format(
                    "  %-22s http://localhost:%d   Swagger UI http://localhost:%d/q/swagger-ui",
                    svc.getKey(), svc.getValue(), svc.getValue()));
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
            var exited = platform.exited();
            if (exited.isPresent() && !stopping) {
                say(exited.get() + " stopped unexpectedly; see " + platform.log(exited.get())
                        + ". Stopping everything.");
                System.exit(1);
            }
            Thread.sleep(1000);
        }
    }

    /** Secrets generated once per data directory; environment variables win. */
    private Properties secrets() throws IOException {
        Files.createDirectories(dataDir);
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
        p.putIfAbsent("tse-master-key", masterKey());
        p.putIfAbsent("internal-token", random(32));
        override(p, "bootstrap-api-key", "OPENFISKAL_BOOTSTRAP_API_KEY");
        override(p, "api-key-pepper", "OPENFISKAL_API_KEY_PEPPER");
        override(p, "admin-token", "OPENFISKAL_ADMIN_TOKEN");
        override(p, "tse-master-key", "OPENFISKAL_TSE_MASTER_KEY");
        override(p, "internal-token", "OPENFISKAL_INTERNAL_TOKEN");
        try (OutputStream out = Files.newOutputStream(file)) {
            p.store(out, "Generated by ./openfiskal up for local development only");
        }
        file.toFile().setReadable(false, false);
        file.toFile().setReadable(true, true);
        return p;
    }

    private static void override(Properties p, String key, String env) {
        String v = System.getenv(env);
        if (v != null && !v.isBlank()) {
            p.put(key, v);
        }
    }

    private void stop() {
        stopping = true;
        if (platform != null) {
            say("\nStopping the services ...");
            platform.close();
        }
        if (stack != null) {
            say("Stopping Kafka and PostgreSQL ...");
            stack.close();
            stack = null;
        }
        say("Stopped.");
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

    /** 32 random bytes, base64: the AES-256 key of the software TSE's secrets. */
    private static String masterKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return java.util.Base64.getEncoder().encodeToString(key);
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
