package io.earshot.cli;

import io.earshot.stack.Reachability;
import io.earshot.streams.monitor.FlipMonitorApp;
import io.earshot.streams.monitor.FlipMonitorConfig;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ./earshot monitor}: the FlipMonitor with its operator page, API and metrics. */
@Command(
    name = "monitor",
    mixinStandardHelpOptions = true,
    description =
        "Watch av.predictions per stream (hysteresis, NO_SIGNAL, STALE), publish state changes on"
            + " av.alerts, optionally swap channels back on av.audio.corrected; serves the"
            + " operator page, /api/streams and /metrics until Ctrl-C.")
final class MonitorCommand implements Callable<Integer> {

  @Mixin StackOptions stack;

  @Option(
      names = "--http-port",
      defaultValue = "" + FlipMonitorConfig.DEFAULT_HTTP_PORT,
      description =
          "Port of the operator page, API and metrics on 127.0.0.1 (default ${DEFAULT-VALUE}).")
  int httpPort;

  @Option(
      names = "--correct-streams",
      defaultValue = "",
      description = "Streams to auto-correct on av.audio.corrected: ids separated by commas, or *.")
  String correctStreams;

  @Option(
      names = "--state-dir",
      description = "Kafka Streams state directory (default: a directory under java.io.tmpdir).")
  String stateDir;

  @Option(
      names = "--set",
      paramLabel = "OPTION=VALUE",
      description =
          "Any other monitor option, e.g. --set flip-threshold=0.8 --set confirm-clips=4;"
              + " names: smoothing, flip-threshold, suspect-threshold, ok-threshold, confirm-clips,"
              + " no-signal-clips, stale-after-ms, history-size, application-id, operator-view.")
  List<String> settings = List.of();

  Map<String, String> options() {
    Map<String, String> o = new LinkedHashMap<>();
    for (String s : settings) {
      int eq = s.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("--set expects OPTION=VALUE, got " + s);
      }
      o.put(s.substring(0, eq).strip(), s.substring(eq + 1).strip());
    }
    o.put("bootstrap-servers", stack.bootstrapServers);
    o.put("registry-url", stack.registryUrl);
    o.put("http-port", String.valueOf(httpPort));
    o.put("correct-streams", correctStreams);
    if (stateDir != null) {
      o.put("state-dir", stateDir);
    }
    return o;
  }

  @Override
  public Integer call() throws Exception {
    FlipMonitorConfig config = FlipMonitorConfig.from(options());
    Reachability.requireKafka(config.bootstrapServers(), Duration.ofSeconds(5));
    Reachability.requireRegistry(config.registryUrl(), Duration.ofSeconds(5));
    return FlipMonitorApp.run(config, System.out);
  }
}
