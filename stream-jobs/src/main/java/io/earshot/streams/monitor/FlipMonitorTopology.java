package io.earshot.streams.monitor;

import io.earshot.domain.FlipStateMachine;
import io.earshot.domain.Topics;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The FlipMonitor's processing graph, built by a pure function so tests drive it with {@code
 * TopologyTestDriver}.
 *
 * <pre>
 * av.predictions ─▶ monitor (status store, STALE punctuation) ─▶ av.alerts
 * av.audio.windows ─▶ correction (reads the status store) ─▶ av.audio.corrected   [if enabled]
 * av.video.frames ─▶ latest frame store;  av.tracks ─▶ latest track store          [operator view]
 * </pre>
 */
public final class FlipMonitorTopology {

  /** Per-stream {@link io.earshot.domain.StreamStatus}, persistent with a changelog. */
  public static final String STATUS_STORE = "flip-monitor-status";

  /** Newest {@code VideoFrame} per stream (raw bytes), in memory without changelog. */
  public static final String FRAME_STORE = "flip-monitor-latest-frame";

  /** Newest {@code SourceTrack} per stream (raw bytes), in memory without changelog. */
  public static final String TRACK_STORE = "flip-monitor-latest-track";

  private FlipMonitorTopology() {}

  /** Builds the topology; nothing is started. */
  public static Topology buildTopology(
      FlipMonitorConfig config, MonitorSerdes serdes, MonitorMetrics metrics) {
    Topology t = new Topology();
    FlipStateMachine machine = new FlipStateMachine(config.policy());
    t.addSource(
        "predictions",
        Serdes.String().deserializer(),
        serdes.predictions().deserializer(),
        Topics.PREDICTIONS);
    t.addProcessor(
        "monitor",
        () -> new PredictionProcessor(machine, config.punctuateInterval(), metrics),
        "predictions");
    t.addSink(
        "alerts",
        Topics.ALERTS,
        Serdes.String().serializer(),
        serdes.alerts().serializer(),
        "monitor");
    t.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(STATUS_STORE), Serdes.String(), new StreamStatusSerde()),
        "monitor");

    if (config.correction().any()) {
      t.addSource(
          "audio",
          Serdes.String().deserializer(),
          serdes.audio().deserializer(),
          Topics.AUDIO_WINDOWS);
      t.addProcessor(
          "correction", () -> new CorrectionProcessor(config.correction(), metrics), "audio");
      t.addSink(
          "corrected",
          Topics.CORRECTED_AUDIO,
          Serdes.String().serializer(),
          serdes.audio().serializer(),
          "correction");
      t.connectProcessorAndStateStores("correction", STATUS_STORE);
    }

    if (config.operatorView()) {
      latest(t, "frames", Topics.VIDEO_FRAMES, FRAME_STORE);
      latest(t, "tracks", Topics.TRACKS, TRACK_STORE);
    }
    return t;
  }

  private static void latest(Topology t, String name, String topic, String store) {
    t.addSource(name, Serdes.String().deserializer(), Serdes.ByteArray().deserializer(), topic);
    t.addProcessor("latest-" + name, () -> new LatestValueProcessor(store), name);
    // A view for people, rebuilt within a second from live traffic: no changelog needed.
    t.addStateStore(
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(store), Serdes.String(), Serdes.ByteArray())
            .withLoggingDisabled(),
        "latest-" + name);
    // Not read by the processor: connecting the status store puts frames and tracks in the same
    // sub-topology (same partition count, same key), so a stream's status, frame and track live
    // in one task and the instance that owns the stream answers for all three.
    t.connectProcessorAndStateStores("latest-" + name, STATUS_STORE);
  }
}
