package com.openfiskal.local;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool$;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.utils.Time;

/**
 * The real backing services of OpenFiskal, started from Maven artifacts: a PostgreSQL server (zonky's
 * binaries) and a single-node Apache Kafka broker in KRaft mode, in this JVM. Both keep their data
 * under one directory, so a restart finds it again. Used by {@code ./openfiskal up} and by the tests.
 *
 * <p>When {@code OPENFISKAL_DB_URL} or {@code KAFKA_BOOTSTRAP_SERVERS} are set, the corresponding
 * embedded part is not started and the external server is used instead.
 */
public final class EmbeddedStack implements AutoCloseable {

    public static final String DATABASE = "openfiskal";

    /** Topics of API.md §11.2; the identity topic is log-compacted. */
    public static final List<NewTopic> TOPICS = List.of(
            topic("fiscal.operations.v1", false),
            topic("fiscal.sessions.v1", false),
            topic("fiscal.registers.v1", false),
            topic("fiscal.identity.v1", true));

    private final EmbeddedPostgres postgres;
    private KafkaRaftServer kafka;
    /** How the embedded broker was started, so that it can be stopped and started again (outage tests). */
    private Path kafkaDir;

    private int kafkaPort;
    private int controllerPort;
    private final String jdbcUrl;
    private final String dbUser;
    private final String dbPassword;
    private final String bootstrapServers;

    private EmbeddedStack(
            EmbeddedPostgres postgres,
            KafkaRaftServer kafka,
            String jdbcUrl,
            String dbUser,
            String dbPassword,
            String bootstrapServers) {
        this.postgres = postgres;
        this.kafka = kafka;
        this.jdbcUrl = jdbcUrl;
        this.dbUser = dbUser;
        this.dbPassword = dbPassword;
        this.bootstrapServers = bootstrapServers;
    }

    /**
     * Starts the stack.
     *
     * @param dataDir where PostgreSQL and Kafka keep their files
     * @param pgPort PostgreSQL port, 0 for a free one
     * @param kafkaPort Kafka client port, 0 for a free one
     */
    public static EmbeddedStack start(Path dataDir, int pgPort, int kafkaPort) {
        return start(dataDir, pgPort, kafkaPort, System.getenv());
    }

    /** As {@link #start(Path, int, int)}, reading the external-server switches from {@code env}. */
    static EmbeddedStack start(Path dataDir, int pgPort, int kafkaPort, Map<String, String> env) {
        String externalDb = env.get("OPENFISKAL_DB_URL");
        String externalKafka = env.get("KAFKA_BOOTSTRAP_SERVERS");
        EmbeddedPostgres pg = null;
        KafkaRaftServer broker = null;
        try {
            Files.createDirectories(dataDir);
            String jdbcUrl;
            String user;
            String password;
            if (externalDb != null && !externalDb.isBlank()) {
                jdbcUrl = externalDb.startsWith("jdbc:") ? externalDb : "jdbc:" + externalDb;
                user = env.getOrDefault("OPENFISKAL_DB_USER", "postgres");
                password = env.getOrDefault("OPENFISKAL_DB_PASSWORD", "");
            } else {
                pg = startPostgres(dataDir.resolve("postgres"), pgPort == 0 ? freePort() : pgPort);
                user = "postgres";
                password = "postgres";
                jdbcUrl = "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/" + DATABASE;
            }
            String bootstrap;
            if (externalKafka != null && !externalKafka.isBlank()) {
                bootstrap = externalKafka;
            } else {
                int port = kafkaPort == 0 ? freePort() : kafkaPort;
                int controller = freePort();
                broker = startKafka(dataDir.resolve("kafka"), port, controller);
                bootstrap = "127.0.0.1:" + port;
                createTopics(bootstrap);
                EmbeddedStack stack = new EmbeddedStack(pg, broker, jdbcUrl, user, password, bootstrap);
                stack.kafkaDir = dataDir.resolve("kafka");
                stack.kafkaPort = port;
                stack.controllerPort = controller;
                return stack;
            }
            createTopics(bootstrap);
            return new EmbeddedStack(pg, broker, jdbcUrl, user, password, bootstrap);
        } catch (Exception e) {
            stopQuietly(broker, pg);
            throw new IllegalStateException("Could not start the local stack: " + e.getMessage(), e);
        }
    }

    private static EmbeddedPostgres startPostgres(Path dir, int port) throws Exception {
        boolean fresh = !Files.exists(dir.resolve("PG_VERSION"));
        Files.createDirectories(dir);
        EmbeddedPostgres pg = EmbeddedPostgres.builder()
                .setDataDirectory(dir)
                .setCleanDataDirectory(false)
                .setPort(port)
                .setPGStartupWait(Duration.ofSeconds(60))
                .setServerConfig("max_connections", "300")
                // the embedded binaries default to synchronous_commit=off, under which a PostgreSQL crash can
                // lose commits that were already acknowledged; an acknowledged sale must survive that
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("fsync", fresh && Boolean.getBoolean("openfiskal.local.fast-fsync-off") ? "off" : "on")
                .start();
        try (Connection c = pg.getPostgresDatabase().getConnection();
                Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'")) {
                if (!rs.next()) {
                    s.execute("CREATE DATABASE " + DATABASE);
                }
            }
        }
        return pg;
    }

    private static KafkaRaftServer startKafka(Path dir, int port, int controllerPort) throws IOException {
        Files.createDirectories(dir);
        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        props.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("log.dirs", dir.resolve("logs").toString());
        props.put("num.partitions", "3");
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "3");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("auto.create.topics.enable", "false");
        Path config = dir.resolve("server.properties");
        try (OutputStream out = Files.newOutputStream(config)) {
            props.store(out, "OpenFiskal local broker");
        }
        if (!Files.exists(dir.resolve("logs").resolve("meta.properties"))) {
            String clusterId = org.apache.kafka.common.Uuid.randomUuid().toString();
            PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
            int rc = StorageTool$.MODULE$.execute(
                    new String[] {"format", "-t", clusterId, "-c", config.toString(), "--ignore-formatted"}, quiet);
            if (rc != 0) {
                throw new IllegalStateException("kafka storage format failed with exit code " + rc);
            }
        }
        KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
        server.startup();
        return server;
    }

    private static void createTopics(String bootstrap) throws Exception {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "60000");
        try (Admin admin = Admin.create(p)) {
            Set<String> existing = admin.listTopics().names().get(60, TimeUnit.SECONDS);
            List<NewTopic> missing =
                    TOPICS.stream().filter(t -> !existing.contains(t.name())).collect(Collectors.toList());
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get(60, TimeUnit.SECONDS);
            }
        }
    }

    private static NewTopic topic(String name, boolean compacted) {
        NewTopic t = new NewTopic(name, 3, (short) 1);
        if (compacted) {
            t.configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
        } else {
            t.configs(Map.of(
                    TopicConfig.RETENTION_MS_CONFIG,
                    String.valueOf(Duration.ofDays(7).toMillis())));
        }
        return t;
    }

    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** JDBC URL of the platform database, e.g. {@code jdbc:postgresql://127.0.0.1:5432/openfiskal}. */
    public String jdbcUrl() {
        return jdbcUrl;
    }

    /** The same database as a Vert.x reactive client URL. */
    public String reactiveUrl() {
        return jdbcUrl.substring("jdbc:".length());
    }

    public String dbUser() {
        return dbUser;
    }

    public String dbPassword() {
        return dbPassword;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Stops the embedded broker (an outage); {@link #startBroker} brings it back with its data. */
    public synchronized void stopBroker() {
        if (kafka == null) {
            throw new IllegalStateException("the broker is external or already stopped");
        }
        stopQuietly(kafka, null);
        kafka = null;
    }

    /** Starts the embedded broker again on the same ports and log directory. */
    public synchronized void startBroker() throws IOException {
        if (kafka != null || kafkaDir == null) {
            throw new IllegalStateException("the broker is external or already running");
        }
        kafka = startKafka(kafkaDir, kafkaPort, controllerPort);
    }

    @Override
    public synchronized void close() {
        stopQuietly(kafka, postgres);
    }

    private static void stopQuietly(KafkaRaftServer broker, EmbeddedPostgres pg) {
        if (broker != null) {
            try {
                broker.shutdown();
                broker.awaitShutdown();
            } catch (RuntimeException ignored) {
                // shutting down anyway
            }
        }
        if (pg != null) {
            try {
                pg.close();
            } catch (IOException ignored) {
                // shutting down anyway
            }
        }
    }
}
