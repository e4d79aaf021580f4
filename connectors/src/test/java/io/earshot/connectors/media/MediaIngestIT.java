package io.earshot.connectors.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.earshot.avro.AudioWindow;
import io.earshot.avro.DeadLetter;
import io.earshot.avro.StreamMetadata;
import io.earshot.avro.StreamStatus;
import io.earshot.avro.VideoFrame;
import io.earshot.connectors.testing.TestMedia;
import io.earshot.domain.Pcm;
import io.earshot.domain.Topics;
import io.earshot.serde.AvroDeserializer;
import io.earshot.serde.SchemaRegistryClient;
import io.earshot.stack.LocalStack;
import io.earshot.testing.SharedStack;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Ingest into the real broker and registry, read back with a plain consumer. */
@ExtendWith(SharedStack.class)
class MediaIngestIT {

  @TempDir Path dir;

  @Test
  void shouldProduceEveryFrameAndWindowInOrderWhenIngestingFileIntoBroker(LocalStack stack)
      throws Exception {
    TestMedia.Spec spec = TestMedia.Spec.pcmStereo(3);
    Path file = TestMedia.write(dir.resolve("a.mkv"), spec);
    String streamId = "it-" + UUID.randomUUID();

    IngestResult result;
    try (KafkaIngestSink sink =
        new KafkaIngestSink(stack.bootstrapServers(), stack.registryUrl())) {
      result =
          new MediaIngestor(IngestOptions.defaults(file.toString(), streamId), sink, p -> {}).run();
    }

    List<VideoFrame> frames =
        read(stack, Topics.VIDEO_FRAMES, VideoFrame.class, streamId, result.frames());
    List<AudioWindow> windows =
        read(stack, Topics.AUDIO_WINDOWS, AudioWindow.class, streamId, result.windows());
    List<StreamMetadata> status = read(stack, Topics.STREAMS, StreamMetadata.class, streamId, 2);

    assertThat(result.frames()).isBetween(17L, 19L);
    assertThat(frames)
        .extracting(VideoFrame::getSequence)
        .containsExactlyElementsOf(
            java.util.stream.LongStream.range(0, result.frames()).boxed().toList());
    assertThat(frames)
        .isSortedAccordingTo((a, b) -> Long.compare(a.getPtsMicros(), b.getPtsMicros()));
    assertThat(windows).hasSize(6);
    // Left stays left, bit-exact, after Avro, Kafka and the registry.
    AudioWindow second = windows.get(1);
    short[] pcm = Pcm.fromS16le(second.getPcm().array());
    assertThat(pcm[0]).isEqualTo(TestMedia.sample(spec, 0, 8000));
    assertThat(pcm[1]).isEqualTo(TestMedia.sample(spec, 1, 8000));
    assertThat(Pcm.rms(pcm, 2, 0)).isGreaterThan(4 * Pcm.rms(pcm, 2, 1));
    assertThat(status)
        .extracting(StreamMetadata::getStatus)
        .containsExactly(StreamStatus.STREAMING, StreamStatus.ENDED);
    assertThat(status.get(1).getFramesProduced()).isEqualTo(result.frames());
  }

  @Test
  void shouldPublishFailedStatusAndDeadLetterWhenInputIsMono(LocalStack stack) throws Exception {
    TestMedia.Spec mono =
        TestMedia.Spec.pcmStereo(1).withChannels(new double[] {440}, new double[] {0.3});
    Path file = TestMedia.write(dir.resolve("mono.mkv"), mono);
    String streamId = "it-mono-" + UUID.randomUUID();

    try (KafkaIngestSink sink =
        new KafkaIngestSink(stack.bootstrapServers(), stack.registryUrl())) {
      assertThatThrownBy(
              () ->
                  new MediaIngestor(
                          IngestOptions.defaults(file.toString(), streamId), sink, p -> {})
                      .run())
          .isInstanceOf(MediaInputException.class);
    }

    List<DeadLetter> dead = read(stack, Topics.DEAD_LETTER, DeadLetter.class, streamId, 1);
    assertThat(dead)
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.getStage()).isEqualTo("ingest");
              assertThat(d.getReason()).contains("mono").contains("stereo");
              assertThat(d.getErrorClass()).isEqualTo("MONO");
            });
    List<StreamMetadata> status = read(stack, Topics.STREAMS, StreamMetadata.class, streamId, 1);
    assertThat(status)
        .last()
        .satisfies(
            m -> {
              assertThat(m.getStatus()).isEqualTo(StreamStatus.FAILED);
              assertThat(m.getMessage()).contains("mono");
            });
    assertThat(read(stack, Topics.VIDEO_FRAMES, VideoFrame.class, streamId, 0)).isEmpty();
  }

  static <T extends SpecificRecord> List<T> read(
      LocalStack stack, String topic, Class<T> type, String streamId, long expected) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    List<T> out = new ArrayList<>();
    try (KafkaConsumer<String, T> consumer =
        new KafkaConsumer<>(
            p,
            new StringDeserializer(),
            new AvroDeserializer<>(new SchemaRegistryClient(stack.registryUrl()), type))) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(expected == 0 ? 3 : 30).toNanos();
      while (System.nanoTime() < deadline && (expected == 0 || out.size() < expected)) {
        for (ConsumerRecord<String, T> r : consumer.poll(Duration.ofMillis(200))) {
          if (streamId.equals(r.key())) {
            out.add(r.value());
          }
        }
      }
      // Linger briefly to catch duplicates, which would be a bug.
      for (ConsumerRecord<String, T> r : consumer.poll(Duration.ofMillis(500))) {
        if (streamId.equals(r.key())) {
          out.add(r.value());
        }
      }
    }
    return out;
  }
}
