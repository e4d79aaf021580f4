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
import io.earshot.flink.inference.JobConfig;
import io.earshot.flink.inference.SpatialInferenceJob;
import io.earshot.flink.metrics.LoopbackPrometheusReporterFactory;
import io.earshot.serde.TrustedAvroClasses;
import io.earshot.stack.LocalStack;
import io.earshot.stack.Ports;
import io.earshot.streams.monitor.FlipMonitor;
import io.earshot.streams.monitor.FlipMonitorConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The whole system in one JVM, as the demo and the live acceptance test run it: the local stack
 * (KRaft broker + schema registry), the SpatialInferenceJob on a Flink MiniCluster with the
 * Prometheus reporter, the FlipMonitor with its operator page, and ingest of live inputs.
 *
 * <p>Live settings: clips every 0.5 s and a 500 ms checkpoint interval (the exactly-once sink makes
 * predictions visible at checkpoints), and a monitor that confirms a flip on two smoothed clips in
 * a row. Together they bring a swap to the operator within the 5 s a broadcast engineer expects
 * (measured in {@code LiveSwapAcceptanceIT}).
 */
final class LivePipeline implements AutoCloseable {

  /** Job options for live monitoring; any of them can be overridden. */
  static final Map<String, String> LIVE_JOB =
      Map.of("hop-seconds", "0.5", "checkpoint-ms", "500", "max-wait-ms", "100");

  /** Monitor options for live monitoring (0.5 s hop); any of them can be overridden. */
  static final Map<String, String> LIVE_MONITOR =
      Map.of(
          "smoothing",
          "0.6",
          "confirm-clips",
          "2",
          "suspect-threshold",
          "0.6",
          "correct-streams",
          "*");

  /**
   * Where and what to run. Ports of 0 mean any free loopback port.
   *
   * @param model model directory or "classical"
   * @param job job options over {@link #LIVE_JOB}
   * @param monitor monitor options over {@link #LIVE_MONITOR}
   */
  record Settings(
      int kafkaPort,
      int registryPort,
      int httpPort,
      int metricsPort,
      String model,
      Map<String, String> job,
      Map<String, String> monitor) {

    static Settings ephemeral(String model) {
      return new Settings(0, 0, 0, 0, model, Map.of(), Map.of());
    }
  }

  private final LocalStack stack;
  private final FlipMonitor monitor;
  private final JobClient job;
  private final int metricsPort;
  private final JobConfig jobConfig;
  private final Path stateDir;
  private final List<MediaIngestor> ingestors = new ArrayList<>();

  private LivePipeline(
      LocalStack stack,
      FlipMonitor monitor,
      JobClient job,
      int metricsPort,
      JobConfig jobConfig,
      Path stateDir) {
    this.stack = stack;
    this.monitor = monitor;
    this.job = job;
    this.metricsPort = metricsPort;
    this.jobConfig = jobConfig;
    this.stateDir = stateDir;
  }

  /** A component could not start; the message says which and what to do. */
  static final class StartFailure extends RuntimeException {
    StartFailure(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * Starts everything, printing one line per component to {@code log}. Checks the fixed ports
   * first, so a taken port fails in a second instead of after the broker started.
   */
  static LivePipeline start(Settings s, PrintStream log) {
    TrustedAvroClasses.install();
    requireFree(s.kafkaPort(), "Kafka broker", "--kafka-port");
    requireFree(s.registryPort(), "schema registry", "--registry-port");
    requireFree(s.httpPort(), "flip monitor (operator page)", "--http-port");
    requireFree(s.metricsPort(), "Flink metrics reporter", "--metrics-port");
    int metricsPort = s.metricsPort() == 0 ? Ports.freeLoopbackPort() : s.metricsPort();
    int httpPort = s.httpPort() == 0 ? Ports.freeLoopbackPort() : s.httpPort();

    long t0 = System.nanoTime();
    log.print("  Kafka broker (KRaft) + schema registry ... ");
    log.flush();
    LocalStack stack;
    try {
      stack = LocalStack.start(s.kafkaPort(), s.registryPort(), null);
    } catch (RuntimeException e) {
      log.println("FAILED");
      throw new StartFailure("the local stack did not start: " + rootMessage(e), e);
    }
    log.printf("up in %.1f s (%s)%n", seconds(t0), stack.bootstrapServers());
    FlipMonitor monitor = null;
    Path stateDir = null;
    try {
      long t1 = System.nanoTime();
      log.print("  FlipMonitor (Kafka Streams) ... ");
      log.flush();
      stateDir = Files.createTempDirectory("earshot-monitor-");
      Map<String, String> m = new LinkedHashMap<>(LIVE_MONITOR);
      m.putAll(s.monitor());
      m.put("bootstrap-servers", stack.bootstrapServers());
      m.put("registry-url", stack.registryUrl());
      m.put("http-port", String.valueOf(httpPort));
      m.put("state-dir", stateDir.toString());
      monitor = FlipMonitor.start(FlipMonitorConfig.from(m));
      if (!monitor.awaitRunning(Duration.ofSeconds(60))) {
        throw new IllegalStateException(
            "the flip monitor did not reach RUNNING in 60 s (state " + monitor.state() + ")");
      }
      log.printf("running in %.1f s (%s)%n", seconds(t1), monitor.url());

      long t2 = System.nanoTime();
      // TensorFlow logs a line of its own when the model loads: keep ours whole.
      log.println("  SpatialInferenceJob (Flink MiniCluster) starting ...");
      log.flush();
      Map<String, String> j = new LinkedHashMap<>(LIVE_JOB);
      j.putAll(s.job());
      List<String> args = new ArrayList<>();
      j.forEach(
          (k, v) -> {
            args.add("--" + k);
            args.add(v);
          });
      JobConfig config =
          JobConfig.from(args.toArray(String[]::new))
              .withModel(s.model())
              .withStack(
                  stack.bootstrapServers(),
                  stack.registryUrl(),
                  "earshot-spatial-inference",
                  false);
      Configuration flink =
          LoopbackPrometheusReporterFactory.configuration("127.0.0.1", metricsPort);
      flink.setString("rest.bind-address", "127.0.0.1");
      StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, flink);
      env.enableCheckpointing(config.checkpointMillis(), CheckpointingMode.EXACTLY_ONCE);
      SpatialInferenceJob.defineWorkflow(env, config, SpatialInferenceJob.clipSpec(config));
      JobClient job = env.executeAsync("earshot-spatial-inference");
      awaitRunning(job, Duration.ofSeconds(60));
      log.printf(
          "  SpatialInferenceJob running in %.1f s (model %s, clips every %.1f s)%n",
          seconds(t2), Path.of(config.model()).getFileName(), config.hopSeconds());
      return new LivePipeline(stack, monitor, job, metricsPort, config, stateDir);
    } catch (Exception e) {
      log.println("FAILED");
      if (monitor != null) {
        monitor.close();
      }
      stack.close();
      deleteQuietly(stateDir);
      if (e instanceof StartFailure f) {
        throw f;
      }
      throw new StartFailure("a component did not start: " + rootMessage(e), e);
    }
  }

  private static void awaitRunning(JobClient job, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      JobStatus status = job.getJobStatus().get(10, TimeUnit.SECONDS);
      if (status == JobStatus.RUNNING) {
        return;
      }
      if (status.isTerminalState()) {
        job.getJobExecutionResult().get(10, TimeUnit.SECONDS); // throws the cause
        throw new IllegalStateException("the inference job ended at start: " + status);
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("the inference job was not RUNNING after " + timeout);
  }

  private static void requireFree(int port, String what, String flag) {
    if (port == 0) {
      return;
    }
    try {
      Ports.requireFree(port, what);
    } catch (IllegalStateException e) {
      throw new StartFailure(
          "port "
              + port
              + " on 127.0.0.1 is taken, so the "
              + what
              + " cannot start: stop what listens there (ss -ltnp 'sport = :"
              + port
              + "') or pass "
              + flag
              + " with another port (0 = any free port)",
          e);
    }
  }

  LocalStack stack() {
    return stack;
  }

  FlipMonitor monitor() {
    return monitor;
  }

  JobConfig jobConfig() {
    return jobConfig;
  }

  /** The operator page. */
  String operatorUrl() {
    return monitor.url();
  }

  /** Flink's Prometheus reporter. */
  String jobMetricsUrl() {
    return "http://127.0.0.1:" + metricsPort + "/metrics";
  }

  /**
   * Null while every component runs; otherwise what failed (the job ended or the monitor stopped).
   */
  String failure() {
    try {
      JobStatus status = job.getJobStatus().get(5, TimeUnit.SECONDS);
      if (status.isGloballyTerminalState()) {
        return "the inference job ended (" + status + ")";
      }
    } catch (Exception e) {
      return "the inference job is unreachable: " + rootMessage(e);
    }
    return switch (monitor.state()) {
      case ERROR, NOT_RUNNING, PENDING_ERROR, PENDING_SHUTDOWN ->
          "the flip monitor stopped (" + monitor.state() + ")";
      default -> null;
    };
  }

  /**
   * Ingests {@code options} into the broker on a thread of its own; the future completes when the
   * input ends (or {@link #close()} stops it).
   *
   * @param onAudio sees every audio window as it is handed to Kafka (for timing the demo)
   */
  CompletableFuture<IngestResult> ingest(IngestOptions options, Consumer<AudioWindow> onAudio) {
    KafkaIngestSink kafka = new KafkaIngestSink(stack.bootstrapServers(), stack.registryUrl());
    IngestSink sink =
        new IngestSink() {
          @Override
          public void frame(VideoFrame frame) {
            kafka.frame(frame);
          }

          @Override
          public void audio(AudioWindow window) {
            kafka.audio(window);
            onAudio.accept(window);
          }

          @Override
          public void metadata(StreamMetadata metadata) {
            kafka.metadata(metadata);
          }

          @Override
          public void deadLetter(DeadLetter deadLetter) {
            kafka.deadLetter(deadLetter);
          }

          @Override
          public void flush() {
            kafka.flush();
          }

          @Override
          public void close() {
            kafka.close();
          }
        };
    MediaIngestor ingestor = new MediaIngestor(options, sink, p -> {});
    synchronized (ingestors) {
      ingestors.add(ingestor);
    }
    return CompletableFuture.supplyAsync(
        () -> {
          try (sink) {
            return ingestor.run();
          }
        },
        r -> {
          Thread t = new Thread(r, "ingest-" + options.streamId());
          t.setDaemon(true);
          t.start();
        });
  }

  @Override
  public void close() {
    synchronized (ingestors) {
      ingestors.forEach(MediaIngestor::stop);
    }
    try {
      job.cancel().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      // already ended
    }
    try {
      monitor.close();
    } finally {
      stack.close();
      deleteQuietly(stateDir);
    }
  }

  private static void deleteQuietly(Path dir) {
    if (dir == null) {
      return;
    }
    try (var walk = Files.walk(dir)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temp dir left behind
    }
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }

  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() != null ? t.getMessage() : t.toString();
  }
}
