package io.earshot.cli;

import io.earshot.avro.AudioWindow;
import io.earshot.avro.StreamMetadata;
import io.earshot.avro.VideoFrame;
import io.earshot.domain.Topics;
import io.earshot.serde.AvroDeserializer;
import io.earshot.serde.SchemaRegistryClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads one stream's records back from Kafka, for the demo's report. */
final class StreamReadback {

  record Result(List<VideoFrame> frames, List<AudioWindow> windows, List<StreamMetadata> status) {}

  private StreamReadback() {}

  static Result read(
      String bootstrap, String registryUrl, String streamId, long expectFrames, Duration timeout) {
    SchemaRegistryClient registry = new SchemaRegistryClient(registryUrl);
    List<VideoFrame> frames =
        readTopic(
            bootstrap,
            registry,
            Topics.VIDEO_FRAMES,
            VideoFrame.class,
            streamId,
            expectFrames,
            timeout,
            f -> true);
    List<AudioWindow> windows =
        readTopic(
            bootstrap,
            registry,
            Topics.AUDIO_WINDOWS,
            AudioWindow.class,
            streamId,
            1,
            Duration.ofSeconds(5),
            w -> true);
    List<StreamMetadata> status =
        readTopic(
            bootstrap,
            registry,
            Topics.STREAMS,
            StreamMetadata.class,
            streamId,
            1,
            Duration.ofSeconds(5),
            m -> true);
    frames.sort((a, b) -> Long.compare(a.getSequence(), b.getSequence()));
    windows.sort((a, b) -> Long.compare(a.getSequence(), b.getSequence()));
    return new Result(frames, windows, status);
  }

  /** Reads a topic from the beginning until it stays quiet or {@code minimum} records arrived. */
  static <T extends SpecificRecord> List<T> readTopic(
      String bootstrap,
      SchemaRegistryClient registry,
      String topic,
      Class<T> type,
      String streamId,
      long minimum,
      Duration timeout,
      Predicate<T> filter) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "earshot-readback-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    List<T> out = new ArrayList<>();
    try (KafkaConsumer<String, T> consumer =
        new KafkaConsumer<>(p, new StringDeserializer(), new AvroDeserializer<>(registry, type))) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + timeout.toNanos();
      int quietPolls = 0;
      while (System.nanoTime() < deadline) {
        int got = 0;
        for (ConsumerRecord<String, T> r : consumer.poll(Duration.ofMillis(300))) {
          if (streamId.equals(r.key()) && filter.test(r.value())) {
            out.add(r.value());
            got++;
          }
        }
        quietPolls = got == 0 ? quietPolls + 1 : 0;
        if (out.size() >= minimum && quietPolls >= 3) {
          break;
        }
      }
    }
    return out;
  }
}
