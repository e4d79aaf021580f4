package io.earshot.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.earshot.avro.Alert;
import io.earshot.avro.AudioWindow;
import io.earshot.avro.ChannelLayout;
import io.earshot.avro.ClipPrediction;
import io.earshot.avro.DeadLetter;
import io.earshot.avro.ImageEncoding;
import io.earshot.avro.ModelRelease;
import io.earshot.avro.PredictionStatus;
import io.earshot.avro.SampleFormat;
import io.earshot.avro.SourceTrack;
import io.earshot.avro.StreamMetadata;
import io.earshot.avro.StreamState;
import io.earshot.avro.StreamStatus;
import io.earshot.avro.TrackingMethod;
import io.earshot.avro.VideoFrame;
import io.earshot.domain.Topics;
import io.earshot.stack.LocalStack;
import io.earshot.testing.SharedStack;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Every schema round-trips through a real broker and a real registry in the Confluent format. */
@ExtendWith(SharedStack.class)
class AvroSerdeIT {

  private static final Instant T0 = Instant.parse("2026-11-01T10:00:00Z");
  private static LocalStack stack;
  private static SchemaRegistryClient registry;

  @BeforeAll
  static void startStack(LocalStack shared) {
    stack = shared;
    registry = new SchemaRegistryClient(stack.registryUrl());
  }

  static List<Map.Entry<String, SpecificRecord>> samples() {
    byte[] jpeg = {(byte) 0xFF, (byte) 0xD8, 1, 2, 3, (byte) 0xFF, (byte) 0xD9};
    return List.of(
        Map.entry(
            Topics.VIDEO_FRAMES,
            VideoFrame.newBuilder()
                .setStreamId("cam-1")
                .setSequence(7)
                .setPtsMicros(1_166_666)
                .setIngestTimeMillis(T0)
                .setWidth(320)
                .setHeight(240)
                .setSizeBytes(jpeg.length)
                .setEncoding(ImageEncoding.JPEG)
                .setImage(ByteBuffer.wrap(jpeg))
                .build()),
        Map.entry(
            Topics.AUDIO_WINDOWS,
            AudioWindow.newBuilder()
                .setStreamId("cam-1")
                .setSequence(3)
                .setStartPtsMicros(1_500_000)
                .setIngestTimeMillis(T0)
                .setSampleRate(16_000)
                .setChannels(2)
                .setLayout(ChannelLayout.STEREO)
                .setFrameCount(2)
                .setSampleFormat(SampleFormat.S16LE)
                .setPcm(ByteBuffer.wrap(new byte[] {1, 0, -1, -1, 2, 0, -2, -1}))
                .build()),
        Map.entry(
            Topics.STREAMS,
            StreamMetadata.newBuilder()
                .setStreamId("cam-1")
                .setStatus(StreamStatus.STREAMING)
                .setTimestampMillis(T0)
                .setSource("rtsp://camera/live")
                .setFrameRate(6)
                .setFrameWidth(320)
                .setFrameHeight(240)
                .setSampleRate(16_000)
                .setChannels(2)
                .setLayout(ChannelLayout.STEREO)
                .setWindowMillis(500)
                .build()),
        Map.entry(
            Topics.PREDICTIONS,
            ClipPrediction.newBuilder()
                .setStreamId("cam-1")
                .setClipStartMicros(0)
                .setClipEndMicros(3_000_000)
                .setStatus(PredictionStatus.SCORED)
                .setFlipProbability(0.93)
                .setModelVersion("cpu-1")
                .setNewestIngestTimeMillis(T0)
                .setInferenceStartMillis(T0.plusMillis(40))
                .setInferenceEndMillis(T0.plusMillis(55))
                .setBatchSize(4)
                .build()),
        Map.entry(
            Topics.TRACKS,
            SourceTrack.newBuilder()
                .setStreamId("cam-1")
                .setClipStartMicros(0)
                .setClipEndMicros(3_000_000)
                .setX(0.25)
                .setConfidence(0.8)
                .setMethod(TrackingMethod.CLASSICAL)
                .build()),
        Map.entry(
            Topics.ALERTS,
            Alert.newBuilder()
                .setStreamId("cam-1")
                .setFromState(StreamState.OK)
                .setToState(StreamState.FLIPPED)
                .setSinceMillis(T0)
                .setConfidence(0.91)
                .setModelVersion("cpu-1")
                .build()),
        Map.entry(
            Topics.MODELS,
            ModelRelease.newBuilder()
                .setModelName("flip-detector")
                .setVersion("cpu-1")
                .setUri("file:///models/cpu-1")
                .setSha256("ab".repeat(32))
                .setConfig("cpu")
                .setClipSeconds(3)
                .setFrameRate(6)
                .setFrameWidth(112)
                .setFrameHeight(112)
                .setSampleRate(16_000)
                .setChannels(2)
                .setMetrics(Map.of("accuracy", 0.97))
                .setReleasedAtMillis(T0)
                .build()),
        Map.entry(
            Topics.DEAD_LETTER,
            DeadLetter.newBuilder()
                .setStage("ingest")
                .setReason("mono audio: flip detection needs stereo")
                .setStreamId("cam-2")
                .setTimestampMillis(T0)
                .build()));
  }

  @Test
  void shouldRoundTripEveryRecordTypeWhenSentThroughBrokerAndRegistry() {
    Properties producerProps = new Properties();
    producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    List<Map.Entry<String, SpecificRecord>> samples = samples();
    try (KafkaProducer<String, SpecificRecord> producer =
        new KafkaProducer<>(
            producerProps, new StringSerializer(), new AvroSerializer<>(registry, false))) {
      for (Map.Entry<String, SpecificRecord> s : samples) {
        producer.send(new ProducerRecord<>(s.getKey(), "serde-it", s.getValue()));
      }
      producer.flush();
    }

    for (Map.Entry<String, SpecificRecord> s : samples) {
      ConsumerRecord<String, byte[]> raw = readOne(s.getKey());
      byte[] bytes = raw.value();
      // Confluent wire format: magic 0 + the id the registry gave this subject's schema.
      assertThat(bytes[0]).isEqualTo((byte) 0);
      int id = ConfluentWireFormat.schemaId(bytes);
      assertThat(id).isEqualTo(registry.register(s.getKey() + "-value", s.getValue().getSchema()));
      assertThat(registry.schemaById(id)).isEqualTo(s.getValue().getSchema());

      @SuppressWarnings("unchecked")
      Class<SpecificRecord> type = (Class<SpecificRecord>) s.getValue().getClass();
      SpecificRecord decoded =
          new AvroDeserializer<>(new SchemaRegistryClient(stack.registryUrl()), type)
              .deserialize(s.getKey(), bytes);
      assertThat(decoded).isEqualTo(s.getValue());
    }
  }

  @Test
  void shouldNameTheProblemWhenBytesAreNotInWireFormat() {
    AvroDeserializer<VideoFrame> deserializer = new AvroDeserializer<>(registry, VideoFrame.class);

    assertThatThrownBy(() -> deserializer.deserialize("t", new byte[] {1, 2}))
        .isInstanceOf(MalformedRecordException.class)
        .hasMessageContaining("too short");
    assertThatThrownBy(() -> deserializer.deserialize("t", "{\"json\":true}".getBytes()))
        .isInstanceOf(MalformedRecordException.class)
        .hasMessageContaining("magic byte");
    assertThatThrownBy(() -> deserializer.deserialize("t", new byte[] {0, 0, 0, 0x7f, 0x7f, 1}))
        .isInstanceOf(MalformedRecordException.class)
        .hasMessageContaining("schema id " + 0x7f7f);

    byte[] good =
        new AvroSerializer<VideoFrame>(registry, false)
            .serialize(Topics.VIDEO_FRAMES, (VideoFrame) samples().get(0).getValue());
    byte[] truncated = java.util.Arrays.copyOf(good, good.length - 4);
    assertThatThrownBy(() -> deserializer.deserialize(Topics.VIDEO_FRAMES, truncated))
        .isInstanceOf(MalformedRecordException.class)
        .hasMessageContaining("not a valid VideoFrame");
  }

  private static ConsumerRecord<String, byte[]> readOne(String topic) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "serde-it-" + topic);
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      List<ConsumerRecord<String, byte[]>> got = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if ("serde-it".equals(r.key())) {
            got.add(r);
          }
        }
        if (!got.isEmpty()) {
          return got.get(0);
        }
      }
      throw new AssertionError("no record arrived on " + topic);
    }
  }
}
