package io.earshot.connectors.media;

import io.earshot.avro.AudioWindow;
import io.earshot.avro.DeadLetter;
import io.earshot.avro.StreamMetadata;
import io.earshot.avro.VideoFrame;
import io.earshot.domain.Topics;
import io.earshot.serde.AvroSerializer;
import io.earshot.serde.SchemaRegistryClient;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Produces ingest records to their topics, keyed by stream id, with an idempotent producer
 * (acks=all, no duplicates on retry, per-partition order kept) so frames and windows of a stream
 * arrive in order exactly once per send.
 */
public final class KafkaIngestSink implements IngestSink {

  private final KafkaProducer<String, SpecificRecord> producer;
  private final AtomicReference<Exception> failure = new AtomicReference<>();
  private final Callback callback =
      (metadata, exception) -> {
        if (exception != null) {
          failure.compareAndSet(null, exception);
        }
      };

  public KafkaIngestSink(String bootstrapServers, String registryUrl) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
    // Frames trickle in at a few per second per stream: a short linger batches a stream's frame
    // and audio records without adding noticeable latency.
    p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "earshot-ingest");
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
    this.producer =
        new KafkaProducer<>(
            p,
            new StringSerializer(),
            new AvroSerializer<>(new SchemaRegistryClient(registryUrl), false));
  }

  private void send(String topic, String key, SpecificRecord value) {
    Exception earlier = failure.get();
    if (earlier != null) {
      throw new IllegalStateException(
          "an earlier record could not be written to Kafka: " + earlier.getMessage(), earlier);
    }
    producer.send(new ProducerRecord<>(topic, key, value), callback);
  }

  @Override
  public void frame(VideoFrame frame) {
    send(Topics.VIDEO_FRAMES, frame.getStreamId(), frame);
  }

  @Override
  public void audio(AudioWindow window) {
    send(Topics.AUDIO_WINDOWS, window.getStreamId(), window);
  }

  @Override
  public void metadata(StreamMetadata metadata) {
    send(Topics.STREAMS, metadata.getStreamId(), metadata);
  }

  @Override
  public void deadLetter(DeadLetter deadLetter) {
    send(Topics.DEAD_LETTER, deadLetter.getStreamId(), deadLetter);
  }

  @Override
  public void flush() {
    producer.flush();
    Exception e = failure.get();
    if (e != null) {
      throw new IllegalStateException("writing to Kafka failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    producer.close();
  }
}
