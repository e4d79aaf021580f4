package io.earshot.streams.monitor;

import io.earshot.serde.TrustedAvroClasses;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The FlipMonitor as a standalone application (Kafka Streams, exactly-once v2).
 *
 * <p>Inputs: {@code av.predictions} (ClipPrediction), optionally {@code av.audio.windows} (for
 * correction), {@code av.video.frames} and {@code av.tracks} (operator page). Outputs: {@code
 * av.alerts} (Alert, one per state change), {@code av.audio.corrected} (AudioWindow), {@code
 * av.deadletter} (undecodable input). Serves the operator page, {@code /api/streams} and {@code
 * /metrics} on {@code http-host:http-port}.
 *
 * <p>Run: {@code ./earshot monitor [--http-port 8090] [--correct-streams cam-1,cam-2]}, or this
 * class with {@code --option=value} arguments named as in {@link FlipMonitorConfig#DEFAULTS}.
 */
public final class FlipMonitorApp {

  private static final Logger LOG = LoggerFactory.getLogger(FlipMonitorApp.class);

  static {
    TrustedAvroClasses.install();
  }

  private FlipMonitorApp() {}

  public static void main(String[] args) throws InterruptedException {
    System.exit(run(FlipMonitorConfig.from(parse(args)), System.out));
  }

  /**
   * Runs until the JVM is asked to stop or the instance fails; returns the exit code (0 after a
   * clean stop, 1 when Kafka Streams failed).
   *
   * @param out where the URLs it serves are printed once it listens
   */
  public static int run(FlipMonitorConfig config, PrintStream out) throws InterruptedException {
    CountDownLatch shutdown = new CountDownLatch(1);
    try (FlipMonitor monitor = FlipMonitor.start(config)) {
      // The JVM waits for hooks, not for main: the hook itself closes the monitor.
      Thread hook =
          new Thread(
              () -> {
                monitor.close();
                shutdown.countDown();
              },
              "flip-monitor-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      LOG.info("flip monitor serving {}", monitor.url());
      out.printf(
          "flip monitor on %s (operator page), %sapi/streams, %smetrics%n",
          monitor.url(), monitor.url(), monitor.url());
      out.flush();
      Thread watcher =
          new Thread(
              () -> {
                try {
                  monitor.awaitStopped();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
                shutdown.countDown();
              },
              "flip-monitor-watch");
      watcher.setDaemon(true);
      watcher.start();
      shutdown.await();
      return monitor.state() == KafkaStreams.State.ERROR ? 1 : 0;
    }
  }

  /** {@code --name=value} or {@code --name value} pairs into option names. */
  static Map<String, String> parse(String[] args) {
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--")) {
        throw new IllegalArgumentException("expected --option=value, got " + a);
      }
      int eq = a.indexOf('=');
      if (eq > 0) {
        out.put(a.substring(2, eq), a.substring(eq + 1));
      } else if (i + 1 < args.length) {
        out.put(a.substring(2), args[++i]);
      } else {
        throw new IllegalArgumentException(a + " needs a value");
      }
    }
    return out;
  }
}
