package io.earshot.flink.inference;

import static org.assertj.core.api.Assertions.assertThat;

import io.earshot.avro.ClipPrediction;
import io.earshot.avro.DeadLetter;
import io.earshot.avro.PredictionStatus;
import io.earshot.avro.SourceTrack;
import io.earshot.connectors.media.IngestOptions;
import io.earshot.connectors.media.KafkaIngestSink;
import io.earshot.connectors.media.MediaIngestor;
import io.earshot.domain.Topics;
import io.earshot.serde.AvroDeserializer;
import io.earshot.serde.SchemaRegistryClient;
import io.earshot.stack.LocalStack;
import io.earshot.testing.SharedStack;
import io.earshot.training.data.ClipSpec;
import io.earshot.training.scene.SceneGenerator;
import io.earshot.training.scene.SceneSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Generated videos, swapped and not, through ingest, the real broker and the job on MiniCluster.
 */
@ExtendWith(SharedStack.class)
class SpatialInferenceJobIT {

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setConfiguration(config())
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(2)
              .build());

  @TempDir static Path dir;
  static Map<String, Boolean> swappedByStream = new HashMap<>();
  static Map<String, Path> videoByStream = new HashMap<>();
  static String run = UUID.randomUUID().toString().substring(0, 8);

  private static Configuration config() {
    Configuration c = new Configuration();
    c.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
    return c;
  }

  @BeforeAll
  static void ingest(LocalStack stack) throws Exception {
    List<SceneGenerator.Generated> scenes =
        new SceneGenerator(SceneSpec.defaults().withSeconds(7).singleDrySource(), 21)
            .generateAll(dir.resolve("scenes"), 6, 21, 2, n -> {});
    for (int i = 0; i < scenes.size(); i++) {
      Path video = scenes.get(i).video();
      boolean swap = i % 2 == 1;
      if (swap) {
        Path swapped = dir.resolve("swapped-" + i + ".mp4");
        ffmpeg(
            "-i",
            video.toString(),
            "-c:v",
            "copy",
            "-af",
            "pan=stereo|c0=c1|c1=c0",
            "-c:a",
            "aac",
            swapped.toString());
        video = swapped;
      }
      String stream = "job-it-" + run + "-" + i;
      swappedByStream.put(stream, swap);
      videoByStream.put(stream, video);
      try (KafkaIngestSink sink =
          new KafkaIngestSink(stack.bootstrapServers(), stack.registryUrl())) {
        new MediaIngestor(IngestOptions.defaults(video.toString(), stream), sink, p -> {}).run();
      }
    }
    // Malformed records: not in the wire format, and a window of the wrong shape.
    try (KafkaProducer<byte[], byte[]> p =
        new KafkaProducer<>(props(stack), new ByteArraySerializer(), new ByteArraySerializer())) {
      p.send(
              new ProducerRecord<>(
                  Topics.VIDEO_FRAMES,
                  ("job-it-" + run + "-bad").getBytes(),
                  "not avro".getBytes()))
          .get();
    }
  }

  private static Properties props(LocalStack stack) {
    Properties p = new Properties();
    p.put("bootstrap.servers", stack.bootstrapServers());
    return p;
  }

  private static void ffmpeg(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-v", "error", "-nostdin", "-y"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new AssertionError("ffmpeg failed (./earshot test installs it): " + out);
    }
  }

  @Test
  void shouldClassifySwappedAndUnswappedStreamsWhenRunOnMiniCluster(LocalStack stack)
      throws Exception {
    JobConfig config =
        JobConfig.defaults()
            .withModel(System.getProperty("earshot.test.model", ModelHotSwapIT.SHIPPED.toString()))
            .withStack(stack.bootstrapServers(), stack.registryUrl(), "job-it-" + run, true);
    ClipSpec spec = SpatialInferenceJob.clipSpec(config);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(1);
    env.enableCheckpointing(1000);
    SpatialInferenceJob.defineWorkflow(env, config, spec);

    env.execute("spatial-inference-it");

    List<ClipPrediction> predictions = readAll(stack, Topics.PREDICTIONS, ClipPrediction.class);
    Map<String, List<ClipPrediction>> byStream = new HashMap<>();
    for (ClipPrediction p : predictions) {
      if (swappedByStream.containsKey(p.getStreamId())) {
        byStream.computeIfAbsent(p.getStreamId(), k -> new ArrayList<>()).add(p);
      }
    }
    assertThat(byStream).containsOnlyKeys(swappedByStream.keySet());
    int correct = 0;
    int scored = 0;
    for (Map.Entry<String, List<ClipPrediction>> e : byStream.entrySet()) {
      // Exactly one prediction per clip start: nothing lost, nothing duplicated.
      assertThat(e.getValue().stream().map(ClipPrediction::getClipStartMicros).distinct().count())
          .isEqualTo(e.getValue().size());
      assertThat(e.getValue()).hasSizeGreaterThanOrEqualTo(4);
      for (ClipPrediction p : e.getValue()) {
        if (p.getStatus() == PredictionStatus.SCORED) {
          scored++;
          if ((p.getFlipProbability() >= 0.5) == swappedByStream.get(e.getKey())) {
            correct++;
          }
          assertThat(p.getModelVersion()).isNotBlank();
          assertThat(p.getInferenceEndMillis()).isAfterOrEqualTo(p.getInferenceStartMillis());
        }
      }
    }
    assertThat(scored).isGreaterThanOrEqualTo(16);
    double accuracy = correct / (double) scored;
    // The same files scored offline (what ./earshot score does), same model, same hop.
    double offline = offlineAccuracy(config.model(), spec);
    System.out.printf(
        "pipeline clip accuracy %.3f on %d clips; offline scorer %.3f (model %s)%n",
        accuracy, scored, offline, config.model());
    assertThat(accuracy).isGreaterThan(0.75);
    // One clip is 1/scored of the accuracy: allow two clips of difference between the paths
    // (JPEG at ingest and Java2D scaling vs decoding the file directly change a few pixels).
    assertThat(Math.abs(accuracy - offline)).isLessThanOrEqualTo(2.0 / scored + 1e-9);

    List<SourceTrack> tracks = readAll(stack, Topics.TRACKS, SourceTrack.class);
    assertThat(tracks.stream().filter(t -> swappedByStream.containsKey(t.getStreamId())))
        .hasSize(scored);
    // A model that carries a learned tracker locates with it, and says which model did.
    boolean learned =
        java.nio.file.Files.exists(
            Path.of(config.model()).resolve(io.earshot.training.eval.LinearTracker.FILE_NAME));
    String version;
    try (ClipModel m = ClipModel.open(config.model())) {
      version = m.version();
    }
    assertThat(tracks)
        .allSatisfy(
            t -> {
              assertThat(t.getMethod())
                  .isEqualTo(
                      learned
                          ? io.earshot.avro.TrackingMethod.LEARNED
                          : io.earshot.avro.TrackingMethod.FUSED);
              assertThat(t.getX()).isBetween(0.0, 1.0);
              assertThat(t.getConfidence()).isBetween(0.0, 1.0);
              if (learned) {
                assertThat(t.getModelVersion()).isEqualTo(version);
              }
            });

    List<DeadLetter> dead = readAll(stack, Topics.DEAD_LETTER, DeadLetter.class);
    assertThat(dead)
        .anySatisfy(
            d -> {
              assertThat(d.getStage()).isEqualTo("spatial-inference-job");
              assertThat(d.getSourceTopic()).isEqualTo(Topics.VIDEO_FRAMES);
              assertThat(d.getSourceOffset()).isNotNull();
              assertThat(d.getReason()).contains("magic byte");
            });
  }

  private static double offlineAccuracy(String model, ClipSpec spec) throws Exception {
    int correct = 0;
    int total = 0;
    try (ClipModel m = ClipModel.open(model)) {
      for (Map.Entry<String, Path> e : videoByStream.entrySet()) {
        List<io.earshot.training.data.Clip> clips = new ArrayList<>();
        io.earshot.training.data.VideoClips.forEach(
            e.getValue(),
            m.spec(),
            1.0,
            1e-3,
            c -> {
              if (c.audio() != null) {
                clips.add(c);
              }
            });
        double[] p = m.scorer().score(clips);
        for (double v : p) {
          total++;
          if ((v >= 0.5) == swappedByStream.get(e.getKey())) {
            correct++;
          }
        }
      }
    }
    return correct / (double) total;
  }

  static <T extends SpecificRecord> List<T> readAll(LocalStack stack, String topic, Class<T> type) {
    Properties p = props(stack);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "it-read-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<T> out = new ArrayList<>();
    try (KafkaConsumer<String, T> c =
        new KafkaConsumer<>(
            p,
            new StringDeserializer(),
            new AvroDeserializer<>(new SchemaRegistryClient(stack.registryUrl()), type))) {
      c.subscribe(List.of(topic));
      int quiet = 0;
      long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
      while (System.nanoTime() < deadline && quiet < 6) {
        int got = 0;
        for (ConsumerRecord<String, T> r : c.poll(Duration.ofMillis(300))) {
          out.add(r.value());
          got++;
        }
        quiet = got == 0 && !out.isEmpty() ? quiet + 1 : 0;
      }
    }
    return out;
  }
}
