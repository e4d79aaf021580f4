package io.earshot.streams.monitor;

import static io.earshot.streams.monitor.MonitorRecordsSupplier.prediction;
import static io.earshot.streams.monitor.MonitorRecordsSupplier.samples;
import static io.earshot.streams.monitor.MonitorRecordsSupplier.stereoSamples;
import static io.earshot.streams.monitor.MonitorRecordsSupplier.window;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.earshot.avro.Alert;
import io.earshot.avro.AudioWindow;
import io.earshot.avro.DeadLetter;
import io.earshot.avro.StreamState;
import io.earshot.domain.Topics;
import io.earshot.stack.LocalStack;
import io.earshot.testing.SharedStack;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Two FlipMonitor instances (one application id) on a real KRaft broker and schema registry: alerts
 * exactly once, correction, queries answered by either instance, dead letters.
 */
@ExtendWith(SharedStack.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FlipMonitorIT {

  private static final Logger LOG = LoggerFactory.getLogger(FlipMonitorIT.class);
  private static final Duration PATIENCE = Duration.ofSeconds(60);

  /** Stream ids unique to this run: the shared stack's topics outlive a test class. */
  private static final String RUN = UUID.randomUUID().toString().substring(0, 6);

  private static final String CORRECTED = "it-corr-" + RUN;

  private FlipMonitor first;
  private FlipMonitor second;
  private MonitorTestClient client;

  @BeforeAll
  void startTwoInstances(LocalStack stack) throws Exception {
    client = new MonitorTestClient(stack);
    String app = "flip-monitor-it-" + RUN;
    Map<String, String> extra = Map.of("correct-streams", CORRECTED);
    first =
        FlipMonitor.start(
            FlipMonitorConfig.from(
                MonitorTestClient.options(
                    stack, app, Files.createTempDirectory("fm-a").toString(), extra)));
    second =
        FlipMonitor.start(
            FlipMonitorConfig.from(
                MonitorTestClient.options(
                    stack, app, Files.createTempDirectory("fm-b").toString(), extra)));
    assertThat(first.awaitRunning(PATIENCE)).as("first instance RUNNING").isTrue();
    assertThat(second.awaitRunning(PATIENCE)).as("second instance RUNNING").isTrue();
    // Both instances must know each other before the routing is meaningful.
    await()
        .atMost(PATIENCE)
        .ignoreExceptions()
        .until(
            () ->
                client.json(first.url() + "api/streams").path("instances").size() == 2
                    && client.json(second.url() + "api/streams").path("instances").size() == 2);
  }

  @AfterAll
  void stop() {
    if (client != null) {
      client.close();
    }
    if (second != null) {
      second.close();
    }
    if (first != null) {
      first.close();
    }
  }

  private void feed(String stream, int from, int to, double p) {
    for (int clip = from; clip < to; clip++) {
      client.send(
          Topics.PREDICTIONS, stream, prediction(stream, clip, p, System.currentTimeMillis()));
    }
  }

  private String stateOf(String stream) throws Exception {
    return client.json(first.url() + "api/streams/" + stream).path("state").asText();
  }

  @Test
  void shouldPublishEachStateChangeExactlyOnceWhenStreamFlipsAndRecovers() throws Exception {
    String s = "it-flip-" + RUN;
    try (MonitorTestClient.Reader<Alert> alerts = client.reader(Topics.ALERTS, Alert.class)) {
      // Given a stream confirmed OK, then four swapped clips: SUSPECT, not yet FLIPPED.
      feed(s, 0, 5, 0.05);
      feed(s, 5, 9, 0.95);
      await().atMost(PATIENCE).until(() -> alerts.poll(a -> a.getStreamId().equals(s)).size() == 2);

      // When the fifth swapped clip arrives
      long sent = System.nanoTime();
      feed(s, 9, 10, 0.95);
      AtomicReference<Long> delayMs = new AtomicReference<>();
      await()
          .atMost(PATIENCE)
          .pollInterval(Duration.ofMillis(10))
          .until(
              () -> {
                boolean done = alerts.poll(a -> a.getStreamId().equals(s)).size() == 3;
                if (done) {
                  delayMs.set((System.nanoTime() - sent) / 1_000_000);
                }
                return done;
              });
      LOG.info("FLIPPED alert visible to a read-committed consumer {} ms after the clip", delayMs);

      // Then: more swapped clips change nothing; recovery ends the episode with one OK.
      feed(s, 10, 14, 0.95);
      feed(s, 14, 22, 0.02);
      await().atMost(PATIENCE).until(() -> alerts.poll(a -> a.getStreamId().equals(s)).size() >= 4);
      List<Alert> all = alerts.poll(a -> a.getStreamId().equals(s));
      assertThat(all.stream().map(Alert::getToState))
          .containsExactly(
              StreamState.OK, StreamState.SUSPECT, StreamState.FLIPPED, StreamState.OK);
      assertThat(all.get(2).getClipStartMicros()).isEqualTo(9 * MonitorRecordsSupplier.HOP_MICROS);
      assertThat(delayMs.get()).isLessThan(10_000L);
    }
  }

  @Test
  void shouldSwapWindowsBackSampleForSampleWhileStreamIsFlipped() throws Exception {
    short[] before = stereoSamples(8000, 11);
    short[] during = stereoSamples(8000, 12);
    try (MonitorTestClient.Reader<AudioWindow> corrected =
        client.reader(Topics.CORRECTED_AUDIO, AudioWindow.class)) {
      // Given an OK stream with correction enabled, its audio passes unchanged
      feed(CORRECTED, 0, 4, 0.05);
      await().atMost(PATIENCE).ignoreExceptions().until(() -> stateOf(CORRECTED).equals("OK"));
      client.send(Topics.AUDIO_WINDOWS, CORRECTED, window(CORRECTED, 0, before));
      await()
          .atMost(PATIENCE)
          .until(() -> corrected.poll(w -> w.getStreamId().equals(CORRECTED)).size() == 1);

      // When it is confirmed FLIPPED
      feed(CORRECTED, 4, 12, 0.95);
      await().atMost(PATIENCE).ignoreExceptions().until(() -> stateOf(CORRECTED).equals("FLIPPED"));
      client.send(Topics.AUDIO_WINDOWS, CORRECTED, window(CORRECTED, 1, during));

      // Then the next window comes out with left and right exchanged, sample for sample
      await()
          .atMost(PATIENCE)
          .until(() -> corrected.poll(w -> w.getStreamId().equals(CORRECTED)).size() == 2);
      List<AudioWindow> out = corrected.poll(w -> w.getStreamId().equals(CORRECTED));
      assertThat(samples(out.get(0))).containsExactly(before);
      short[] fixed = samples(out.get(1));
      short[] expected = io.earshot.domain.Pcm.swapLeftRight(during, 2);
      assertThat(fixed).containsExactly(expected);
      assertThat(fixed[0]).isEqualTo(during[1]).isNotEqualTo(during[0]);
      assertThat(out.get(1).getSequence()).isEqualTo(1);
      assertThat(out.get(1).getFrameCount()).isEqualTo(8000);
      JsonNode detail = client.json(second.url() + "api/streams/" + CORRECTED);
      assertThat(detail.path("swapActive").asBoolean()).isTrue();
      assertThat(detail.path("correction").asBoolean()).isTrue();
    }
  }

  @Test
  void shouldAnswerForEveryStreamFromEitherInstanceWhenTwoInstancesShareWork() throws Exception {
    // Given one stream on each of the six partitions of av.predictions
    List<String> ids = new ArrayList<>();
    Set<Integer> partitions = new HashSet<>();
    for (int i = 0; partitions.size() < 6; i++) {
      String id = "it-iq-" + RUN + "-" + i;
      if (partitions.add(
          Utils.toPositive(Utils.murmur2(id.getBytes(StandardCharsets.UTF_8))) % 6)) {
        ids.add(id);
      }
    }
    for (String id : ids) {
      feed(id, 0, 4, 0.05);
      client.send(Topics.TRACKS, id, MonitorRecordsSupplier.track(id, 3, 0.25));
      client.send(Topics.VIDEO_FRAMES, id, MonitorRecordsSupplier.frame(id, 0, new byte[] {7, 7}));
    }

    // Then both instances list all six, and each answers for every one of them
    for (FlipMonitor instance : List.of(first, second)) {
      await()
          .atMost(PATIENCE)
          .ignoreExceptions()
          .until(
              () ->
                  client
                      .json(instance.url() + "api/streams")
                      .path("streams")
                      .findValuesAsText("streamId")
                      .containsAll(ids));
    }
    Set<String> servedBy = new HashSet<>();
    for (String id : ids) {
      JsonNode a = client.json(first.url() + "api/streams/" + id);
      JsonNode b = client.json(second.url() + "api/streams/" + id);
      assertThat(a.path("state").asText()).isEqualTo("OK");
      assertThat(b.path("state").asText()).isEqualTo("OK");
      assertThat(a.path("instance")).isEqualTo(b.path("instance"));
      assertThat(a.path("history")).hasSize(4);
      servedBy.add(a.path("instance").asText());
      // Frame and track live with the status, so the owner has them too
      await()
          .atMost(PATIENCE)
          .ignoreExceptions()
          .until(() -> client.json(second.url() + "api/streams/" + id).path("frame").asBoolean());
      assertThat(client.json(first.url() + "api/streams/" + id).path("track").path("x").asDouble())
          .isEqualTo(0.25);
      for (FlipMonitor instance : List.of(first, second)) {
        HttpResponse<String> frame = client.get(instance.url() + "api/streams/" + id + "/frame");
        assertThat(frame.statusCode()).isEqualTo(200);
        assertThat(frame.headers().firstValue("Content-Type")).hasValue("image/jpeg");
      }
    }
    // The partitions are split between the two instances, so both owners answered.
    assertThat(servedBy)
        .containsExactlyInAnyOrder(
            "127.0.0.1:" + first.httpPort(), "127.0.0.1:" + second.httpPort());
    assertThat(client.get(first.url() + "api/streams/it-never-seen-" + RUN).statusCode())
        .isEqualTo(404);
  }

  @Test
  void shouldSendUndecodableRecordToDeadLetterAndKeepMonitoringWhenInputIsCorrupt()
      throws Exception {
    String bad = "it-dl-" + RUN;
    try (MonitorTestClient.Reader<DeadLetter> letters =
        client.reader(Topics.DEAD_LETTER, DeadLetter.class)) {
      client.sendRaw(Topics.PREDICTIONS, bad, "not avro".getBytes(StandardCharsets.UTF_8));
      feed(bad, 0, 3, 0.05);

      await()
          .atMost(PATIENCE)
          .until(
              () ->
                  letters
                          .poll(
                              d ->
                                  bad.equals(d.getStreamId())
                                      && d.getStage().equals("flip-monitor"))
                          .size()
                      == 1);
      DeadLetter d = letters.poll(x -> bad.equals(x.getStreamId())).get(0);
      assertThat(d.getSourceTopic()).isEqualTo(Topics.PREDICTIONS);
      assertThat(d.getReason()).isNotBlank();
      await().atMost(PATIENCE).ignoreExceptions().until(() -> stateOf(bad).equals("OK"));
      assertThat(
              first.metrics().count(MonitorMetrics.DEAD_LETTERS, Topics.PREDICTIONS)
                  + second.metrics().count(MonitorMetrics.DEAD_LETTERS, Topics.PREDICTIONS))
          .isEqualTo(1);
    }
  }

  @Test
  void shouldServeMetricsWhenScraped() throws Exception {
    String s = "it-metrics-" + RUN;
    feed(s, 0, 4, 0.05);
    await().atMost(PATIENCE).ignoreExceptions().until(() -> stateOf(s).equals("OK"));

    String a = client.get(first.url() + "metrics").body();
    String b = client.get(second.url() + "metrics").body();

    assertThat(a + b)
        .contains("earshot_monitor_predictions_total{status=\"SCORED\"}")
        .contains("earshot_monitor_stream_state{state=\"OK\",stream_id=\"" + s + "\"} 1")
        .contains("earshot_monitor_kafka_streams_state{state=\"RUNNING\"} 1")
        .contains("earshot_monitor_end_to_end_latency_seconds_bucket")
        .contains("jvm_memory_used_bytes");
  }
}
