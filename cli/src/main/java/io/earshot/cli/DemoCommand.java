package io.earshot.cli;

import io.earshot.avro.Alert;
import io.earshot.avro.AudioWindow;
import io.earshot.avro.ClipPrediction;
import io.earshot.avro.PredictionStatus;
import io.earshot.avro.StreamState;
import io.earshot.connectors.media.IngestOptions;
import io.earshot.connectors.media.IngestResult;
import io.earshot.connectors.media.InputPolicy;
import io.earshot.connectors.media.MediaInputException;
import io.earshot.training.scene.SceneGenerator;
import io.earshot.training.scene.SceneSpec;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./earshot demo}: the main job on embedded defaults. Starts the whole system in this JVM
 * (KRaft broker, schema registry, the SpatialInferenceJob on a Flink MiniCluster with the shipped
 * model, the FlipMonitor with its operator page), streams a generated programme whose channels are
 * swapped partway through in real time (or the user's own {@code --input}), shows the stream's
 * state live, and reports when the swap was caught, how long after it happened, and any false
 * alarm.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description =
        "Run Earshot end to end on embedded defaults: broker, registry, inference job and monitor"
            + " in this process; a generated programme with its channels swapped partway (or"
            + " --input) streamed live; the swap detection and its delay reported.")
final class DemoCommand implements java.util.concurrent.Callable<Integer> {

  /** Exit code when a component could not start (port taken, model missing, ...). */
  static final int EXIT_START_FAILED = 5;

  /** Exit code when the sample's swap was missed or a false alarm was raised. */
  static final int EXIT_DETECTION_FAILED = 1;

  @Option(
      names = "--input",
      description =
          "Monitor this file or live URL (udp://, tcp://, srt://, rtmp://, rtsp://, http(s)://)"
              + " instead of the generated sample.")
  String input;

  @Option(
      names = "--stream-id",
      defaultValue = "demo-1",
      description = "Stream id (default ${DEFAULT-VALUE}).")
  String streamId;

  @Option(
      names = "--shots",
      defaultValue = "5",
      description = "Shots of 8 s in the generated programme (default ${DEFAULT-VALUE}).")
  int shots;

  @Option(
      names = "--swap-at",
      defaultValue = "22",
      description =
          "Second of the programme from which left and right are swapped (default"
              + " ${DEFAULT-VALUE}; negative: never).")
  double swapAt;

  @Option(names = "--seed", defaultValue = "11", description = "Seed of the generated programme.")
  long seed;

  @Option(
      names = "--model",
      description = "Model directory, or 'classical' (default: the shipped model).")
  String model;

  @Option(
      names = "--kafka-port",
      defaultValue = "9092",
      description = "Broker port (default ${DEFAULT-VALUE}; 0 = any free).")
  int kafkaPort;

  @Option(
      names = "--registry-port",
      defaultValue = "8081",
      description = "Schema registry port (default ${DEFAULT-VALUE}; 0 = any free).")
  int registryPort;

  @Option(
      names = "--http-port",
      defaultValue = "8090",
      description = "Operator page, API and monitor metrics (default ${DEFAULT-VALUE}; 0 = any).")
  int httpPort;

  @Option(
      names = "--metrics-port",
      defaultValue = "9249",
      description = "Flink job's Prometheus metrics (default ${DEFAULT-VALUE}; 0 = any free).")
  int metricsPort;

  @Option(
      names = "--follow",
      description = "Keep everything running after the input ends, until Ctrl-C.")
  boolean follow;

  @Override
  public Integer call() throws Exception {
    return run(System.out);
  }

  int run(PrintStream out) throws Exception {
    out.println("Earshot demo: does what you hear come from where you see it?");
    out.println("Starting the system in this process (Ctrl-C stops everything):");
    LivePipeline.Settings settings =
        new LivePipeline.Settings(
            kafkaPort,
            registryPort,
            httpPort,
            metricsPort,
            model != null ? model : JobCommand.defaultModel(),
            Map.of(),
            Map.of());
    LivePipeline pipeline;
    try {
      pipeline = LivePipeline.start(settings, out);
    } catch (LivePipeline.StartFailure e) {
      out.println("earshot demo: " + e.getMessage());
      return EXIT_START_FAILED;
    }
    AtomicReference<LivePipeline> open = new AtomicReference<>(pipeline);
    Thread hook =
        new Thread(
            () -> {
              LivePipeline p = open.getAndSet(null);
              if (p != null) {
                System.out.println("\nstopping...");
                p.close();
              }
            },
            "demo-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    Path temp = Files.createTempDirectory("earshot-demo-");
    try {
      int code = demo(pipeline, temp, out);
      printUrls(pipeline, out);
      if (follow && pipeline.failure() == null) {
        out.println(
            "\nStill running (ingest more with ./earshot ingest ... --bootstrap-servers "
                + pipeline.stack().bootstrapServers()
                + " --registry-url "
                + pipeline.stack().registryUrl()
                + "); Ctrl-C to stop.");
        out.flush();
        new CountDownLatch(1).await();
      }
      return code;
    } finally {
      LivePipeline p = open.getAndSet(null);
      if (p != null) {
        p.close();
      }
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // shutting down already
      }
      try (var files = Files.list(temp)) {
        for (Path f : files.toList()) {
          Files.deleteIfExists(f);
        }
      }
      Files.deleteIfExists(temp);
    }
  }

  private int demo(LivePipeline pipeline, Path temp, PrintStream out) throws Exception {
    String what;
    IngestOptions options;
    double swap = -1;
    if (input == null) {
      long t0 = System.nanoTime();
      out.printf(
          "Generating the sample: %d shots of 8 s, a visible sound source in each ... ", shots);
      out.flush();
      SceneGenerator generator =
          new SceneGenerator(SceneSpec.defaults().withSeconds(8).singleDrySource(), seed);
      Path file = temp.resolve("sample.mp4");
      SceneGenerator.Programme programme = generator.generateProgramme(file, shots, seed, -1);
      if (swapAt >= 0) {
        // A swap is only audible while a source is off centre (a centred or unseen one sounds the
        // same either way round): swap where one is, from --swap-at on, with 6 s left to see it.
        long s = seed;
        double at = programme.decidableMomentAfter(swapAt, 4, 0.2);
        while (!(at + 6 <= programme.seconds()) && s < seed + 20) {
          s++;
          at = generator.generateProgramme(file, shots, s, -1).decidableMomentAfter(swapAt, 4, 0.2);
        }
        if (!(at + 6 <= programme.seconds())) {
          out.println();
          out.printf(
              "earshot demo: no moment after %.1f s with a clearly off-centre source in %d shots;"
                  + " pass a smaller --swap-at or more --shots%n",
              swapAt, shots);
          return EarshotCli.EXIT_BAD_INPUT;
        }
        programme = generator.generateProgramme(file, shots, s, at);
      }
      out.printf(Locale.ROOT, "done (%.1f s)%n", (System.nanoTime() - t0) / 1e9);
      if (programme.swapFromSeconds() >= 0) {
        out.printf(
            Locale.ROOT,
            "Left and right are swapped from %.1f s on, as a broken patch would (the source is off"
                + " centre there, so the swap can be heard).%n",
            programme.swapFromSeconds());
      }
      what = "the sample";
      swap = programme.swapFromSeconds();
      options = IngestOptions.defaults(programme.video().toString(), streamId).withRealtime(true);
    } else {
      what = input;
      boolean live = InputPolicy.isNetwork(input);
      options = IngestOptions.defaults(input, streamId).withRealtime(!live);
    }
    out.printf(
        "Streaming %s live as '%s'. Each line: media time, state, flip probability of the newest"
            + " clip, recent clips.%n%n",
        what, streamId);
    out.printf(
        "  %7s  %-9s  %6s  %s%n",
        "media", "state", "flip p", "recent clips (low=ok, high=swapped)");

    List<AudioWindow> windows = new ArrayList<>();
    DemoView view = new DemoView(streamId);
    try (PipelineWatcher watcher =
        new PipelineWatcher(
            pipeline.stack().bootstrapServers(), pipeline.stack().registryUrl(), view::accept)) {
      CompletableFuture<IngestResult> ingest =
          pipeline.ingest(
              options,
              w -> {
                synchronized (windows) {
                  windows.add(w);
                }
              });
      IngestResult result = null;
      while (result == null) {
        try {
          result = ingest.get(1, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
          view.printLine(out);
          String failure = pipeline.failure();
          if (failure != null) {
            out.println("earshot demo: " + failure + "; see the log above");
            return EXIT_START_FAILED;
          }
        } catch (ExecutionException e) {
          if (e.getCause() instanceof MediaInputException bad) {
            out.println("earshot demo: " + bad.getMessage());
            return EarshotCli.EXIT_BAD_INPUT;
          }
          throw e;
        }
      }
      // The last clips are still in the job: give them a few seconds.
      for (int i = 0; i < 6; i++) {
        Thread.sleep(1000);
        view.printLine(out);
      }
      out.printf(
          "%nIngested %d frames and %d audio windows (%.1f s of media).%n",
          result.frames(), result.windows(), result.mediaSeconds());
      List<AudioWindow> ws;
      synchronized (windows) {
        ws = List.copyOf(windows);
      }
      return summary(out, watcher, ws, swap);
    }
  }

  /** Prints what happened; returns the exit code. */
  private int summary(
      PrintStream out, PipelineWatcher watcher, List<AudioWindow> windows, double swap) {
    List<PipelineWatcher.Event> predictions = watcher.predictions(streamId);
    long scored =
        predictions.stream()
            .filter(e -> e.prediction().getStatus() == PredictionStatus.SCORED)
            .count();
    out.printf("Scored %d clips (%d without signal).%n", scored, predictions.size() - scored);
    List<PipelineWatcher.Event> alerts = watcher.alerts(streamId);
    if (windows.isEmpty()) {
      out.println("No audio arrived: nothing to judge.");
      return EXIT_DETECTION_FAILED;
    }
    long firstPts = windows.get(0).getStartPtsMicros();
    if (swap < 0) {
      List<PipelineWatcher.Event> alarms = alarms(alerts, Long.MAX_VALUE);
      out.printf(
          "Alerts: %s%n",
          alarms.isEmpty() ? "none (no SUSPECT or FLIPPED)" : describe(alarms, firstPts));
      return 0;
    }
    long swapPts = firstPts + Math.round(swap * 1e6);
    double swapWall = wallClockOf(windows, swapPts);
    if (Double.isNaN(swapWall)) {
      out.println("The stream ended before the swap; nothing to detect.");
      return EXIT_DETECTION_FAILED;
    }
    List<PipelineWatcher.Event> falseAlarms = alarms(alerts, (long) swapWall);
    PipelineWatcher.Event flipped =
        alerts.stream()
            .filter(
                e ->
                    e.alert().getToState() == StreamState.FLIPPED && e.receivedMillis() >= swapWall)
            .findFirst()
            .orElse(null);
    if (flipped == null) {
      out.printf("The swap at %.1f s was NOT detected: no FLIPPED alert arrived.%n", swap);
    } else {
      out.printf(
          Locale.ROOT,
          "Swap at %.1f s of media detected: FLIPPED %.1f s after the swapped audio reached"
              + " Earshot (confidence %.2f, model %s).%n",
          swap,
          (flipped.receivedMillis() - swapWall) / 1000.0,
          flipped.alert().getConfidence(),
          flipped.alert().getModelVersion());
      out.println("While FLIPPED the monitor swaps the channels back on av.audio.corrected.");
    }
    out.printf(
        "False alarms before the swap: %s%n",
        falseAlarms.isEmpty() ? "none" : describe(falseAlarms, firstPts));
    return flipped != null && falseAlarms.isEmpty() ? 0 : EXIT_DETECTION_FAILED;
  }

  /** SUSPECT or FLIPPED alerts received before {@code beforeMillis}. */
  private static List<PipelineWatcher.Event> alarms(
      List<PipelineWatcher.Event> alerts, long beforeMillis) {
    return alerts.stream()
        .filter(
            e ->
                e.receivedMillis() < beforeMillis
                    && (e.alert().getToState() == StreamState.SUSPECT
                        || e.alert().getToState() == StreamState.FLIPPED))
        .toList();
  }

  private static String describe(List<PipelineWatcher.Event> alerts, long firstPts) {
    StringBuilder b = new StringBuilder();
    for (PipelineWatcher.Event e : alerts) {
      Alert a = e.alert();
      b.append(
          String.format(
              Locale.ROOT,
              "%n  %s -> %s at the clip starting %.1f s (confidence %.2f)",
              a.getFromState(),
              a.getToState(),
              a.getClipStartMicros() == null
                  ? Double.NaN
                  : (a.getClipStartMicros() - firstPts) / 1e6,
              a.getConfidence()));
    }
    return b.toString();
  }

  /** Wall-clock (ms) at which media time {@code pts} reached the ingester; NaN if it never did. */
  static double wallClockOf(List<AudioWindow> windows, long pts) {
    for (AudioWindow w : windows) {
      long end = w.getStartPtsMicros() + w.getFrameCount() * 1_000_000L / w.getSampleRate();
      if (pts >= w.getStartPtsMicros() && pts < end) {
        // A window is sent once its last sample was read: step back to the moment itself.
        return w.getIngestTimeMillis().toEpochMilli() - (end - pts) / 1000.0;
      }
    }
    return Double.NaN;
  }

  private void printUrls(LivePipeline pipeline, PrintStream out) {
    out.println();
    out.println(
        follow
            ? "Open these while it runs:"
            : "While it runs (add --follow to keep it running after the input ends):");
    out.printf("  operator page    %s%n", pipeline.operatorUrl());
    out.printf("  streams API      %sapi/streams%n", pipeline.operatorUrl());
    out.printf("  monitor metrics  %smetrics%n", pipeline.operatorUrl());
    out.printf("  job metrics      %s%n", pipeline.jobMetricsUrl());
    out.printf(
        "  Kafka %s, schema registry %s%n",
        pipeline.stack().bootstrapServers(), pipeline.stack().registryUrl());
  }

  /** The live terminal view of one stream: a line per second, alerts as they arrive. */
  static final class DemoView {
    private static final String BARS = "▁▂▃▄▅▆▇█";
    private final String streamId;
    private final List<Double> recent = new ArrayList<>();
    private ClipPrediction latest;
    private Long firstClipStart;
    private StreamState state = StreamState.UNKNOWN;
    private final List<String> pendingAlerts = new ArrayList<>();
    private ClipPrediction printed;
    private boolean waitingShown;

    DemoView(String streamId) {
      this.streamId = streamId;
    }

    synchronized void accept(PipelineWatcher.Event e) {
      if (!e.streamId().equals(streamId)) {
        return;
      }
      if (e.prediction() != null) {
        ClipPrediction p = e.prediction();
        if (firstClipStart == null) {
          firstClipStart = p.getClipStartMicros();
        }
        latest = p;
        if (p.getFlipProbability() != null) {
          recent.add(p.getFlipProbability());
          if (recent.size() > 24) {
            recent.remove(0);
          }
        }
      } else {
        Alert a = e.alert();
        state = a.getToState();
        pendingAlerts.add(
            String.format(
                Locale.ROOT,
                "  >> %s: %s -> %s (smoothed flip probability %.2f)",
                streamId,
                a.getFromState(),
                a.getToState(),
                a.getConfidence()));
      }
    }

    synchronized void printLine(PrintStream out) {
      pendingAlerts.forEach(out::println);
      pendingAlerts.clear();
      if (latest == null) {
        if (!waitingShown) {
          out.println("      ...  waiting for the first clip (clips are 3 s long)");
          waitingShown = true;
        }
        return;
      }
      if (latest == printed) {
        return;
      }
      printed = latest;
      StringBuilder spark = new StringBuilder();
      for (double p : recent) {
        spark.append(BARS.charAt((int) Math.min(BARS.length() - 1, Math.floor(p * BARS.length()))));
      }
      double media = (latest.getClipEndMicros() - firstClipStart) / 1e6;
      out.printf(
          Locale.ROOT,
          "  %6.1fs  %-9s  %6s  %s%n",
          media,
          state == StreamState.UNKNOWN ? "-" : state.name(),
          latest.getFlipProbability() == null
              ? "n/a"
              : String.format(Locale.ROOT, "%.2f", latest.getFlipProbability()),
          spark);
      out.flush();
    }
  }
}
