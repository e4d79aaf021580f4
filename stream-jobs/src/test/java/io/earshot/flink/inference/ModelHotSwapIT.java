package io.earshot.flink.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.earshot.avro.ClipPrediction;
import io.earshot.avro.DeadLetter;
import io.earshot.avro.ModelRelease;
import io.earshot.connectors.media.IngestOptions;
import io.earshot.connectors.media.KafkaIngestSink;
import io.earshot.connectors.media.MediaIngestor;
import io.earshot.domain.Topics;
import io.earshot.serde.AvroSerializer;
import io.earshot.serde.SchemaRegistryClient;
import io.earshot.stack.LocalStack;
import io.earshot.testing.SharedStack;
import io.earshot.training.release.ModelPublisher;
import io.earshot.training.scene.SceneGenerator;
import io.earshot.training.scene.SceneSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A running job follows av.models: a broken release is rejected (dead letter) while the old model
 * keeps serving; the shipped network, published, takes over without a restart.
 */
@ExtendWith(SharedStack.class)
class ModelHotSwapIT {

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setConfiguration(config())
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(2)
              .build());

  /** The model shipped in the repository (see README: reproducible with ./earshot train). */
  static final Path SHIPPED =
      Path.of("..", "models", "flip-detector-cpu").toAbsolutePath().normalize();

  @TempDir Path dir;

  private static Configuration config() {
    Configuration c = new Configuration();
    c.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
    return c;
  }

  @Test
  void shouldRejectBrokenReleaseAndSwapInGoodOneWithoutRestart(LocalStack stack) throws Exception {
    assertThat(SHIPPED.resolve("earshot-model.json"))
        .as("the shipped default model must exist at " + SHIPPED)
        .exists();
    String run = UUID.randomUUID().toString().substring(0, 8);
    JobConfig config =
        JobConfig.defaults()
            .withModel("classical")
            .withStack(stack.bootstrapServers(), stack.registryUrl(), "swap-" + run, false);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(1);
    env.enableCheckpointing(1000);
    // The classical model's clip shape would differ from the network's; serve the network's shape.
    SpatialInferenceJob.defineWorkflow(
        env, config, SpatialInferenceJob.clipSpec(config.withModel(SHIPPED.toString())));
    JobClient job = env.executeAsync("hot-swap-it");
    try {
      List<SceneGenerator.Generated> scenes =
          new SceneGenerator(SceneSpec.defaults().withSeconds(6).singleDrySource(), 5)
              .generateAll(dir.resolve("scenes"), 2, 5, 2, n -> {});
      ingest(stack, scenes.get(0).video(), "swap-" + run + "-a");
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> predictions(stack, "swap-" + run + "-a").size() >= 2);
      assertThat(predictions(stack, "swap-" + run + "-a"))
          .allSatisfy(p -> assertThat(p.getModelVersion()).isEqualTo("classical"));

      // A release whose files are not there.
      announce(
          stack,
          ModelRelease.newBuilder(ModelPublisher.release(SHIPPED))
              .setVersion("broken-1")
              .setUri(dir.resolve("nowhere").toUri().toString())
              .setReleasedAtMillis(Instant.now())
              .build());
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  SpatialInferenceJobIT.readAll(stack, Topics.DEAD_LETTER, DeadLetter.class)
                      .stream()
                      .anyMatch(
                          d ->
                              "model-hot-swap".equals(d.getStage())
                                  && d.getReason().contains("broken-1")));

      // The real network, through the model store.
      ModelRelease good =
          ModelPublisher.publish(
              SHIPPED,
              Files.createDirectories(dir.resolve("store")),
              stack.bootstrapServers(),
              stack.registryUrl());
      String streamB = "swap-" + run + "-b";
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofSeconds(3))
          .until(
              () -> {
                ingest(stack, scenes.get(1).video(), streamB);
                return predictions(stack, streamB).stream()
                    .anyMatch(p -> good.getVersion().equals(p.getModelVersion()));
              });
    } finally {
      // Later tests on the shared stack read av.predictions read-committed.
      JobStop.stopCommitting(job);
    }
  }

  private static void ingest(LocalStack stack, Path video, String stream) {
    try (KafkaIngestSink sink =
        new KafkaIngestSink(stack.bootstrapServers(), stack.registryUrl())) {
      new MediaIngestor(IngestOptions.defaults(video.toString(), stream), sink, p -> {}).run();
    }
  }

  private static List<ClipPrediction> predictions(LocalStack stack, String stream) {
    return SpatialInferenceJobIT.readAll(stack, Topics.PREDICTIONS, ClipPrediction.class).stream()
        .filter(p -> p.getStreamId().equals(stream))
        .toList();
  }

  private static void announce(LocalStack stack, ModelRelease release) throws Exception {
    Properties p = new Properties();
    p.put("bootstrap.servers", stack.bootstrapServers());
    try (KafkaProducer<String, ModelRelease> producer =
        new KafkaProducer<>(
            p,
            new StringSerializer(),
            new AvroSerializer<>(new SchemaRegistryClient(stack.registryUrl()), false))) {
      producer.send(new ProducerRecord<>(Topics.MODELS, release.getModelName(), release)).get();
    }
  }
}
