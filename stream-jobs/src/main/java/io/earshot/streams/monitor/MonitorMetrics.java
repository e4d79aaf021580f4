package io.earshot.streams.monitor;

import io.earshot.avro.ClipPrediction;
import io.earshot.domain.MonitorState;
import io.earshot.domain.StateTransition;
import io.earshot.domain.StreamStatus;
import io.earshot.domain.Topics;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.Collection;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The FlipMonitor's Prometheus metrics, in a registry of its own (so two monitors in one JVM, as in
 * tests, do not share counters). Names are constants because alert rules and dashboards under
 * {@code ops/} use them.
 *
 * <p>Per-record facts are counters and histograms updated by the processors. Per-stream gauges are
 * computed at scrape time from this instance's state stores, so each stream is reported by exactly
 * the instance that owns it and a fleet is summed with {@code sum by (state)}.
 */
public final class MonitorMetrics {

  public static final String PREFIX = "earshot_monitor_";
  public static final String PREDICTIONS = PREFIX + "predictions";
  public static final String IGNORED = PREFIX + "predictions_ignored";
  public static final String ALERTS = PREFIX + "alerts";
  public static final String CORRECTED = PREFIX + "corrected_windows";
  public static final String DEAD_LETTERS = PREFIX + "dead_letters";
  public static final String END_TO_END = PREFIX + "end_to_end_latency";
  public static final String INFERENCE = PREFIX + "inference_latency";
  public static final String STREAMS = PREFIX + "streams";
  public static final String STREAM_STATE = PREFIX + "stream_state";
  public static final String STREAM_PROBABILITY = PREFIX + "stream_flip_probability";
  public static final String STREAM_AGE = PREFIX + "stream_last_prediction_age_seconds";
  public static final String STREAM_SWAP = PREFIX + "stream_swap_active";
  public static final String APP_STATE = PREFIX + "kafka_streams_state";
  public static final String INPUT_LAG = PREFIX + "input_lag_records";

  private static final double[] LATENCY_BUCKETS = {
    0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 7.5, 10, 15, 30, 60
  };

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Counter predictions;
  private final Counter ignored;
  private final Counter alerts;
  private final Counter corrected;
  private final Counter deadLetters;
  private final Histogram endToEnd;
  private final Histogram inference;

  public MonitorMetrics() {
    predictions =
        Counter.builder()
            .name(PREDICTIONS)
            .help("Predictions processed, by status (SCORED or NO_SIGNAL).")
            .labelNames("status")
            .register(registry);
    ignored =
        Counter.builder()
            .name(IGNORED)
            .help(
                "Predictions ignored: late (clip older than the newest processed), duplicate,"
                    + " invalid.")
            .labelNames("reason")
            .register(registry);
    alerts =
        Counter.builder()
            .name(ALERTS)
            .help("State changes published on av.alerts, by new state.")
            .labelNames("to_state")
            .register(registry);
    corrected =
        Counter.builder()
            .name(CORRECTED)
            .help(
                "Audio windows written to av.audio.corrected: swapped, passed (no swap active),"
                    + " unsupported_layout.")
            .labelNames("action")
            .register(registry);
    deadLetters =
        Counter.builder()
            .name(DEAD_LETTERS)
            .help("Undecodable input records sent to av.deadletter, by source topic.")
            .labelNames("topic")
            .register(registry);
    endToEnd =
        Histogram.builder()
            .name(END_TO_END)
            .unit(Unit.SECONDS)
            .help("From ingest of a clip's newest frame or window to the monitor processing it.")
            .classicOnly()
            .classicUpperBounds(LATENCY_BUCKETS)
            .register(registry);
    inference =
        Histogram.builder()
            .name(INFERENCE)
            .unit(Unit.SECONDS)
            .help("Model inference time of the batch that scored a clip, as reported by the job.")
            .classicOnly()
            .classicUpperBounds(LATENCY_BUCKETS)
            .register(registry);
    for (MonitorState s : MonitorState.values()) {
      alerts.labelValues(s.name()); // every state visible at 0 before its first alert
    }
    for (String reason : new String[] {"late", "duplicate", "invalid"}) {
      ignored.labelValues(reason);
    }
    predictions.labelValues("SCORED");
    predictions.labelValues("NO_SIGNAL");
    for (String action : new String[] {"swapped", "passed", "unsupported_layout"}) {
      corrected.labelValues(action);
    }
    for (String topic :
        new String[] {
          Topics.PREDICTIONS, Topics.AUDIO_WINDOWS, Topics.VIDEO_FRAMES, Topics.TRACKS
        }) {
      deadLetters.labelValues(topic);
    }
    JvmMetrics.builder().register(registry);
  }

  public PrometheusRegistry registry() {
    return registry;
  }

  void prediction(ClipPrediction p, long nowMillis) {
    predictions.labelValues(p.getStatus().name()).inc();
    if (p.getNewestIngestTimeMillis() != null) {
      long ms = nowMillis - p.getNewestIngestTimeMillis().toEpochMilli();
      if (ms >= 0) {
        endToEnd.observe(ms / 1000.0);
      }
    }
    if (p.getInferenceStartMillis() != null && p.getInferenceEndMillis() != null) {
      long ms =
          p.getInferenceEndMillis().toEpochMilli() - p.getInferenceStartMillis().toEpochMilli();
      if (ms >= 0) {
        inference.observe(ms / 1000.0);
      }
    }
  }

  void ignored(String reason) {
    ignored.labelValues(reason).inc();
  }

  void alert(StateTransition t) {
    alerts.labelValues(t.to().name()).inc();
  }

  void corrected(String action) {
    corrected.labelValues(action).inc();
  }

  void deadLetter(String topic) {
    deadLetters.labelValues(topic).inc();
  }

  /** Current value of a counter series (tests and the CLI summary). */
  public double count(String name, String labelValue) {
    Counter c =
        switch (name) {
          case PREDICTIONS -> predictions;
          case IGNORED -> ignored;
          case ALERTS -> alerts;
          case CORRECTED -> corrected;
          case DEAD_LETTERS -> deadLetters;
          default -> throw new IllegalArgumentException("no counter " + name);
        };
    return c.labelValues(labelValue).get();
  }

  /**
   * Registers the gauges computed at scrape time from the running application.
   *
   * @param localStatuses statuses of the streams this instance owns
   * @param appState Kafka Streams client state name
   * @param lagByTopic records behind the end of each input topic, summed over partitions
   * @param clock wall clock in ms
   */
  void bindRuntime(
      Supplier<Collection<StreamStatus>> localStatuses,
      Supplier<String> appState,
      Supplier<Map<String, Double>> lagByTopic,
      LongSupplier clock) {
    GaugeWithCallback.builder()
        .name(STREAMS)
        .help("Streams owned by this instance, by state.")
        .labelNames("state")
        .callback(
            cb -> {
              Map<MonitorState, Integer> counts = new EnumMap<>(MonitorState.class);
              for (MonitorState s : MonitorState.values()) {
                counts.put(s, 0);
              }
              localStatuses.get().forEach(s -> counts.merge(s.state(), 1, Integer::sum));
              counts.forEach((state, n) -> cb.call(n, state.name()));
            })
        .register(registry);
    GaugeWithCallback.builder()
        .name(STREAM_STATE)
        .help("1 for the current state of each stream (only the current state is exported).")
        .labelNames("stream_id", "state")
        .callback(
            cb -> localStatuses.get().forEach(s -> cb.call(1, s.streamId(), s.state().name())))
        .register(registry);
    GaugeWithCallback.builder()
        .name(STREAM_PROBABILITY)
        .help("Smoothed flip probability of each stream (0..1).")
        .labelNames("stream_id")
        .callback(
            cb ->
                localStatuses.get().stream()
                    .filter(s -> s.smoothed() != null)
                    .forEach(s -> cb.call(s.smoothed(), s.streamId())))
        .register(registry);
    GaugeWithCallback.builder()
        .name(STREAM_AGE)
        .help("Seconds since the newest prediction of each stream was processed.")
        .labelNames("stream_id")
        .callback(
            cb -> {
              long now = clock.getAsLong();
              localStatuses
                  .get()
                  .forEach(s -> cb.call((now - s.lastSeenMillis()) / 1000.0, s.streamId()));
            })
        .register(registry);
    GaugeWithCallback.builder()
        .name(STREAM_SWAP)
        .help("1 while a stream's channels are being swapped back on av.audio.corrected.")
        .labelNames("stream_id")
        .callback(
            cb -> localStatuses.get().forEach(s -> cb.call(s.swapActive() ? 1 : 0, s.streamId())))
        .register(registry);
    GaugeWithCallback.builder()
        .name(APP_STATE)
        .help("1 for the current Kafka Streams client state (RUNNING, REBALANCING, ERROR...).")
        .labelNames("state")
        .callback(cb -> cb.call(1, appState.get()))
        .register(registry);
    GaugeWithCallback.builder()
        .name(INPUT_LAG)
        .help("Records behind the end of each input topic, summed over this instance's partitions.")
        .labelNames("topic")
        .callback(cb -> lagByTopic.get().forEach((topic, lag) -> cb.call(lag, topic)))
        .register(registry);
  }
}
