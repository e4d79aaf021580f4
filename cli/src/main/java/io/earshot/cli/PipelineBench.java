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
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Pipeline benchmarks through the embedded broker and the {@link SpatialInferenceJob}, next to the
 * bare model measured in the same process.
 *
 * <ul>
 *   <li>{@link #backlog}: N streams ingested into the broker first, as fast as possible; then a
 *       fresh job drains them from the earliest offsets. Its clips/s against the bare model's at
 *       the job's batch size says how much of the model's capacity the pipeline delivers.
 *   <li>{@link #sweep}: N real-time streams at a time, for several N, through one job: offered and
 *       sustained clips/s, end-to-end latency, and whether the machine keeps up.
 * </ul>
 */
final class PipelineBench {

  /** Job settings the benchmark varies. */
  record Settings(
      String model, int maxBatch, long maxWaitMillis, int parallelism, Map<String, String> flink) {}

  /** Outcome of a backlog drain. */
  record Backlog(
      int round,
      int streams,
      double seconds,
      double ingestSeconds,
      int scored,
      int noSignal,
      double drainSeconds,
      double sinceSubmitSeconds,
      double bareBefore,
      double bareAfter,
      double meanBatch,
      double scoreMillisPerClip,
      Map<String, Double> busyMs,
      Map<String, Double> backPressuredMs,
      Map<String, Double> jobMicros,
      Map<String, Double> health,
      int duplicates,
      int endClips,
      double processCores,
      String networkBuffers,
      String load) {

    /** Scored clips / (last inference end - first inference start). */
    double clipsPerSecond() {
      return scored / drainSeconds;
    }

    double bare() {
      return (bareBefore + bareAfter) / 2;
    }

    double ratio() {
      return clipsPerSecond() / bare();
    }
  }

  /** One real-time row. */
  record Realtime(
      int streams,
      double offered,
      int scored,
      int expected,
      int noSignal,
      double sustained,
      double p50,
      double p99,
      double firstQuarterP50,
      double lastQuarterP50,
      String load) {

    double growth() {
      return lastQuarterP50 - firstQuarterP50;
    }

    /** Sustained at least 95 % of offered, p99 under 2 s, median latency not growing by 0.5 s. */
    boolean keepsUp() {
      return scored > 0 && sustained >= 0.95 * offered && p99 < 2000 && growth() < 500;
    }
  }

  static final String DRAIN_DEFINITION =
      "pipeline clips/s = scored clips / (last batch's inference end - first batch's inference"
          + " start), both stamped by the job on each prediction: the drain rate once the job"
          + " runs, excluding job start and model load ('incl. startup' counts from job"
          + " submission instead)";

  static final String REALTIME_DEFINITION =
      "offered = streams / hop; sustained = scored clips / (last - first inference end + hop);"
          + " latency = inference end - newest input of the clip entering ingest; keeps up ="
          + " sustained >= 95 % of offered, p99 < 2 s and the median latency of the last quarter"
          + " of the run < that of the first quarter + 0.5 s";

  private PipelineBench() {}

  /**
   * Ingests {@code streams} x {@code seconds} first, then {@code rounds} times: a fresh job (new
   * consumer group) drains the whole backlog, with the bare model timed before the first round and
   * after every round (round k's ratio uses the bare runs on either side of it).
   */
  static List<Backlog> backlog(
      Settings s, int streams, double seconds, double bareSeconds, int rounds) throws Exception {
    Path dir = Files.createTempDirectory("earshot-bench-backlog-");
    Path sample = SampleVideo.write(dir.resolve("sample.mp4"), seconds, -1, 3);
    try (LocalStack stack = LocalStack.startEphemeral()) {
      String run = UUID.randomUUID().toString().substring(0, 8);
      String prefix = "backlog-" + run + "-";
      long ingestStart = System.nanoTime();
      int threads = Math.min(streams, Runtime.getRuntime().availableProcessors());
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        List<Future<?>> ingests = new ArrayList<>();
        for (int i = 0; i < streams; i++) {
          String stream = prefix + i;
          ingests.add(pool.submit(() -> ingest(stack, sample, stream, false)));
        }
        for (Future<?> f : ingests) {
          f.get();
        }
      } finally {
        pool.shutdownNow();
      }
      double ingestSeconds = (System.nanoTime() - ingestStart) / 1e9;
      List<Backlog> out = new ArrayList<>();
      double bareBefore = bare(s.model(), s.maxBatch(), bareSeconds);
      for (int round = 1; round <= rounds; round++) {
        String load = loadAverage();
        Drain d = drain(s, stack, dir, prefix, "bench-" + run + "-r" + round, streams, seconds);
        double bareAfter = bare(s.model(), s.maxBatch(), bareSeconds);
        out.add(d.result(round, streams, seconds, ingestSeconds, bareBefore, bareAfter, load));
        bareBefore = bareAfter;
      }
      return out;
    } finally {
      deleteTree(dir);
    }
  }

  /** What one drain measured, before the bare model runs around it are known. */
  private record Drain(
      List<ClipPrediction> predictions,
      int duplicates,
      int endClips,
      long submit,
      Map<String, Double> busy,
      Map<String, Double> backPressured,
      Map<String, Double> jobMicros,
      Map<String, Double> health,
      double cores,
      String buffers) {

    Backlog result(
        int round,
        int streams,
        double seconds,
        double ingestSeconds,
        double bareBefore,
        double bareAfter,
        String load) {
      List<ClipPrediction> scored = scored(predictions);
      if (scored.isEmpty()) {
        throw new IllegalStateException(
            "the job scored no clip of the backlog ("
                + predictions.size()
                + " predictions, all no-signal)");
      }
      long first =
          scored.stream()
              .mapToLong(p -> p.getInferenceStartMillis().toEpochMilli())
              .min()
              .orElseThrow();
      long last =
          scored.stream()
              .mapToLong(p -> p.getInferenceEndMillis().toEpochMilli())
              .max()
              .orElseThrow();
      double batches = 0;
      double scoreMillis = 0;
      for (ClipPrediction p : scored) {
        int b = Math.max(1, p.getBatchSize());
        batches += 1.0 / b;
        scoreMillis +=
            (p.getInferenceEndMillis().toEpochMilli() - p.getInferenceStartMillis().toEpochMilli())
                / (double) b;
      }
      return new Backlog(
          round,
          streams,
          seconds,
          ingestSeconds,
          scored.size(),
          predictions.size() - scored.size(),
          Math.max(1, last - first) / 1000.0,
          (last - submit) / 1000.0,
          bareBefore,
          bareAfter,
          scored.size() / batches,
          scoreMillis / scored.size(),
          busy,
          backPressured,
          jobMicros,
          health,
          duplicates,
          endClips,
          cores,
          buffers,
          load);
    }
  }

  private static Drain drain(
      Settings s,
      LocalStack stack,
      Path dir,
      String prefix,
      String group,
      int streams,
      double seconds)
      throws Exception {
    BenchMetrics.clear();
    StreamExecutionEnvironment env = environment(s);
    SpatialInferenceJob.defineWorkflow(
        env, jobConfig(s, stack, group, dir), SpatialInferenceJob.clipSpec(jobConfig(s)));
    env.configure(extra(s));
    long submit = System.currentTimeMillis();
    JobClient job = env.executeAsync("bench-pipeline-backlog");
    List<ClipPrediction> predictions;
    Map<String, Double> busy = new TreeMap<>();
    Map<String, Double> backPressured = new TreeMap<>();
    Map<String, Double> jobMicros = new TreeMap<>();
    Map<String, Double> health = new LinkedHashMap<>();
    double cores;
    String buffers;
    try {
      int likely = streams * Math.max(1, (int) Math.floor(seconds - 3));
      List<Map<String, Double>> atFirst = new ArrayList<>();
      long[] firstCpu = new long[2];
      long[] lastCpu = new long[2];
      predictions =
          collect(
              stack,
              prefix,
              submit,
              likely,
              Duration.ofSeconds(15),
              () -> {
                atFirst.add(BenchMetrics.values("accumulateBusyTimeMs"));
                atFirst.add(BenchMetrics.values("accumulateBackPressuredTimeMs"));
                firstCpu[0] = processCpuNanos();
                firstCpu[1] = System.nanoTime();
              },
              lastCpu);
      cores = (lastCpu[0] - firstCpu[0]) / (double) Math.max(1, lastCpu[1] - firstCpu[1]);
      // Task time from the first prediction on: before it the tasks start and load the model.
      BenchMetrics.values("accumulateBusyTimeMs")
          .forEach((k, v) -> busy.put(k, v - atFirst.get(0).getOrDefault(k, 0.0)));
      BenchMetrics.values("accumulateBackPressuredTimeMs")
          .forEach((k, v) -> backPressured.put(k, v - atFirst.get(1).getOrDefault(k, 0.0)));
      BenchMetrics.names().stream()
          .filter(m -> m.startsWith("earshot_") && m.endsWith("_micros"))
          .forEach(m -> jobMicros.put(m, BenchMetrics.total(m)));
      for (String m :
          List.of("numRestarts", "numberOfCompletedCheckpoints", "numberOfFailedCheckpoints")) {
        health.put(m, BenchMetrics.total(m));
      }
      double segments = BenchMetrics.total("TotalMemorySegments");
      double memory = BenchMetrics.total("TotalMemory");
      buffers =
          segments > 0
              ? String.format("%.0f x %.0f KB", segments, memory / segments / 1024)
              : "n/a";
    } finally {
      job.cancel().get();
    }
    dump(predictions);
    int received = predictions.size();
    predictions = distinct(predictions);
    int distinct = predictions.size();
    predictions = cutByData(predictions, seconds);
    return new Drain(
        predictions,
        received - distinct,
        distinct - predictions.size(),
        submit,
        busy,
        backPressured,
        jobMicros,
        health,
        cores,
        buffers);
  }

  /**
   * One job on one stack; for each N in {@code sweep}, N real-time streams of {@code seconds} each
   * under new stream ids, one row per N.
   */
  static List<Realtime> sweep(
      Settings s, int[] sweep, double seconds, java.util.function.Consumer<Realtime> onRow)
      throws Exception {
    Path dir = Files.createTempDirectory("earshot-bench-pipeline-");
    Path sample = SampleVideo.write(dir.resolve("sample.mp4"), seconds, -1, 3);
    List<Realtime> rows = new ArrayList<>();
    try (LocalStack stack = LocalStack.startEphemeral()) {
      String run = UUID.randomUUID().toString().substring(0, 8);
      BenchMetrics.clear();
      StreamExecutionEnvironment env = environment(s);
      SpatialInferenceJob.defineWorkflow(
          env,
          jobConfig(s, stack, "bench-" + run, dir),
          SpatialInferenceJob.clipSpec(jobConfig(s)));
      env.configure(extra(s));
      JobClient job = env.executeAsync("bench-pipeline-realtime");
      try {
        // Warm-up: one stream as fast as possible, read back, so model load and JIT are done.
        String warm = "warm-" + run + "-0";
        ingest(stack, sample, warm, false);
        collect(stack, warm, Math.max(1, (int) Math.floor(seconds - 3)), Duration.ofSeconds(20));
        for (int n : sweep) {
          rows.add(realtimeRow(stack, sample, "rt-" + run + "-n" + n + "-", n, seconds, s));
          onRow.accept(rows.get(rows.size() - 1));
        }
      } finally {
        job.cancel().get();
      }
    } finally {
      deleteTree(dir);
    }
    return rows;
  }

  private static Realtime realtimeRow(
      LocalStack stack, Path sample, String prefix, int streams, double seconds, Settings s)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(streams);
    try {
      List<Future<?>> ingests = new ArrayList<>();
      for (int i = 0; i < streams; i++) {
        String stream = prefix + i;
        ingests.add(pool.submit(() -> ingest(stack, sample, stream, true)));
      }
      for (Future<?> f : ingests) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    String load = loadAverage();
    int expected = streams * Math.max(1, (int) Math.floor(seconds - 3));
    List<ClipPrediction> predictions =
        cutByData(distinct(collect(stack, prefix, expected, Duration.ofSeconds(10))), seconds);
    List<ClipPrediction> scored = scored(predictions);
    scored.sort(Comparator.comparingLong(p -> p.getInferenceEndMillis().toEpochMilli()));
    double hop = JobConfig.defaults().hopSeconds();
    double sustained = Double.NaN;
    List<Double> latencies = new ArrayList<>();
    for (ClipPrediction p : scored) {
      latencies.add(latency(p));
    }
    double firstQuarter = Double.NaN;
    double lastQuarter = Double.NaN;
    if (!scored.isEmpty()) {
      long first = scored.get(0).getInferenceEndMillis().toEpochMilli();
      long last = scored.get(scored.size() - 1).getInferenceEndMillis().toEpochMilli();
      sustained = scored.size() / ((last - first) / 1000.0 + hop);
      int q = Math.max(1, scored.size() / 4);
      firstQuarter = median(latencies.subList(0, q));
      lastQuarter = median(latencies.subList(latencies.size() - q, latencies.size()));
    }
    List<Double> sorted = new ArrayList<>(latencies);
    sorted.sort(Double::compare);
    return new Realtime(
        streams,
        streams / hop,
        scored.size(),
        expected,
        predictions.size() - scored.size(),
        sustained,
        percentile(sorted, 0.5),
        percentile(sorted, 0.99),
        firstQuarter,
        lastQuarter,
        load);
  }

  /** With -Dearshot.bench.dump=FILE, writes every prediction as CSV (for looking into a run). */
  private static void dump(List<ClipPrediction> predictions) throws IOException {
    String file = System.getProperty("earshot.bench.dump");
    if (file == null) {
      return;
    }
    StringBuilder b =
        new StringBuilder("stream,clip_start_us,status,reason,newest_ingest,start,end,batch\n");
    for (ClipPrediction p : predictions) {
      b.append(p.getStreamId())
          .append(',')
          .append(p.getClipStartMicros())
          .append(',')
          .append(p.getStatus())
          .append(',')
          .append(p.getReason() == null ? "" : p.getReason().replace(',', ';'))
          .append(',')
          .append(p.getNewestIngestTimeMillis().toEpochMilli())
          .append(',')
          .append(p.getInferenceStartMillis().toEpochMilli())
          .append(',')
          .append(p.getInferenceEndMillis().toEpochMilli())
          .append(',')
          .append(p.getBatchSize())
          .append('\n');
    }
    Files.writeString(Path.of(file), b.toString());
  }

  private static double latency(ClipPrediction p) {
    return p.getInferenceEndMillis().toEpochMilli() - p.getNewestIngestTimeMillis().toEpochMilli();
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(Double::compare);
    return percentile(sorted, 0.5);
  }

  /**
   * Leaves out each stream's clips starting later than {@code seconds} - 4 s into it: a stream's
   * last clip ends where its media ends, and whether that clip is cut at all depends on the job's
   * stall timer (10 s after the stream stops, and only when one medium stopped noticeably before
   * the other), not on throughput. The clips kept are the ones the arriving media cut.
   */
  static List<ClipPrediction> cutByData(List<ClipPrediction> predictions, double seconds) {
    Map<String, Long> firstStart = new java.util.HashMap<>();
    for (ClipPrediction p : predictions) {
      firstStart.merge(p.getStreamId(), p.getClipStartMicros(), Math::min);
    }
    long limit = Math.round((seconds - 4) * 1e6) + 500_000;
    List<ClipPrediction> out = new ArrayList<>();
    for (ClipPrediction p : predictions) {
      if (p.getClipStartMicros() - firstStart.get(p.getStreamId()) <= limit) {
        out.add(p);
      }
    }
    return out;
  }

  /** One prediction per stream and clip: a job restart replays what its last checkpoint missed. */
  private static List<ClipPrediction> distinct(List<ClipPrediction> predictions) {
    Map<String, ClipPrediction> byClip = new LinkedHashMap<>();
    for (ClipPrediction p : predictions) {
      byClip.putIfAbsent(p.getStreamId() + "@" + p.getClipStartMicros(), p);
    }
    return new ArrayList<>(byClip.values());
  }

  private static List<ClipPrediction> scored(List<ClipPrediction> predictions) {
    List<ClipPrediction> out = new ArrayList<>();
    for (ClipPrediction p : predictions) {
      if (p.getStatus() == PredictionStatus.SCORED) {
        out.add(p);
      }
    }
    return out;
  }

  private static Void ingest(LocalStack stack, Path sample, String stream, boolean realtime) {
    try (KafkaIngestSink sink =
        new KafkaIngestSink(stack.bootstrapServers(), stack.registryUrl())) {
      new MediaIngestor(
              IngestOptions.defaults(sample.toString(), stream).withRealtime(realtime),
              sink,
              p -> {})
          .run();
    }
    return null;
  }

  private static StreamExecutionEnvironment environment(Settings s) {
    org.apache.flink.configuration.Configuration c = BenchMetrics.configuration();
    c.addAll(extra(s));
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.createLocalEnvironment(s.parallelism(), c);
    // As the job runs by default (./earshot job): exactly-once output committed on checkpoints.
    env.enableCheckpointing(
        JobConfig.defaults().checkpointMillis(), CheckpointingMode.EXACTLY_ONCE);
    return env;
  }

  /**
   * The --flink settings; applied again after the job's own, so they can also undo them (e.g.
   * {@code taskmanager.memory.segment-size=32kb} or {@code
   * execution.checkpointing.storage=jobmanager} to measure without a fix).
   */
  private static org.apache.flink.configuration.Configuration extra(Settings s) {
    org.apache.flink.configuration.Configuration c =
        new org.apache.flink.configuration.Configuration();
    s.flink().forEach(c::setString);
    return c;
  }

  private static JobConfig jobConfig(Settings s) {
    return JobConfig.defaults().withModel(s.model());
  }

  private static JobConfig jobConfig(Settings s, LocalStack stack, String group, Path dir) {
    return JobConfig.from(
        new String[] {
          "--bootstrap-servers", stack.bootstrapServers(),
          "--registry-url", stack.registryUrl(),
          "--model", s.model(),
          "--max-batch", String.valueOf(s.maxBatch()),
          "--max-wait-ms", String.valueOf(s.maxWaitMillis()),
          "--group-id", group,
          "--transactional-id-prefix", group,
          "--checkpoint-dir", dir.resolve("checkpoints").toUri().toString()
        });
  }

  /** Bare model clips/s at {@code batch}, in this process; NaN for the classical detector. */
  static double bare(String model, int batch, double seconds) {
    if ("classical".equals(model)) {
      return Double.NaN;
    }
    NetConfig net = NetConfig.byName(ModelFiles.verify(Path.of(model), null).config());
    return ModelBenchmark.model(Path.of(model), net, new int[] {batch}, seconds)
        .get(0)
        .clipsPerSecond();
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** CPU time of this process (all threads, TensorFlow's included), nanoseconds. */
  static long processCpuNanos() {
    return java.lang.management.ManagementFactory.getOperatingSystemMXBean()
            instanceof com.sun.management.OperatingSystemMXBean os
        ? os.getProcessCpuTime()
        : -1;
  }

  /** The 1, 5 and 15 minute load averages (Linux), as {@code uptime} prints them. */
  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + ", " + f[1] + ", " + f[2];
    } catch (IOException | RuntimeException e) {
      return "n/a";
    }
  }

  private static double percentile(List<Double> sorted, double q) {
    if (sorted.isEmpty()) {
      return Double.NaN;
    }
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.floor(q * (sorted.size() - 1) + 0.5)));
  }

  /**
   * Predictions keyed with {@code prefix}, read from the earliest offset, until {@code likely} have
   * arrived and none for 1 s, or none for {@code quietTimeout} (60 s for the first).
   */
  private static List<ClipPrediction> collect(
      LocalStack stack, String prefix, int likely, Duration quietTimeout) {
    return collect(stack, prefix, 0, likely, quietTimeout, () -> {}, new long[2]);
  }

  /**
   * As above; runs {@code onFirst} at the first, and {@code lastCpu} = CPU and wall at the last.
   */
  private static List<ClipPrediction> collect(
      LocalStack stack,
      String prefix,
      long since,
      int likely,
      Duration quietTimeout,
      Runnable onFirst,
      long[] lastCpu) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-read-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    // Uncommitted: the job's exactly-once sink commits on checkpoints, which a job working
    // through a backlog completes late; inference times are stamped in the records anyway.
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
    List<ClipPrediction> out = new ArrayList<>();
    try (KafkaConsumer<String, ClipPrediction> c =
        new KafkaConsumer<>(
            p,
            new StringDeserializer(),
            new AvroDeserializer<>(
                new SchemaRegistryClient(stack.registryUrl()), ClipPrediction.class))) {
      c.subscribe(List.of(Topics.PREDICTIONS));
      long last = System.nanoTime();
      while (true) {
        long quiet =
            out.isEmpty()
                ? Math.max(60_000_000_000L, quietTimeout.toNanos())
                : out.size() >= likely ? 1_000_000_000L : quietTimeout.toNanos();
        if (System.nanoTime() - last >= quiet) {
          break;
        }
        for (ConsumerRecord<String, ClipPrediction> r : c.poll(Duration.ofMillis(200))) {
          if (r.key() != null
              && r.key().startsWith(prefix)
              && r.value().getInferenceEndMillis().toEpochMilli() >= since) {
            if (out.isEmpty()) {
              onFirst.run();
            }
            out.add(r.value());
            lastCpu[0] = processCpuNanos();
            lastCpu[1] = System.nanoTime();
            last = System.nanoTime();
          }
        }
      }
    }
    return out;
  }
}
