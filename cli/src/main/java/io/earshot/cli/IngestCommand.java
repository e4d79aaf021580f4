package io.earshot.cli;

import io.earshot.connectors.media.IngestMetrics;
import io.earshot.connectors.media.IngestOptions;
import io.earshot.connectors.media.IngestProgress;
import io.earshot.connectors.media.IngestResult;
import io.earshot.connectors.media.InputPolicy;
import io.earshot.connectors.media.KafkaIngestSink;
import io.earshot.connectors.media.MediaIngestor;
import io.earshot.connectors.media.MediaInputException;
import io.earshot.stack.Ports;
import io.earshot.stack.Reachability;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ./earshot ingest}: decode a file or live URL and produce frames and audio to Kafka. */
@Command(
    name = "ingest",
    mixinStandardHelpOptions = true,
    description =
        "Decode a file or stream URL (file, HTTP/HLS, RTMP, SRT, RTSP, UDP/TCP MPEG-TS) and produce"
            + " sampled frames and audio windows to Kafka.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:done",
      "1:failed (e.g. Kafka unreachable)",
      "2:invalid option",
      "3:the input cannot be used (missing, empty, corrupt, no audio, mono, ...)",
      "4:the input ended early (truncated or corrupt); what came before was ingested"
    })
final class IngestCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "<file-or-url>", description = "Media file or stream URL.")
  String input;

  @Option(names = "--stream-id", required = true, description = "Stream identifier (record key).")
  String streamId;

  @Mixin StackOptions stack;

  @Option(
      names = "--fps",
      defaultValue = "6",
      description = "Frames sampled per second (default ${DEFAULT-VALUE}).")
  double fps;

  @Option(
      names = "--width",
      defaultValue = "320",
      description = "Frame width in pixels (default ${DEFAULT-VALUE}).")
  int width;

  @Option(
      names = "--height",
      defaultValue = "0",
      description = "Frame height in pixels; 0 keeps the aspect ratio (default).")
  int height;

  @Option(
      names = "--sample-rate",
      defaultValue = "16000",
      description = "Audio sample rate (default ${DEFAULT-VALUE}).")
  int sampleRate;

  @Option(
      names = "--window-ms",
      defaultValue = "500",
      description = "Audio window length in ms (default ${DEFAULT-VALUE}).")
  int windowMs;

  @Option(
      names = "--jpeg-quality",
      defaultValue = "85",
      description = "JPEG quality 1-100 (default ${DEFAULT-VALUE}).")
  int jpegQuality;

  @Option(names = "--realtime", description = "Pace a file like a live source.")
  boolean realtime;

  @Option(
      names = "--ambisonics",
      description = "Treat 4-channel audio as first-order ambisonics (ACN/SN3D).")
  boolean ambisonics;

  @Option(
      names = "--no-reconnect",
      negatable = false,
      description = "Do not reopen a live input when it drops.")
  boolean noReconnect;

  @Option(
      names = "--max-reconnects",
      defaultValue = "0",
      description = "Give up after this many failed reconnects; 0 = keep trying (default).")
  int maxReconnects;

  @Option(
      names = "--timeout-s",
      defaultValue = "10",
      description = "Network open/read timeout in seconds (default ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  @Option(
      names = "--metrics-port",
      paramLabel = "PORT",
      description =
          "Serve Prometheus metrics on http://127.0.0.1:PORT/metrics while ingesting (frames,"
              + " audio windows, bytes, Kafka producer); 0 picks a free port; off by default.")
  Integer metricsPort;

  IngestOptions options() {
    return new IngestOptions(
        input,
        streamId,
        fps,
        width,
        height,
        sampleRate,
        windowMs,
        jpegQuality,
        realtime,
        ambisonics,
        !noReconnect,
        maxReconnects,
        Duration.ofSeconds(timeoutSeconds));
  }

  @Override
  public Integer call() {
    IngestOptions options = options();
    if (!InputPolicy.isNetwork(input)) {
      try {
        InputPolicy.requireReadableFile(input);
      } catch (MediaInputException e) {
        System.err.println("earshot: " + e.getMessage());
        return EarshotCli.EXIT_BAD_INPUT;
      }
    }
    Reachability.requireKafka(stack.bootstrapServers, Duration.ofSeconds(5));
    Reachability.requireRegistry(stack.registryUrl, Duration.ofSeconds(5));
    IngestMetrics metrics = metricsPort == null ? null : new IngestMetrics();
    try (HTTPServer endpoint = metrics == null ? null : serve(metrics);
        KafkaIngestSink sink =
            new KafkaIngestSink(stack.bootstrapServers, stack.registryUrl, metrics);
        Progress progress = new Progress(InputPolicy.redact(input))) {
      MediaIngestor ingestor = new MediaIngestor(options, sink, progress);
      CountDownLatch finished = new CountDownLatch(1);
      Thread hook =
          new Thread(
              () -> {
                ingestor.stop();
                awaitQuietly(finished);
              },
              "ingest-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      try {
        IngestResult result = ingestor.run();
        progress.close();
        System.out.printf(
            "ingested %s as stream '%s': %d frames, %d audio windows (%.1f s of media) in %.1f s%s%n",
            InputPolicy.redact(input),
            streamId,
            result.frames(),
            result.windows(),
            result.mediaSeconds(),
            result.wallSeconds(),
            result.reconnects() > 0 ? ", " + result.reconnects() + " reconnects" : "");
        if (result.warning() != null) {
          System.err.println("earshot: warning: " + result.warning());
          return EarshotCli.EXIT_PARTIAL;
        }
        return 0;
      } catch (MediaInputException e) {
        progress.close();
        System.err.println("earshot: " + e.getMessage());
        return EarshotCli.EXIT_BAD_INPUT;
      } finally {
        finished.countDown();
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
          // already running
        }
      }
    }
  }

  private HTTPServer serve(IngestMetrics metrics) {
    int port = Ports.resolve(metricsPort, "ingest metrics endpoint");
    try {
      HTTPServer server = metrics.serve("127.0.0.1", port);
      System.err.printf("earshot: ingest metrics at http://127.0.0.1:%d/metrics%n", port);
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve ingest metrics on 127.0.0.1:" + port, e);
    }
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(15, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A progress bar for files (known duration) and a status line for live inputs. */
  static final class Progress implements Consumer<IngestProgress>, AutoCloseable {
    private final String name;
    private ProgressBar bar;
    private boolean closed;

    Progress(String name) {
      this.name = name;
    }

    @Override
    public void accept(IngestProgress p) {
      if (closed) {
        return;
      }
      if (bar == null) {
        ProgressBarBuilder builder =
            new ProgressBarBuilder()
                .setTaskName("ingest " + shortName())
                .setStyle(ProgressBarStyle.ASCII)
                .setUnit(" s", 10)
                .setUpdateIntervalMillis(500)
                .setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(System.err))
                .showSpeed();
        builder.setInitialMax(p.durationSeconds() > 0 ? Math.round(p.durationSeconds() * 10) : -1);
        bar = builder.build();
      }
      bar.stepTo(Math.round(p.positionSeconds() * 10));
      bar.setExtraMessage(
          String.format(" %.2fx  %d frames  %d windows", p.speed(), p.frames(), p.windows()));
    }

    private String shortName() {
      int slash = name.lastIndexOf('/');
      String n = slash >= 0 && slash < name.length() - 1 ? name.substring(slash + 1) : name;
      return n.length() > 24 ? n.substring(0, 21) + "..." : n;
    }

    @Override
    public void close() {
      if (!closed && bar != null) {
        bar.close();
      }
      closed = true;
    }
  }
}
