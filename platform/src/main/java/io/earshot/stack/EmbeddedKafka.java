package io.earshot.stack;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker in KRaft mode (combined broker + controller) running inside this
 * JVM, bound to 127.0.0.1 only. The same class backs {@code ./earshot stack}, the demo and the
 * integration tests, so tests exercise the broker users run locally.
 */
public final class EmbeddedKafka implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

  private final KafkaRaftServer server;
  private final Path dataDir;
  private final boolean deleteOnClose;
  private final int port;

  private EmbeddedKafka(KafkaRaftServer server, Path dataDir, boolean deleteOnClose, int port) {
    this.server = server;
    this.dataDir = dataDir;
    this.deleteOnClose = deleteOnClose;
    this.port = port;
  }

  /**
   * Formats a fresh log directory and starts the broker.
   *
   * @param port client port on 127.0.0.1, or 0 for any free port
   * @param dataDir where logs live; {@code null} for a temporary directory removed on close
   * @param overrides extra broker properties
   */
  public static EmbeddedKafka start(int port, Path dataDir, Map<String, String> overrides) {
    int clientPort = Ports.resolve(port, "Kafka broker");
    int controllerPort = Ports.freeLoopbackPort();
    boolean temporary = dataDir == null;
    try {
      Path dir = temporary ? Files.createTempDirectory("earshot-kafka-") : dataDir;
      Files.createDirectories(dir);
      Map<String, String> props = new LinkedHashMap<>();
      props.put("process.roles", "broker,controller");
      props.put("node.id", "1");
      props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
      props.put(
          "listeners",
          "PLAINTEXT://127.0.0.1:" + clientPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
      props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + clientPort);
      props.put("controller.listener.names", "CONTROLLER");
      props.put("inter.broker.listener.name", "PLAINTEXT");
      props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
      props.put("log.dirs", dir.resolve("logs").toString());
      props.put("offsets.topic.replication.factor", "1");
      props.put("offsets.topic.num.partitions", "3");
      props.put("transaction.state.log.replication.factor", "1");
      props.put("transaction.state.log.min.isr", "1");
      props.put("transaction.state.log.num.partitions", "3");
      props.put("share.coordinator.state.topic.replication.factor", "1");
      props.put("share.coordinator.state.topic.min.isr", "1");
      props.put("group.initial.rebalance.delay.ms", "0");
      props.put("num.partitions", "1");
      // Topics are created deliberately (see Topics); a typo in a topic name must not invent one.
      props.put("auto.create.topics.enable", "false");
      props.put("log.flush.interval.messages", String.valueOf(Long.MAX_VALUE));
      props.putAll(overrides);

      Path config = dir.resolve("server.properties");
      Properties properties = new Properties();
      properties.putAll(props);
      try (Writer w = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
        properties.store(w, "Earshot embedded KRaft broker");
      }
      if (!Files.exists(dir.resolve("logs").resolve("meta.properties"))) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int rc =
            StorageTool.execute(
                new String[] {
                  "format", "-t", Uuid.randomUuid().toString(), "-c", config.toString()
                },
                new PrintStream(out, true, StandardCharsets.UTF_8));
        if (rc != 0) {
          throw new IllegalStateException(
              "formatting Kafka storage in "
                  + dir
                  + " failed: "
                  + out.toString(StandardCharsets.UTF_8));
        }
      }
      KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
      server.startup();
      EmbeddedKafka kafka = new EmbeddedKafka(server, dir, temporary, clientPort);
      kafka.awaitReady(Duration.ofSeconds(60));
      LOG.info("Kafka broker (KRaft) ready at {}", kafka.bootstrapServers());
      return kafka;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare the Kafka data directory", e);
    }
  }

  private void awaitReady(Duration timeout) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    try (Admin admin = Admin.create(p)) {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (true) {
        try {
          if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
            return;
          }
        } catch (Exception e) {
          if (System.nanoTime() > deadline) {
            close();
            throw new IllegalStateException(
                "Kafka broker on " + bootstrapServers() + " did not become ready in " + timeout, e);
          }
        }
        if (System.nanoTime() > deadline) {
          close();
          throw new IllegalStateException(
              "Kafka broker on " + bootstrapServers() + " has no live node after " + timeout);
        }
      }
    }
  }

  /** {@code 127.0.0.1:<port>}. */
  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  public Path dataDir() {
    return dataDir;
  }

  @Override
  public void close() {
    try {
      server.shutdown();
      server.awaitShutdown();
    } finally {
      if (deleteOnClose) {
        deleteRecursively(dataDir);
      }
    }
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      LOG.warn("could not delete {}: {}", dir, e.toString());
    }
  }
}
