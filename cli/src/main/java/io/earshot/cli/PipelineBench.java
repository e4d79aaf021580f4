package io.earshot.cli;

import io.earshot.avro.ClipPrediction;
import io.earshot.avro.PredictionStatus;
import io.earshot.connectors.media.IngestOptions;
import io.earshot.connectors.media.KafkaIngestSink;
import io.earshot.connectors.media.MediaIngestor;
import io.earshot.domain.Topics;
import io.earshot.flink.inference.JobConfig;
import io.earshot.flink.inference.SpatialInferenceJob;
import io.earshot.serde.AvroDeserializer;
import io.earshot.serde.SchemaRegistryClient;
import io.earshot.stack.LocalStack;
import io.earshot.training.bench.ModelBenchmark;
import io.earshot.training.model.NetConfig;
import io.earshot.training.release.ModelFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Pipeline benchmark: N real-time streams through ingest, the broker and the job, measured end to
 * end, next to the bare model's throughput in the same process.
 */
final class PipelineBench {

  record Result(
      int streams,
      double seconds,
      int clips,
      double clipsPerSecond,
      double p50,
      double p99,
      double bareClipsPerSecond) {}

  private PipelineBench() {}

  static Result run(String model, int streams, double seconds) throws Exception {
    Path dir = Files.createTempDirectory("earshot-bench-pipeline-");
    Path sample = SampleVideo.write(dir.resolve("sample.mp4"), seconds + 4, -1, 3);
    try (LocalStack stack = LocalStack.startEphemeral()) {
      String run = UUID.randomUUID().toString().substring(0, 8);
      JobConfig config =
          JobConfig.defaults()
              .withModel(model)
              .withStack(stack.bootstrapServers(), stack.registryUrl(), "bench-" + run, false);
      StreamExecutionEnvironment env =
          StreamExecutionEnvironment.createLocalEnvironment(1, new Configuration());
      env.enableCheckpointing(1000);
      SpatialInferenceJob.defineWorkflow(env, config, SpatialInferenceJob.clipSpec(config));
      JobClient job = env.executeAsync("bench-pipeline");
      ExecutorService pool = Executors.newFixedThreadPool(streams);
      try {
        List<Future<?>> ingests = new ArrayList<>();
        long start = System.currentTimeMillis();
        for (int i = 0; i < streams; i++) {
          String stream = "bench-" + run + "-" + i;
          ingests.add(
              pool.submit(
                  () -> {
                    try (KafkaIngestSink sink =
                        new KafkaIngestSink(stack.bootstrapServers(), stack.registryUrl())) {
                      new MediaIngestor(
                              IngestOptions.defaults(sample.toString(), stream).withRealtime(true),
                              sink,
                              p -> {})
                          .run();
                    }
                    return null;
                  }));
        }
        for (Future<?> f : ingests) {
          f.get();
        }
        long[] lastArrival = {start};
        List<ClipPrediction> predictions =
            collect(stack, "bench-" + run, Integer.MAX_VALUE, Duration.ofSeconds(10), lastArrival);
        // Sustained rate over the span the streams ran, up to the last prediction.
        double wall = (lastArrival[0] - start) / 1000.0;
        List<Double> latencies = new ArrayList<>();
        for (ClipPrediction p : predictions) {
          if (p.getStatus() == PredictionStatus.SCORED) {
            latencies.add(
                (double)
                    (p.getInferenceEndMillis().toEpochMilli()
                        - p.getNewestIngestTimeMillis().toEpochMilli()));
          }
        }
        latencies.sort(Double::compare);
        double bare;
        if ("classical".equals(model)) {
          bare = Double.NaN;
        } else {
          NetConfig net = NetConfig.byName(ModelFiles.verify(Path.of(model), null).config());
          bare =
              ModelBenchmark.model(Path.of(model), net, new int[] {16}, 3).get(0).clipsPerSecond();
        }
        return new Result(
            streams,
            wall,
            latencies.size(),
            latencies.size() / wall,
            percentile(latencies, 0.5),
            percentile(latencies, 0.99),
            bare);
      } finally {
        pool.shutdownNow();
        job.cancel().get();
      }
    } finally {
      Files.deleteIfExists(sample);
      Files.deleteIfExists(dir);
    }
  }

  private static double percentile(List<Double> sorted, double q) {
    if (sorted.isEmpty()) {
      return Double.NaN;
    }
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.floor(q * (sorted.size() - 1) + 0.5)));
  }

  private static List<ClipPrediction> collect(
      LocalStack stack, String prefix, int expected, Duration quietTimeout, long[] lastArrival) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-read-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<ClipPrediction> out = new ArrayList<>();
    try (KafkaConsumer<String, ClipPrediction> c =
        new KafkaConsumer<>(
            p,
            new StringDeserializer(),
            new AvroDeserializer<>(
                new SchemaRegistryClient(stack.registryUrl()), ClipPrediction.class))) {
      c.subscribe(List.of(Topics.PREDICTIONS));
      long last = System.nanoTime();
      while (System.nanoTime() - last < quietTimeout.toNanos() && out.size() < expected) {
        for (ConsumerRecord<String, ClipPrediction> r : c.poll(Duration.ofMillis(300))) {
          if (r.key() != null && r.key().startsWith(prefix)) {
            out.add(r.value());
            last = System.nanoTime();
            lastArrival[0] = System.currentTimeMillis();
          }
        }
      }
    }
    return out;
  }
}
