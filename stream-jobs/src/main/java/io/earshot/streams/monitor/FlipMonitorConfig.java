package io.earshot.streams.monitor;

import io.earshot.domain.MonitorPolicy;
import io.earshot.serde.SerdeConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Configuration of the FlipMonitor. Built with {@link #from(Map)} from option names (the same names
 * as the {@code ./earshot monitor} options without their dashes prefix); every default is written
 * once, in {@link #DEFAULTS}.
 *
 * @param bootstrapServers Kafka bootstrap servers
 * @param registryUrl schema registry URL (Confluent API)
 * @param applicationId Kafka Streams application id: instances sharing it split the streams
 * @param httpHost interface of the HTTP server (API, operator page, metrics); loopback by default
 * @param httpPort its port, 0 for any free port
 * @param stateDir Kafka Streams state directory
 * @param policy smoothing, hysteresis and staleness rules
 * @param punctuateInterval how often streams are checked for staleness (wall clock)
 * @param correction which streams get their channels swapped back on {@code av.audio.corrected}
 * @param commitInterval exactly-once commit interval: bounds the delay before an alert is visible
 *     to read-committed consumers
 * @param operatorView whether the latest frame and sound-source track of each stream are kept for
 *     the operator page (consumes {@code av.video.frames} and {@code av.tracks})
 */
public record FlipMonitorConfig(
    String bootstrapServers,
    String registryUrl,
    String applicationId,
    String httpHost,
    int httpPort,
    Path stateDir,
    MonitorPolicy policy,
    Duration punctuateInterval,
    CorrectionPolicy correction,
    Duration commitInterval,
    boolean operatorView) {

  /** Kafka Streams application id (also the prefix of its internal topics). */
  public static final String APPLICATION_ID = "earshot-flip-monitor";

  /** Default HTTP port of the monitor. */
  public static final int DEFAULT_HTTP_PORT = 8090;

  /** Every option with its default; the only place defaults are written. */
  public static final Map<String, String> DEFAULTS;

  static {
    MonitorPolicy p = MonitorPolicy.DEFAULT;
    Map<String, String> d = new LinkedHashMap<>();
    d.put("bootstrap-servers", "127.0.0.1:9092");
    d.put("registry-url", "http://127.0.0.1:8081/apis/ccompat/v7");
    d.put("application-id", APPLICATION_ID);
    d.put("http-host", "127.0.0.1");
    d.put("http-port", String.valueOf(DEFAULT_HTTP_PORT));
    d.put(
        "state-dir",
        Path.of(System.getProperty("java.io.tmpdir"), "earshot-flip-monitor").toString());
    d.put("smoothing", String.valueOf(p.smoothing()));
    d.put("flip-threshold", String.valueOf(p.flipThreshold()));
    d.put("suspect-threshold", String.valueOf(p.suspectThreshold()));
    d.put("ok-threshold", String.valueOf(p.okThreshold()));
    d.put("confirm-clips", String.valueOf(p.confirmClips()));
    d.put("no-signal-clips", String.valueOf(p.noSignalClips()));
    d.put("stale-after-ms", String.valueOf(p.staleAfter().toMillis()));
    d.put("history-size", String.valueOf(p.historySize()));
    d.put("punctuate-interval-ms", "1000");
    d.put("correct-streams", "");
    d.put("commit-interval-ms", "100");
    d.put("operator-view", "true");
    DEFAULTS = Map.copyOf(d);
  }

  public FlipMonitorConfig {
    require(bootstrapServers, "bootstrap-servers");
    require(registryUrl, "registry-url");
    require(applicationId, "application-id");
    require(httpHost, "http-host");
    if (httpPort < 0 || httpPort > 65535) {
      throw new IllegalArgumentException("http-port must be in 0..65535, got " + httpPort);
    }
    if (punctuateInterval.isNegative() || punctuateInterval.isZero()) {
      throw new IllegalArgumentException("punctuate-interval-ms must be positive");
    }
    if (commitInterval.isNegative() || commitInterval.isZero()) {
      throw new IllegalArgumentException("commit-interval-ms must be positive");
    }
  }

  /**
   * Reads options by name; missing ones take their default.
   *
   * @throws IllegalArgumentException naming the option when one is unknown or invalid
   */
  public static FlipMonitorConfig from(Map<String, String> options) {
    for (String key : options.keySet()) {
      if (!DEFAULTS.containsKey(key)) {
        throw new IllegalArgumentException(
            "unknown option " + key + "; known: " + String.join(", ", DEFAULTS.keySet()));
      }
    }
    Map<String, String> o = new LinkedHashMap<>(DEFAULTS);
    options.forEach((k, v) -> o.put(k, v == null ? "" : v.strip()));
    MonitorPolicy policy =
        new MonitorPolicy(
            number(o, "smoothing"),
            number(o, "flip-threshold"),
            number(o, "suspect-threshold"),
            number(o, "ok-threshold"),
            integer(o, "confirm-clips"),
            integer(o, "no-signal-clips"),
            Duration.ofMillis(integer(o, "stale-after-ms")),
            integer(o, "history-size"));
    return new FlipMonitorConfig(
        o.get("bootstrap-servers"),
        o.get("registry-url"),
        o.get("application-id"),
        o.get("http-host"),
        integer(o, "http-port"),
        Path.of(o.get("state-dir")),
        policy,
        Duration.ofMillis(integer(o, "punctuate-interval-ms")),
        CorrectionPolicy.parse(o.get("correct-streams")),
        Duration.ofMillis(integer(o, "commit-interval-ms")),
        bool(o, "operator-view"));
  }

  /** Kafka Streams properties: exactly-once v2, the HTTP endpoint as the IQ application server. */
  public Properties streamsProperties(int actualHttpPort) {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitInterval.toMillis());
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    p.put(StreamsConfig.APPLICATION_SERVER_CONFIG, httpHost + ":" + actualHttpPort);
    p.put(
        StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
        DeadLetterHandler.class.getName());
    p.put(SerdeConfig.REGISTRY_URL, registryUrl);
    return p;
  }

  private static void require(String value, String option) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(option + " must not be empty");
    }
  }

  private static double number(Map<String, String> o, String key) {
    try {
      return Double.parseDouble(o.get(key));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a number, got '" + o.get(key) + "'", e);
    }
  }

  private static int integer(Map<String, String> o, String key) {
    try {
      return Integer.parseInt(o.get(key));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be an integer, got '" + o.get(key) + "'", e);
    }
  }

  private static boolean bool(Map<String, String> o, String key) {
    String v = o.get(key);
    if (!v.equals("true") && !v.equals("false")) {
      throw new IllegalArgumentException(key + " must be true or false, got '" + v + "'");
    }
    return Boolean.parseBoolean(v);
  }

  /**
   * Which streams are auto-corrected: none (empty), all ({@code *}) or a comma-separated list.
   *
   * @param all every stream
   * @param streams the listed streams when not all
   */
  public record CorrectionPolicy(boolean all, Set<String> streams) {

    public CorrectionPolicy {
      streams = Set.copyOf(streams);
    }

    static CorrectionPolicy parse(String spec) {
      if (spec.equals("*")) {
        return new CorrectionPolicy(true, Set.of());
      }
      Set<String> ids =
          Arrays.stream(spec.split(","))
              .map(String::strip)
              .filter(s -> !s.isEmpty())
              .collect(Collectors.toSet());
      if (ids.contains("*")) {
        throw new IllegalArgumentException(
            "correct-streams is either * or a list of stream ids, got '" + spec + "'");
      }
      return new CorrectionPolicy(false, ids);
    }

    /** Whether the stream's corrected audio is produced. */
    public boolean enabled(String streamId) {
      return all || streams.contains(streamId);
    }

    /** Whether any stream is corrected at all (otherwise audio is not even consumed). */
    public boolean any() {
      return all || !streams.isEmpty();
    }
  }
}
