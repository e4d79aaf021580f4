package io.earshot.stack;

import io.earshot.domain.Topics;
import io.earshot.serde.SchemaRegistryClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local development stack: a KRaft broker and a schema registry on loopback, Earshot's topics
 * created and the registry's compatibility policy set to BACKWARD. Used by {@code ./earshot stack},
 * the demo and the integration tests alike.
 */
public final class LocalStack implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LocalStack.class);

  private final EmbeddedKafka kafka;
  private final RegistryServer registry;

  private LocalStack(EmbeddedKafka kafka, RegistryServer registry) {
    this.kafka = kafka;
    this.registry = registry;
  }

  /**
   * Starts the stack. Ports of 0 mean any free loopback port.
   *
   * @param dataDir Kafka data directory, or null for a temporary one
   */
  public static LocalStack start(int kafkaPort, int registryPort, Path dataDir) {
    // Start the registry process first: it boots in parallel with the in-JVM broker.
    RegistryServer registry = null;
    EmbeddedKafka kafka = null;
    try {
      registry = RegistryServer.launch(registryPort);
      kafka = EmbeddedKafka.start(kafkaPort, dataDir, Map.of());
      registry.awaitReady(Duration.ofSeconds(90));
      TopicAdmin.ensureTopics(kafka.bootstrapServers(), Topics.all(), (short) 1);
      new SchemaRegistryClient(registry.confluentApiUrl())
          .setGlobalCompatibility(SchemaRegistryClient.Compatibility.BACKWARD);
      LOG.info(
          "local stack up: kafka {} registry {}",
          kafka.bootstrapServers(),
          registry.confluentApiUrl());
      return new LocalStack(kafka, registry);
    } catch (RuntimeException e) {
      if (kafka != null) {
        kafka.close();
      }
      if (registry != null) {
        registry.close();
      }
      throw e;
    }
  }

  /** Starts a stack on free ports with temporary storage (tests). */
  public static LocalStack startEphemeral() {
    return start(0, 0, null);
  }

  public String bootstrapServers() {
    return kafka.bootstrapServers();
  }

  public String registryUrl() {
    return registry.confluentApiUrl();
  }

  public EmbeddedKafka kafka() {
    return kafka;
  }

  public RegistryServer registry() {
    return registry;
  }

  @Override
  public void close() {
    try {
      kafka.close();
    } finally {
      registry.close();
    }
  }
}
