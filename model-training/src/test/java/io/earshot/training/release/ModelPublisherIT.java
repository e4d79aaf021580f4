package io.earshot.training.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.earshot.avro.ModelRelease;
import io.earshot.domain.Topics;
import io.earshot.serde.AvroDeserializer;
import io.earshot.serde.SchemaRegistryClient;
import io.earshot.stack.LocalStack;
import io.earshot.testing.SharedStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(SharedStack.class)
class ModelPublisherIT {

  @TempDir Path dir;

  private Path model(String version, String content) throws Exception {
    Path m = Files.createDirectories(dir.resolve("export-" + version + "-" + content.hashCode()));
    Files.writeString(m.resolve("saved_model.pb"), content);
    new ModelMetadata(
            1,
            "flip-it",
            version,
            "cpu",
            "2026-11-22T00:00:00Z",
            new InputContract(3, 6, 18, 64, 64, 16_000, 2),
            "flip",
            "embed",
            Map.of("data", "generated scenes seed 1"),
            Map.of("accuracy", 0.96),
            Map.of())
        .withFiles(ModelFiles.hashes(m))
        .write(m);
    return m;
  }

  @Test
  void shouldCopyIntoStoreAndAnnounceReleaseWhenPublished(LocalStack stack) throws Exception {
    Path store = dir.resolve("store");

    ModelRelease release =
        ModelPublisher.publish(
            model("v1", "graph-a"), store, stack.bootstrapServers(), stack.registryUrl());

    Path stored = store.resolve("flip-it").resolve("v1");
    assertThat(stored.resolve("saved_model.pb")).hasContent("graph-a");
    assertThat(release.getUri()).isEqualTo(stored.toUri().toString());
    assertThat(release.getMetrics()).containsEntry("accuracy", 0.96);
    ModelRelease read = readRelease(stack, "v1");
    assertThat(read.getSha256()).isEqualTo(release.getSha256()).hasSize(64);
    assertThat(read.getFrameWidth()).isEqualTo(64);
  }

  @Test
  void shouldRefuseToOverwriteADifferentModelOfTheSameVersion() throws Exception {
    Path store = dir.resolve("store2");
    ModelPublisher.store(model("v2", "graph-a"), store);

    assertThat(ModelPublisher.store(model("v2", "graph-a"), store))
        .exists(); // same bytes: idempotent
    assertThatThrownBy(() -> ModelPublisher.store(model("v2", "graph-b"), store))
        .isInstanceOf(InvalidModelException.class)
        .hasMessageContaining("new version");
  }

  private static ModelRelease readRelease(LocalStack stack, String version) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "pub-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    try (KafkaConsumer<String, ModelRelease> c =
        new KafkaConsumer<>(
            p,
            new StringDeserializer(),
            new AvroDeserializer<>(
                new SchemaRegistryClient(stack.registryUrl()), ModelRelease.class))) {
      c.subscribe(List.of(Topics.MODELS));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<String, ModelRelease> r : c.poll(Duration.ofMillis(200))) {
          if ("flip-it".equals(r.key()) && version.equals(r.value().getVersion())) {
            return r.value();
          }
        }
      }
    }
    throw new AssertionError("no release " + version + " on " + Topics.MODELS);
  }
}
