package io.earshot.streams.monitor;

import static io.earshot.streams.monitor.MonitorRecordsSupplier.prediction;
import static io.earshot.streams.monitor.MonitorRecordsSupplier.samples;
import static io.earshot.streams.monitor.MonitorRecordsSupplier.stereoSamples;
import static io.earshot.streams.monitor.MonitorRecordsSupplier.window;
import static org.assertj.core.api.Assertions.assertThat;

import io.earshot.avro.Alert;
import io.earshot.avro.AudioWindow;
import io.earshot.avro.ChannelLayout;
import io.earshot.avro.ClipPrediction;
import io.earshot.avro.SourceTrack;
import io.earshot.avro.StreamState;
import io.earshot.avro.VideoFrame;
import io.earshot.domain.MonitorState;
import io.earshot.domain.StreamStatus;
import io.earshot.domain.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlipMonitorTopologyTest {

  private static final Instant T0 = Instant.parse("2026-11-02T10:00:00Z");

  @TempDir Path stateDir;

  private final MonitorSerdes serdes = AvroBinarySerde.monitorSerdes();
  private final MonitorMetrics metrics = new MonitorMetrics();
  private TopologyTestDriver driver;
  private TestInputTopic<String, ClipPrediction> predictions;
  private TestInputTopic<String, AudioWindow> audio;
  private TestOutputTopic<String, Alert> alerts;
  private TestOutputTopic<String, AudioWindow> corrected;

  private void start(Map<String, String> options) {
    Map<String, String> o = new HashMap<>(options);
    o.put("state-dir", stateDir.toString());
    FlipMonitorConfig config = FlipMonitorConfig.from(o);
    Properties props = config.streamsProperties(8090);
    driver =
        new TopologyTestDriver(
            FlipMonitorTopology.buildTopology(config, serdes, metrics), props, T0);
    predictions =
        driver.createInputTopic(
            Topics.PREDICTIONS, Serdes.String().serializer(), serdes.predictions().serializer());
    alerts =
        driver.createOutputTopic(
            Topics.ALERTS, Serdes.String().deserializer(), serdes.alerts().deserializer());
    if (config.correction().any()) {
      audio =
          driver.createInputTopic(
              Topics.AUDIO_WINDOWS, Serdes.String().serializer(), serdes.audio().serializer());
      corrected =
          driver.createOutputTopic(
              Topics.CORRECTED_AUDIO,
              Serdes.String().deserializer(),
              serdes.audio().deserializer());
    }
  }

  @AfterEach
  void close() {
    if (driver != null) {
      driver.close();
    }
  }

  /** One prediction per wall-clock second, clips numbered from {@code firstClip}. */
  private int feed(String stream, int firstClip, Double... probabilities) {
    int clip = firstClip;
    for (Double p : probabilities) {
      predictions.pipeInput(stream, prediction(stream, clip++, p, T0.toEpochMilli()));
      driver.advanceWallClockTime(Duration.ofSeconds(1));
    }
    return clip;
  }

  private static Double[] times(double p, int n) {
    Double[] out = new Double[n];
    Arrays.fill(out, p);
    return out;
  }

  private List<StreamState> targets(List<Alert> list) {
    return list.stream().map(Alert::getToState).toList();
  }

  private StreamStatus status(String stream) {
    KeyValueStore<String, StreamStatus> store =
        driver.getKeyValueStore(FlipMonitorTopology.STATUS_STORE);
    return store.get(stream);
  }

  @Test
  void shouldPublishEachStateChangeOnceWhenStreamFlips() {
    start(Map.of());

    int next = feed("cam-1", 0, times(0.05, 5));
    feed("cam-1", next, times(0.95, 8));

    List<Alert> out = alerts.readValuesToList();
    assertThat(targets(out))
        .containsExactly(StreamState.OK, StreamState.SUSPECT, StreamState.FLIPPED);
    Alert flipped = out.get(2);
    assertThat(flipped.getStreamId()).isEqualTo("cam-1");
    assertThat(flipped.getFromState()).isEqualTo(StreamState.SUSPECT);
    assertThat(flipped.getClipStartMicros()).isEqualTo(9 * MonitorRecordsSupplier.HOP_MICROS);
    assertThat(flipped.getConfidence()).isGreaterThan(0.7);
    assertThat(flipped.getModelVersion()).isEqualTo(MonitorRecordsSupplier.MODEL);
    assertThat(status("cam-1").state()).isEqualTo(MonitorState.FLIPPED);
    assertThat(metrics.count(MonitorMetrics.ALERTS, "FLIPPED")).isEqualTo(1);
    assertThat(metrics.count(MonitorMetrics.PREDICTIONS, "SCORED")).isEqualTo(13);
  }

  @Test
  void shouldKeepStreamsApartWhenSeveralAreMonitored() {
    start(Map.of());

    for (int clip = 0; clip < 6; clip++) {
      predictions.pipeInput("a", prediction("a", clip, 0.02, T0.toEpochMilli()));
      predictions.pipeInput("b", prediction("b", clip, 0.98, T0.toEpochMilli()));
    }

    assertThat(status("a").state()).isEqualTo(MonitorState.OK);
    assertThat(status("b").state()).isEqualTo(MonitorState.FLIPPED);
    assertThat(alerts.readKeyValuesToMap()).containsOnlyKeys("a", "b");
  }

  @Test
  void shouldGoStaleThroughPunctuationWhenPredictionsStop() {
    start(Map.of("stale-after-ms", "10000"));
    feed("cam-2", 0, times(0.05, 3));
    alerts.readValuesToList();

    driver.advanceWallClockTime(Duration.ofSeconds(8));
    assertThat(alerts.isEmpty()).isTrue();
    driver.advanceWallClockTime(Duration.ofSeconds(2));

    List<Alert> out = alerts.readValuesToList();
    assertThat(out).hasSize(1);
    assertThat(out.get(0).getFromState()).isEqualTo(StreamState.OK);
    assertThat(out.get(0).getToState()).isEqualTo(StreamState.STALE);
    assertThat(out.get(0).getClipStartMicros()).isNull();
    driver.advanceWallClockTime(Duration.ofSeconds(30));
    assertThat(alerts.isEmpty()).isTrue();
  }

  @Test
  void shouldIgnoreAndCountPredictionsWhenTheyArriveLateOrTwice() {
    start(Map.of());
    feed("cam-3", 5, times(0.05, 3)); // clips 5, 6, 7: OK

    feed("cam-3", 2, times(0.99, 3)); // clips 2, 3, 4: older than 7
    feed("cam-3", 7, 0.99); // clip 7 again

    assertThat(status("cam-3").state()).isEqualTo(MonitorState.OK);
    assertThat(status("cam-3").lastClipStartMicros())
        .isEqualTo(7 * MonitorRecordsSupplier.HOP_MICROS);
    assertThat(metrics.count(MonitorMetrics.IGNORED, "late")).isEqualTo(3);
    assertThat(metrics.count(MonitorMetrics.IGNORED, "duplicate")).isEqualTo(1);
    assertThat(targets(alerts.readValuesToList())).containsExactly(StreamState.OK);
  }

  @Test
  void shouldDeclareNoSignalWhenClipsCannotBeScored() {
    start(Map.of());
    int next = feed("cam-4", 0, times(0.05, 3));

    feed("cam-4", next, null, null, null);

    assertThat(targets(alerts.readValuesToList()))
        .containsExactly(StreamState.OK, StreamState.NO_SIGNAL);
    assertThat(metrics.count(MonitorMetrics.PREDICTIONS, "NO_SIGNAL")).isEqualTo(3);
  }

  @Test
  void shouldSwapWindowsBackSampleForSampleWhenStreamIsFlipped() {
    start(Map.of("correct-streams", "cam-5"));
    short[] before = stereoSamples(8000, 1);
    short[] during = stereoSamples(8000, 2);
    int next = feed("cam-5", 0, times(0.05, 3));
    audio.pipeInput("cam-5", window("cam-5", 0, before));

    feed("cam-5", next, times(0.95, 6));
    audio.pipeInput("cam-5", window("cam-5", 1, during));

    List<AudioWindow> out = corrected.readValuesToList();
    assertThat(out).hasSize(2);
    assertThat(samples(out.get(0))).containsExactly(before);
    short[] swapped = samples(out.get(1));
    for (int i = 0; i < during.length; i += 2) {
      assertThat(swapped[i]).as("left sample %d", i / 2).isEqualTo(during[i + 1]);
      assertThat(swapped[i + 1]).as("right sample %d", i / 2).isEqualTo(during[i]);
    }
    assertThat(out.get(1).getSequence()).isEqualTo(1);
    assertThat(metrics.count(MonitorMetrics.CORRECTED, "swapped")).isEqualTo(1);
    assertThat(metrics.count(MonitorMetrics.CORRECTED, "passed")).isEqualTo(1);
  }

  @Test
  void shouldLeaveOtherStreamsOutOfCorrectedTopicWhenCorrectionIsPerStream() {
    start(Map.of("correct-streams", "cam-5"));
    feed("cam-6", 0, times(0.95, 6));

    audio.pipeInput("cam-6", window("cam-6", 0, stereoSamples(100, 3)));

    assertThat(corrected.isEmpty()).isTrue();
  }

  @Test
  void shouldPassAmbisonicWindowsUnchangedWhenStreamIsFlipped() {
    start(Map.of("correct-streams", "*"));
    feed("vr-1", 0, times(0.95, 6));
    short[] foa = stereoSamples(200, 4); // 400 samples = 100 frames of 4 channels
    AudioWindow w =
        AudioWindow.newBuilder(window("vr-1", 0, foa))
            .setChannels(4)
            .setLayout(ChannelLayout.AMBISONIC_FOA_ACN_SN3D)
            .setFrameCount(100)
            .build();

    audio.pipeInput("vr-1", w);

    assertThat(samples(corrected.readValue())).containsExactly(foa);
    assertThat(metrics.count(MonitorMetrics.CORRECTED, "unsupported_layout")).isEqualTo(1);
  }

  @Test
  void shouldKeepLatestFrameAndTrackWhenOperatorViewIsOn() {
    start(Map.of());
    TestInputTopic<String, VideoFrame> frames =
        driver.createInputTopic(
            Topics.VIDEO_FRAMES, Serdes.String().serializer(), serdes.frames().serializer());
    TestInputTopic<String, SourceTrack> tracks =
        driver.createInputTopic(
            Topics.TRACKS, Serdes.String().serializer(), serdes.tracks().serializer());

    frames.pipeInput("cam-7", MonitorRecordsSupplier.frame("cam-7", 0, new byte[] {1, 2}));
    frames.pipeInput("cam-7", MonitorRecordsSupplier.frame("cam-7", 1, new byte[] {3, 4}));
    tracks.pipeInput("cam-7", MonitorRecordsSupplier.track("cam-7", 0, 0.25));

    KeyValueStore<String, byte[]> frameStore =
        driver.getKeyValueStore(FlipMonitorTopology.FRAME_STORE);
    VideoFrame latest =
        serdes.frames().deserializer().deserialize(Topics.VIDEO_FRAMES, frameStore.get("cam-7"));
    assertThat(latest.getSequence()).isEqualTo(1);
    KeyValueStore<String, byte[]> trackStore =
        driver.getKeyValueStore(FlipMonitorTopology.TRACK_STORE);
    assertThat(trackStore.get("cam-7")).isNotNull();
  }

  @Test
  void shouldMirrorAvroStreamStateWhenMappingDomainStates() {
    assertThat(Arrays.stream(MonitorState.values()).map(Enum::name))
        .containsExactlyElementsOf(Arrays.stream(StreamState.values()).map(Enum::name).toList());
  }
}
