package io.earshot.connectors.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.earshot.avro.AudioWindow;
import io.earshot.avro.DeadLetter;
import io.earshot.avro.StreamMetadata;
import io.earshot.avro.StreamStatus;
import io.earshot.avro.VideoFrame;
import io.earshot.connectors.testing.TestMedia;
import io.earshot.domain.Topics;
import io.earshot.serde.AvroDeserializer;
import io.earshot.serde.SchemaRegistryClient;
import io.earshot.stack.LocalStack;
import io.earshot.testing.SharedStack;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The task on its own, polled the way the Connect worker polls it, against a real schema registry
 * (the values it emits are registry-encoded Avro).
 */
@ExtendWith(SharedStack.class)
class MediaSourceTaskTest {

  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static SchemaRegistryClient registry;
  private static String registryUrl;

  @TempDir Path dir;
  private final MediaSourceTask task = new MediaSourceTask();

  @BeforeAll
  static void registry(LocalStack stack) {
    registryUrl = stack.registryUrl();
    registry = new SchemaRegistryClient(registryUrl);
  }

  @AfterEach
  void stopTask() {
    task.stop();
  }

  private Map<String, String> config(Path file, String streamId) {
    Map<String, String> props = new HashMap<>();
    props.put(MediaSourceConfig.MEDIA_INPUT, file.toString());
    props.put(MediaSourceConfig.STREAM_ID, streamId);
    props.put(MediaSourceConfig.SCHEMA_REGISTRY_URL, registryUrl);
    return props;
  }

  /**
   * Polls like the worker (acknowledging every record, which ingest's final flush waits for) until
   * a record matches, and returns everything polled.
   */
  private List<SourceRecord> pollUntil(Predicate<SourceRecord> last) throws InterruptedException {
    List<SourceRecord> all = new ArrayList<>();
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (System.nanoTime() < deadline) {
      List<SourceRecord> batch = task.poll();
      if (batch == null) {
        continue;
      }
      assertThat(batch).hasSizeLessThanOrEqualTo(MediaSourceTask.MAX_BATCH);
      for (SourceRecord r : batch) {
        all.add(r);
        task.commitRecord(r, null);
        if (last.test(r)) {
          return all;
        }
      }
    }
    throw new AssertionError("no expected record within " + DEADLINE + "; got " + all.size());
  }

  private static Predicate<SourceRecord> status(StreamStatus status) {
    return r ->
        Topics.STREAMS.equals(r.topic()) && decode(r, StreamMetadata.class).getStatus() == status;
  }

  private static <T extends org.apache.avro.specific.SpecificRecord> T decode(
      SourceRecord r, Class<T> type) {
    return new AvroDeserializer<>(registry, type).deserialize(r.topic(), (byte[]) r.value());
  }

  private static List<SourceRecord> on(List<SourceRecord> records, String topic) {
    return records.stream().filter(r -> topic.equals(r.topic())).toList();
  }

  @Test
  void shouldEmitRegistryEncodedFramesAndWindowsWhenIngestingStereoFile() throws Exception {
    Path file = TestMedia.write(dir.resolve("stereo.mkv"), TestMedia.Spec.pcmStereo(3));
    task.start(config(file, "task-stereo"));

    List<SourceRecord> records = pollUntil(status(StreamStatus.ENDED));

    List<SourceRecord> frames = on(records, Topics.VIDEO_FRAMES);
    List<SourceRecord> windows = on(records, Topics.AUDIO_WINDOWS);
    assertThat(frames).hasSizeBetween(17, 19);
    assertThat(windows).hasSize(6);
    assertThat(decode(records.get(0), StreamMetadata.class).getStatus())
        .isEqualTo(StreamStatus.STREAMING);
    for (SourceRecord r : records) {
      assertThat(r.key()).isEqualTo("task-stereo");
      assertThat(r.keySchema()).isEqualTo(Schema.STRING_SCHEMA);
      assertThat(r.valueSchema()).isEqualTo(Schema.BYTES_SCHEMA);
      assertThat(r.kafkaPartition()).isNull();
      assertThat(r.sourcePartition())
          .isEqualTo(Map.of("stream", "task-stereo", "input", file.toString()));
    }
    long previous = Long.MIN_VALUE;
    for (int i = 0; i < frames.size(); i++) {
      VideoFrame f = decode(frames.get(i), VideoFrame.class);
      assertThat(f.getStreamId()).isEqualTo("task-stereo");
      assertThat(f.getSequence()).isEqualTo(i);
      assertThat(f.getWidth()).isEqualTo(320);
      long offset = (Long) frames.get(i).sourceOffset().get("ptsMicros");
      assertThat(offset).isEqualTo(f.getPtsMicros()).isGreaterThan(previous);
      previous = offset;
    }
    previous = Long.MIN_VALUE;
    for (int i = 0; i < windows.size(); i++) {
      AudioWindow w = decode(windows.get(i), AudioWindow.class);
      assertThat(w.getStreamId()).isEqualTo("task-stereo");
      assertThat(w.getChannels()).isEqualTo(2);
      assertThat(w.getFrameCount()).isEqualTo(8000);
      long offset = (Long) windows.get(i).sourceOffset().get("ptsMicros");
      assertThat(offset).isEqualTo(w.getStartPtsMicros()).isGreaterThan(previous);
      previous = offset;
    }
  }

  @Test
  void shouldEmitFailedStatusAndDeadLetterThenStopEmittingWhenAudioIsMono() throws Exception {
    TestMedia.Spec mono =
        TestMedia.Spec.pcmStereo(1).withChannels(new double[] {440}, new double[] {0.5});
    Path file = TestMedia.write(dir.resolve("mono.mkv"), mono);
    task.start(config(file, "task-mono"));

    List<SourceRecord> records = pollUntil(r -> Topics.DEAD_LETTER.equals(r.topic()));

    assertThat(on(records, Topics.VIDEO_FRAMES)).isEmpty();
    assertThat(on(records, Topics.AUDIO_WINDOWS)).isEmpty();
    List<SourceRecord> statuses = on(records, Topics.STREAMS);
    assertThat(statuses).hasSize(1);
    StreamMetadata failed = decode(statuses.get(0), StreamMetadata.class);
    assertThat(failed.getStatus()).isEqualTo(StreamStatus.FAILED);
    assertThat(failed.getMessage()).contains("mono");
    DeadLetter dead = decode(records.get(records.size() - 1), DeadLetter.class);
    assertThat(dead.getReason()).contains("mono");
    assertThat(dead.getErrorClass()).isEqualTo("MONO");
    assertThat(records.get(records.size() - 1).key()).isEqualTo("task-mono");

    // Then nothing more, and an idle poll waits instead of returning at once (no busy loop).
    await().atMost(DEADLINE).until(task::isDrained);
    for (int i = 0; i < 3; i++) {
      long start = System.nanoTime();
      assertThat(task.poll()).isNull();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(500));
    }
  }

  @Test
  void shouldBlockDecoderAndLoseNothingWhenPollingIsSlow() throws Exception {
    // 25 s at 6 fps: 150 frames + 50 windows, more than the queue holds.
    Path file = TestMedia.write(dir.resolve("long.mkv"), TestMedia.Spec.pcmStereo(25));
    task.start(config(file, "task-slow"));

    await().atMost(DEADLINE).until(() -> task.queued() == MediaSourceTask.QUEUE_CAPACITY);
    // The decoder waits for the worker instead of running ahead.
    await()
        .during(Duration.ofMillis(500))
        .atMost(Duration.ofSeconds(5))
        .until(() -> !task.ingestFinished() && task.queued() == MediaSourceTask.QUEUE_CAPACITY);

    List<SourceRecord> records = pollUntil(status(StreamStatus.ENDED));
    List<SourceRecord> frames = on(records, Topics.VIDEO_FRAMES);
    assertThat(frames).hasSizeBetween(149, 151);
    assertThat(on(records, Topics.AUDIO_WINDOWS)).hasSize(50);
    for (int i = 0; i < frames.size(); i++) {
      assertThat(decode(frames.get(i), VideoFrame.class).getSequence()).isEqualTo(i);
    }
  }
}
