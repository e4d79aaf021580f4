package io.earshot.flink.inference;

import static org.assertj.core.api.Assertions.assertThat;

import io.earshot.avro.ClipPrediction;
import io.earshot.connectors.media.IngestOptions;
import io.earshot.connectors.media.KafkaIngestSink;
import io.earshot.connectors.media.MediaIngestor;
import io.earshot.domain.Topics;
import io.earshot.stack.LocalStack;
import io.earshot.testing.SharedStack;
import io.earshot.training.scene.SceneGenerator;
import io.earshot.training.scene.SceneSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A failure midway: after restart from a checkpoint, no prediction is lost or duplicated. */
@ExtendWith(SharedStack.class)
class SpatialInferenceJobFailoverIT {

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setConfiguration(config())
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(2)
              .build());

  static final AtomicBoolean FAILED = new AtomicBoolean();
  static final AtomicBoolean CHECKPOINTED = new AtomicBoolean();
  static final AtomicInteger SEEN = new AtomicInteger();

  @TempDir Path dir;

  private static Configuration config() {
    Configuration c = new Configuration();
    c.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
    c.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
    c.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(500));
    return c;
  }

  /** Throws once, after a checkpoint has completed and some clips have gone through. */
  static final class FailOnce implements MapFunction<ClipJob, ClipJob>, CheckpointListener {
    private static final long serialVersionUID = 1L;

    @Override
    public ClipJob map(ClipJob job) {
      if (SEEN.incrementAndGet() > 6 && CHECKPOINTED.get() && FAILED.compareAndSet(false, true)) {
        throw new IllegalStateException("injected failure");
      }
      return job;
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
      CHECKPOINTED.set(true);
    }
  }

  @Test
  void shouldNeitherLoseNorDuplicatePredictionsWhenTheJobFailsMidway(LocalStack stack)
      throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    List<SceneGenerator.Generated> scenes =
        new SceneGenerator(SceneSpec.defaults().withSeconds(9), 9)
            .generateAll(dir, 3, 9, 2, n -> {});
    for (int i = 0; i < scenes.size(); i++) {
      try (KafkaIngestSink sink =
          new KafkaIngestSink(stack.bootstrapServers(), stack.registryUrl())) {
        new MediaIngestor(
                IngestOptions.defaults(scenes.get(i).video().toString(), "fail-" + run + "-" + i),
                sink,
                p -> {})
            .run();
      }
    }
    JobConfig config =
        JobConfig.defaults()
            .withModel("classical")
            .withStack(stack.bootstrapServers(), stack.registryUrl(), "fail-" + run, true);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(1);
    env.enableCheckpointing(300);
    SpatialInferenceJob.defineWorkflow(
        env, config, SpatialInferenceJob.clipSpec(config), new FailOnce());

    env.execute("failover-it");

    assertThat(FAILED).as("the failure was injected").isTrue();
    List<ClipPrediction> predictions =
        SpatialInferenceJobIT.readAll(stack, Topics.PREDICTIONS, ClipPrediction.class).stream()
            .filter(p -> p.getStreamId().startsWith("fail-" + run))
            .toList();
    Map<String, Long> perKey =
        predictions.stream()
            .collect(
                Collectors.groupingBy(
                    p -> p.getStreamId() + "@" + p.getClipStartMicros(), Collectors.counting()));
    assertThat(perKey.values()).as("one prediction per (stream, clip start)").allMatch(n -> n == 1);
    // 9 s scenes, 3 s clips, 1 s hop: scored clips start at 0..6 s, 7 per stream, none missing.
    Map<String, Long> perStream =
        predictions.stream()
            .filter(p -> p.getStatus() == io.earshot.avro.PredictionStatus.SCORED)
            .collect(Collectors.groupingBy(ClipPrediction::getStreamId, Collectors.counting()));
    assertThat(perStream).hasSize(3);
    assertThat(perStream.values()).allMatch(n -> n == 7);
    System.out.printf(
        "failover: %d predictions, %s per stream%n", predictions.size(), perStream.values());
  }
}
