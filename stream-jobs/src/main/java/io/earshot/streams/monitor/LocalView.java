package io.earshot.streams.monitor;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.earshot.avro.SourceTrack;
import io.earshot.avro.VideoFrame;
import io.earshot.domain.HistoryPoint;
import io.earshot.domain.StreamStatus;
import io.earshot.domain.Topics;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * What this instance knows: the streams of the partitions it owns, read from its local stores and
 * rendered as the JSON of the HTTP API. {@link QueryRouter} combines the views of all instances.
 */
final class LocalView {

  /** Points of the sparkline in the fleet list (the detail has the whole history). */
  static final int SPARKLINE_POINTS = 60;

  private final Function<String, ReadOnlyKeyValueStore<String, ?>> stores;
  private final MonitorSerdes serdes;
  private final FlipMonitorConfig.CorrectionPolicy correction;
  private final boolean operatorView;
  private final String instance;

  /**
   * @param stores opens a local store by name; throws {@link InvalidStateStoreException} while it
   *     cannot be queried
   * @param instance {@code host:port} of this instance, reported in every answer
   */
  LocalView(
      Function<String, ReadOnlyKeyValueStore<String, ?>> stores,
      MonitorSerdes serdes,
      FlipMonitorConfig.CorrectionPolicy correction,
      boolean operatorView,
      String instance) {
    this.stores = stores;
    this.serdes = serdes;
    this.correction = correction;
    this.operatorView = operatorView;
    this.instance = instance;
  }

  String instance() {
    return instance;
  }

  boolean operatorView() {
    return operatorView;
  }

  /** Statuses of every local stream, sorted by id. */
  List<StreamStatus> statuses() {
    List<StreamStatus> out = new ArrayList<>();
    try (KeyValueIterator<String, StreamStatus> it = statusStore().all()) {
      it.forEachRemaining(kv -> out.add(kv.value));
    }
    out.sort(Comparator.comparing(StreamStatus::streamId));
    return out;
  }

  /** Like {@link #statuses()}, but empty instead of failing while stores are unavailable. */
  List<StreamStatus> statusesOrEmpty() {
    try {
      return statuses();
    } catch (MonitorUnavailableException | InvalidStateStoreException e) {
      return List.of();
    }
  }

  /** The fleet list entries of the local streams. */
  ArrayNode list() {
    ArrayNode out = StreamStatusSerde.JSON.createArrayNode();
    statuses().forEach(s -> out.add(summary(s, SPARKLINE_POINTS)));
    return out;
  }

  /** One local stream with its whole history, latest track and whether a frame is available. */
  Optional<ObjectNode> detail(String streamId) {
    StreamStatus s = statusStore().get(streamId);
    if (s == null) {
      return Optional.empty();
    }
    ObjectNode node = summary(s, SPARKLINE_POINTS);
    ArrayNode history = node.putArray("history");
    for (HistoryPoint p : s.history()) {
      history.add(StreamStatusSerde.JSON.valueToTree(p));
    }
    node.putNull("track");
    node.put("frame", false);
    if (operatorView) {
      byte[] track = raw(FlipMonitorTopology.TRACK_STORE, streamId);
      if (track != null) {
        SourceTrack t = serdes.tracks().deserializer().deserialize(Topics.TRACKS, track);
        ObjectNode tn = node.putObject("track");
        tn.put("clipStartMicros", t.getClipStartMicros());
        if (t.getX() == null) {
          tn.putNull("x");
        } else {
          tn.put("x", t.getX());
        }
        tn.put("confidence", t.getConfidence());
        tn.put("method", t.getMethod().name());
      }
      node.put("frame", raw(FlipMonitorTopology.FRAME_STORE, streamId) != null);
    }
    return Optional.of(node);
  }

  /** The newest frame of a local stream as encoded (JPEG or PNG), with its media type. */
  Optional<Content> frame(String streamId) {
    if (!operatorView) {
      return Optional.empty();
    }
    byte[] raw = raw(FlipMonitorTopology.FRAME_STORE, streamId);
    if (raw == null) {
      return Optional.empty();
    }
    VideoFrame f = serdes.frames().deserializer().deserialize(Topics.VIDEO_FRAMES, raw);
    ByteBuffer image = f.getImage().duplicate();
    byte[] bytes = new byte[image.remaining()];
    image.get(bytes);
    return Optional.of(new Content("image/" + f.getEncoding().name().toLowerCase(), bytes));
  }

  private ObjectNode summary(StreamStatus s, int sparkPoints) {
    ObjectNode n = StreamStatusSerde.JSON.createObjectNode();
    n.put("streamId", s.streamId());
    n.put("state", s.state().name());
    n.put("sinceMillis", s.sinceMillis());
    if (s.smoothed() == null) {
      n.putNull("smoothed");
    } else {
      n.put("smoothed", s.smoothed());
    }
    n.put(
        "lastClipStartMicros",
        s.lastClipStartMicros() == Long.MIN_VALUE ? 0 : s.lastClipStartMicros());
    n.put("lastSeenMillis", s.lastSeenMillis());
    n.put("swapActive", s.swapActive());
    n.put("correction", correction.enabled(s.streamId()));
    n.put("modelVersion", s.modelVersion());
    n.put("instance", instance);
    ArrayNode spark = n.putArray("sparkline");
    List<HistoryPoint> h = s.history();
    for (HistoryPoint p : h.subList(Math.max(0, h.size() - sparkPoints), h.size())) {
      if (p.smoothed() == null) {
        spark.addNull();
      } else {
        spark.add(p.smoothed());
      }
    }
    return n;
  }

  @SuppressWarnings("unchecked")
  private ReadOnlyKeyValueStore<String, StreamStatus> statusStore() {
    return (ReadOnlyKeyValueStore<String, StreamStatus>) open(FlipMonitorTopology.STATUS_STORE);
  }

  @SuppressWarnings("unchecked")
  private byte[] raw(String store, String key) {
    return ((ReadOnlyKeyValueStore<String, byte[]>) open(store)).get(key);
  }

  private ReadOnlyKeyValueStore<String, ?> open(String store) {
    try {
      return stores.apply(store);
    } catch (InvalidStateStoreException e) {
      throw new MonitorUnavailableException(
          "store " + store + " is not queryable right now (" + e.getMessage() + ")", e);
    }
  }
}
