package io.earshot.cli;

import io.earshot.avro.AudioWindow;
import io.earshot.avro.DeadLetter;
import io.earshot.avro.StreamMetadata;
import io.earshot.avro.VideoFrame;
import io.earshot.connectors.media.IngestOptions;
import io.earshot.connectors.media.IngestResult;
import io.earshot.connectors.media.IngestSink;
import io.earshot.connectors.media.KafkaIngestSink;
import io.earshot.connectors.media.MediaIngestor;
import io.earshot.stack.LocalStack;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ./earshot bench ...}: benchmarks that print a table, measured side by side. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Benchmarks printing a table, measured side by side in one run.",
    subcommands = {
      BenchCommand.Ingest.class,
      BenchCommand.Model.class,
      BenchCommand.Pipeline.class
    })
final class BenchCommand implements Runnable {

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** Ingest throughput next to ffmpeg doing the same decode, sampling, scaling and resampling. */
  @Command(
      name = "ingest",
      mixinStandardHelpOptions = true,
      description =
          "Ingest throughput (frames/s, audio-seconds/s) next to ffmpeg decoding the same file with"
              + " the same fps/scale/resample to -f null, and their ratio.")
  static final class Ingest implements Callable<Integer> {

    @Parameters(
        index = "0",
        arity = "0..1",
        paramLabel = "<file>",
        description = "Media file (default: a generated 60 s 640x360 25 fps AAC sample).")
    Path file;

    @Option(
        names = "--repeat",
        defaultValue = "3",
        description = "Runs per row; the median is shown.")
    int repeat;

    @Option(
        names = "--broker",
        description = "Also measure ingest into a real embedded broker and registry.")
    boolean broker;

    @Option(names = "--ffmpeg", defaultValue = "ffmpeg", description = "ffmpeg executable.")
    String ffmpeg;

    @Override
    public Integer call() throws Exception {
      Path input = file;
      Path temp = null;
      if (input == null) {
        temp = Files.createTempDirectory("earshot-bench-");
        System.err.println("generating a 60 s sample...");
        input = SampleVideo.write(temp.resolve("bench.mp4"), 60, -1, 1);
      }
      IngestOptions options = IngestOptions.defaults(input.toString(), "bench");
      List<String[]> rows = new ArrayList<>();
      try {
        // Warm-up: JIT and native library loading are not part of steady-state throughput.
        new MediaIngestor(options, new SerializingSink(), p -> {}).run();
        Row ours = median(repeat, () -> runOurs(options, new SerializingSink()));
        Row ff = median(repeat, () -> runFfmpeg(options, ours));
        rows.add(ours.cells("earshot ingest (decode, sample, JPEG, Avro; no broker)"));
        rows.add(ff.cells("ffmpeg -vf fps,scale -af aresample -> mjpeg + pcm, -f null"));
        if (broker) {
          try (LocalStack stack = LocalStack.startEphemeral()) {
            Row kafka =
                median(
                    repeat,
                    () ->
                        runOurs(
                            options,
                            new KafkaIngestSink(stack.bootstrapServers(), stack.registryUrl())));
            rows.add(kafka.cells("earshot ingest -> embedded Kafka + registry"));
          }
        }
        System.out.printf(
            "%nInput: %s (%.1f s of media); %d runs per row, median; %d cores%n%n",
            input, ours.mediaSeconds, repeat, Runtime.getRuntime().availableProcessors());
        System.out.printf(
            "%-58s %12s %12s %14s%n", "pipeline", "frames/s", "decoded/s", "audio-s/s");
        for (String[] r : rows) {
          System.out.printf("%-58s %12s %12s %14s%n", (Object[]) r);
        }
        System.out.printf(
            "%nratio earshot / ffmpeg (audio-seconds per second): %.2f%n",
            ours.audioSecondsPerSecond / ff.audioSecondsPerSecond);
      } finally {
        if (temp != null) {
          Files.deleteIfExists(input);
          Files.deleteIfExists(temp);
        }
      }
      return 0;
    }

    private static Row runOurs(IngestOptions options, IngestSink sink) {
      try (sink) {
        long start = System.nanoTime();
        IngestResult r = new MediaIngestor(options, sink, p -> {}).run();
        double wall = (System.nanoTime() - start) / 1e9;
        double media = r.audioSeconds(options.windowMillis());
        return new Row(r.frames() / wall, r.decodedFrames() / wall, media / wall, media);
      }
    }

    private Row runFfmpeg(IngestOptions options, Row reference) {
      List<String> cmd =
          List.of(
              ffmpeg,
              "-hide_banner",
              "-nostdin",
              "-loglevel",
              "error",
              "-i",
              options.input(),
              "-vf",
              "fps=" + options.frameRate() + ",scale=" + options.width() + ":-2",
              "-c:v",
              "mjpeg",
              "-q:v",
              "4",
              "-af",
              "aresample=" + options.sampleRate(),
              "-c:a",
              "pcm_s16le",
              "-f",
              "null",
              "-");
      try {
        long start = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] output = p.getInputStream().readAllBytes();
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
          throw new IllegalStateException(
              "ffmpeg failed (" + String.join(" ", cmd) + "): " + new String(output));
        }
        double wall = (System.nanoTime() - start) / 1e9;
        // ffmpeg's fps filter emits mediaSeconds x fps frames; it does not report a count.
        return new Row(
            reference.mediaSeconds * options.frameRate() / wall,
            Double.NaN,
            reference.mediaSeconds / wall,
            reference.mediaSeconds);
      } catch (IOException e) {
        throw new IllegalStateException(
            "cannot run '"
                + ffmpeg
                + "' for the comparison: install ffmpeg (apt-get install ffmpeg)",
            e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }

    private static Row median(int n, java.util.function.Supplier<Row> run) {
      List<Row> rows = new ArrayList<>();
      for (int i = 0; i < Math.max(1, n); i++) {
        rows.add(run.get());
      }
      rows.sort((a, b) -> Double.compare(a.audioSecondsPerSecond, b.audioSecondsPerSecond));
      return rows.get(rows.size() / 2);
    }
  }

  /** Model throughput, FLOPs and GFLOP/s next to a large matrix multiply in the same process. */
  @Command(
      name = "model",
      mixinStandardHelpOptions = true,
      description =
          "Model clips/s at batch 1, 8 and 32, FLOPs per clip and GFLOP/s, next to a large TF"
              + " matrix multiply in the same process.")
  static final class Model implements Callable<Integer> {

    @Option(
        names = "--model",
        defaultValue = "models/flip-detector-cpu",
        description = "Exported model directory (default: the shipped model).")
    Path model;

    @Option(names = "--seconds", defaultValue = "4", description = "Timing per row.")
    double seconds;

    @Override
    public Integer call() {
      io.earshot.training.release.ModelMetadata meta =
          io.earshot.training.release.ModelFiles.verify(model, null);
      io.earshot.training.model.NetConfig config =
          io.earshot.training.model.NetConfig.byName(meta.config());
      long flops = io.earshot.training.bench.ModelBenchmark.flopsPerClip(config);
      double matmul = io.earshot.training.bench.ModelBenchmark.matmulGflops(2048, seconds);
      List<io.earshot.training.bench.ModelBenchmark.Row> rows =
          io.earshot.training.bench.ModelBenchmark.model(
              model, config, new int[] {1, 8, 32}, seconds);
      double matmulAfter = io.earshot.training.bench.ModelBenchmark.matmulGflops(2048, seconds);
      System.out.printf(
          "%nModel %s %s: %.1f MFLOPs per clip (convolutions, products, STFT/mel); %d cores%n%n",
          meta.name(), meta.version(), flops / 1e6, Runtime.getRuntime().availableProcessors());
      System.out.printf(
          "%-34s %6s %10s %10s %12s%n", "what", "batch", "clips/s", "GFLOP/s", "of matmul");
      double limit = (matmul + matmulAfter) / 2;
      for (io.earshot.training.bench.ModelBenchmark.Row r : rows) {
        System.out.printf(
            "%-34s %6d %10.1f %10.2f %11.1f%%%n",
            r.what(), r.batch(), r.clipsPerSecond(), r.gflops(), 100 * r.gflops() / limit);
      }
      System.out.printf(
          "%-34s %6s %10s %10.2f %12s%n",
          "TF matmul 2048x2048 (before/after)",
          "-",
          "-",
          limit,
          String.format("%.1f/%.1f", matmul, matmulAfter));
      return 0;
    }
  }

  /**
   * The pipeline through broker and job: a backlog drained as fast as possible next to the bare
   * model, or real-time streams for several N.
   */
  @Command(
      name = "pipeline",
      mixinStandardHelpOptions = true,
      description = {
        "Real time (default): N real-time streams through ingest -> Kafka -> SpatialInferenceJob,"
            + " for each N of --sweep (or just --streams): offered and sustained clips/s, p50/p99"
            + " end-to-end latency, whether it keeps up.",
        "--backlog: N streams of --seconds ingested first as fast as possible, then a fresh job"
            + " drains them from the earliest offsets: its clips/s next to the bare model's at the"
            + " job's max batch, measured in the same process before and after, their ratio,"
            + " the batch size achieved and where the time goes."
      })
  static final class Pipeline implements Callable<Integer> {

    @Option(
        names = "--streams",
        defaultValue = "4",
        description = "Streams (default ${DEFAULT-VALUE}).")
    int streams;

    @Option(
        names = "--sweep",
        split = ",",
        paramLabel = "N[,N...]",
        description = "Real-time: one row per stream count, e.g. 2,4,8,16 (overrides --streams).")
    int[] sweep;

    @Option(
        names = "--seconds",
        defaultValue = "30",
        description = "Media per stream in seconds (default ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--backlog", description = "Ingest first, then time the job draining it.")
    boolean backlog;

    @Option(
        names = "--model",
        description = "Model directory or 'classical' (default: the shipped model).")
    String model;

    @Option(
        names = "--max-batch",
        description = "The job's largest inference batch (default: JobConfig's, 16).")
    Integer maxBatch;

    @Option(
        names = "--max-wait-ms",
        description = "Longest a clip waits for its batch (default: JobConfig's, 200).")
    Long maxWait;

    @Option(
        names = "--parallelism",
        defaultValue = "1",
        description = "Parallelism of the job's MiniCluster (default ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(
        names = "--rounds",
        defaultValue = "1",
        description =
            "Backlog: drains of the same backlog, each by a fresh job, bare model timed between"
                + " them; the median ratio is reported (default ${DEFAULT-VALUE}).")
    int rounds;

    @Option(
        names = "--flink",
        paramLabel = "KEY=VALUE",
        description = "Extra Flink configuration for the job's MiniCluster (repeatable).")
    Map<String, String> flink = new java.util.LinkedHashMap<>();

    @Option(
        names = "--bare-seconds",
        defaultValue = "4",
        description =
            "Timing of the bare model, before and after the drain (default ${DEFAULT-VALUE}).")
    double bareSeconds;

    @Override
    public Integer call() throws Exception {
      if (streams < 1 || parallelism < 1 || rounds < 1 || !(seconds >= 4)) {
        throw new IllegalArgumentException(
            "--streams, --parallelism and --rounds must be >= 1 and --seconds >= 4 (clips are 3"
                + " s)");
      }
      io.earshot.flink.inference.JobConfig d = io.earshot.flink.inference.JobConfig.defaults();
      PipelineBench.Settings s =
          new PipelineBench.Settings(
              model != null ? model : JobCommand.defaultModel(),
              maxBatch != null ? maxBatch : d.maxBatch(),
              maxWait != null ? maxWait : d.maxWaitMillis(),
              parallelism,
              flink);
      int cores = Runtime.getRuntime().availableProcessors();
      if (backlog) {
        printBacklog(PipelineBench.backlog(s, streams, seconds, bareSeconds, rounds), s, cores);
        return 0;
      }
      int[] ns = sweep != null && sweep.length > 0 ? sweep : new int[] {streams};
      for (int n : ns) {
        if (n < 1) {
          throw new IllegalArgumentException("--sweep values must be >= 1, got " + n);
        }
      }
      System.out.printf(
          "%nReal time: N streams of %.0f s each (generated 640x360 25 fps sample, ingested with"
              + " realtime pacing) -> Kafka -> SpatialInferenceJob (model %s, parallelism %d,"
              + " max-batch %d, max-wait %d ms), one job for all rows after a warm-up stream; %d"
              + " cores; load average at start %s%n%n",
          seconds,
          s.model(),
          s.parallelism(),
          s.maxBatch(),
          s.maxWaitMillis(),
          cores,
          PipelineBench.loadAverage());
      String header =
          String.format(
              "%7s %9s %11s %9s %9s %9s %10s %9s %17s",
              "streams",
              "offered",
              "sustained",
              "scored",
              "p50 ms",
              "p99 ms",
              "growth ms",
              "keeps up",
              "load average");
      System.out.println(header);
      List<PipelineBench.Realtime> rows =
          PipelineBench.sweep(
              s,
              ns,
              seconds,
              r ->
                  System.out.printf(
                      "%7d %9.1f %11.2f %9s %9.0f %9.0f %10.0f %9s %17s%n",
                      r.streams(),
                      r.offered(),
                      r.sustained(),
                      r.scored() + "/" + r.expected(),
                      r.p50(),
                      r.p99(),
                      r.growth(),
                      r.keepsUp() ? "yes" : "no",
                      r.load()));
      int best = 0;
      for (PipelineBench.Realtime r : rows) {
        if (r.keepsUp()) {
          best = Math.max(best, r.streams());
        }
      }
      System.out.printf("%n(%s)%n", PipelineBench.REALTIME_DEFINITION);
      System.out.printf(
          "largest N kept in real time: %s%n", best == 0 ? "none of those tried" : best);
      return 0;
    }

    private static void printBacklog(
        List<PipelineBench.Backlog> rounds, PipelineBench.Settings s, int cores) {
      PipelineBench.Backlog first = rounds.get(0);
      System.out.printf(
          "%nBacklog: %d streams x %.0f s of media ingested into Kafka first (%.1f s, not timed"
              + " below); then, per round, a fresh SpatialInferenceJob (model %s, parallelism %d,"
              + " max-batch %d, max-wait %d ms) drains all of it from the earliest offsets, the"
              + " bare model at batch %d timed before and after; %d cores%n%n",
          first.streams(),
          first.seconds(),
          first.ingestSeconds(),
          s.model(),
          s.parallelism(),
          s.maxBatch(),
          s.maxWaitMillis(),
          s.maxBatch(),
          cores);
      System.out.printf(
          "%5s %8s %9s %11s %15s %7s %7s %6s %9s %10s %17s%n",
          "round",
          "scored",
          "drain s",
          "pipeline/s",
          "bare/s (b/a)",
          "ratio",
          "batch",
          "cores",
          "restarts",
          "ckpt ok/x",
          "load average");
      for (PipelineBench.Backlog r : rounds) {
        System.out.printf(
            "%5d %8s %9.2f %11.1f %15s %7.3f %7.1f %6.2f %9.0f %10s %17s%n",
            r.round(),
            r.scored() + (r.noSignal() > 0 ? "+" + r.noSignal() + "ns" : ""),
            r.drainSeconds(),
            r.clipsPerSecond(),
            String.format("%.0f (%.0f/%.0f)", r.bare(), r.bareBefore(), r.bareAfter()),
            r.ratio(),
            r.meanBatch(),
            r.processCores(),
            r.health().getOrDefault("numRestarts", Double.NaN),
            String.format(
                "%.0f/%.0f",
                r.health().getOrDefault("numberOfCompletedCheckpoints", Double.NaN),
                r.health().getOrDefault("numberOfFailedCheckpoints", Double.NaN)),
            r.load());
      }
      List<PipelineBench.Backlog> sorted = new java.util.ArrayList<>(rounds);
      sorted.sort(java.util.Comparator.comparingDouble(PipelineBench.Backlog::ratio));
      PipelineBench.Backlog r = sorted.get(sorted.size() / 2);
      System.out.printf(
          "%nmedian round %d: pipeline %.1f clips/s, bare model %.1f clips/s at batch %d, ratio"
              + " %.3f%n",
          r.round(), r.clipsPerSecond(), r.bare(), s.maxBatch(), r.ratio());
      if (r.duplicates() > 0) {
        System.out.printf("predictions repeated after a job restart: %d%n", r.duplicates());
      }
      System.out.printf(
          "streams' last clips left out (cut by the 10 s stall timer, not by data): %d%n",
          r.endClips());
      System.out.printf(
          "pipeline clips/s incl. startup (from job submission): %.1f; inference call per clip"
              + " %.2f ms vs the bare model's %.2f ms at that batch; network buffers %s%n",
          r.scored() / r.sinceSubmitSeconds(),
          r.scoreMillisPerClip(),
          1000 / r.bare(),
          r.networkBuffers());
      System.out.printf(
          "%nWhere the time goes in round %d (%.1f s drain; task time from the first prediction"
              + " read back on):%n",
          r.round(), r.drainSeconds());
      System.out.printf("%-56s %12s %14s%n", "task", "busy ms/s", "backpressured");
      for (Map.Entry<String, Double> e : r.busyMs().entrySet()) {
        System.out.printf(
            "%-56s %12.0f %14.0f%n",
            e.getKey(),
            e.getValue() / r.drainSeconds(),
            r.backPressuredMs().getOrDefault(e.getKey(), 0.0) / r.drainSeconds());
      }
      for (Map.Entry<String, Double> e : r.jobMicros().entrySet()) {
        System.out.printf(
            "%-56s %12.0f%n", "  " + e.getKey(), e.getValue() / 1000 / r.drainSeconds());
      }
      System.out.printf(
          "%n(%s; ratio = pipeline / mean of the bare runs before and after the round; batch ="
              + " mean inference batch achieved; cores = this process's CPU during the drain;"
              + " busy ms/s = a task's busy time per second of drain, 1000 = one core;"
              + " earshot_*_micros = the job's own timers per second of drain: frame decode"
              + " (Avro + JPEG + resize), and in inference: clip inputs, the network, the"
              + " classical tracker, building and serialising outputs)%n",
          PipelineBench.DRAIN_DEFINITION);
    }
  }

  record Row(
      double framesPerSecond,
      double decodedPerSecond,
      double audioSecondsPerSecond,
      double mediaSeconds) {
    String[] cells(String name) {
      return new String[] {
        name,
        String.format("%.1f", framesPerSecond),
        Double.isNaN(decodedPerSecond) ? "-" : String.format("%.1f", decodedPerSecond),
        String.format("%.1f", audioSecondsPerSecond)
      };
    }
  }

  /** Encodes every record as Avro binary and discards it: ingest cost without the network. */
  static final class SerializingSink implements IngestSink {
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(64 * 1024);
    private BinaryEncoder encoder;
    long bytes;

    private <T extends SpecificRecord> void encode(T record) {
      buffer.reset();
      encoder = EncoderFactory.get().directBinaryEncoder(buffer, encoder);
      try {
        @SuppressWarnings("unchecked")
        SpecificDatumWriter<T> writer = new SpecificDatumWriter<>((Class<T>) record.getClass());
        writer.write(record, encoder);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      bytes += buffer.size();
    }

    @Override
    public void frame(VideoFrame frame) {
      encode(frame);
    }

    @Override
    public void audio(AudioWindow window) {
      encode(window);
    }

    @Override
    public void metadata(StreamMetadata metadata) {
      encode(metadata);
    }

    @Override
    public void deadLetter(DeadLetter deadLetter) {
      encode(deadLetter);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}

    @Override
    public String toString() {
      return "SerializingSink" + Arrays.toString(new long[] {bytes});
    }
  }
}
