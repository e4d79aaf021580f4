package io.earshot.connectors.media;

import io.earshot.avro.AudioWindow;
import io.earshot.avro.DeadLetter;
import io.earshot.avro.StreamMetadata;
import io.earshot.avro.VideoFrame;
import io.earshot.domain.Topics;
import io.earshot.serde.AvroSerializer;
import io.earshot.serde.SchemaRegistryClient;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Produces ingest records to their topics, keyed by stream id, with an idempotent producer
 * (acks=all, no duplicates on retry, per-partition order kept) so frames and windows of a stream
 * arrive in order exactly once per send.
 */
public final class KafkaIngestSink implements IngestSink {

  /** Client ids unique within the JVM (several sinks in one process: tests, bench, demo). */
  private static final AtomicInteger SINKS = new AtomicInteger();

  private final KafkaProducer<String, SpecificRecord> producer;
  private final AtomicReference<Exception> failure = new AtomicReference<>();
  private final IngestMetrics metrics;
  private final Supplier<Map<MetricName, ? extends Metric>> producerMetrics;
  private final Callback callback =
      (metadata, exception) -> {
        if (exception != null) {
          failure.compareAndSet(null, exception);
        }
      };

  public KafkaIngestSink(String bootstrapServers, String registryUrl) {
    this(bootstrapServers, registryUrl, null);
  }

  /**
   * A sink that also counts what Kafka acknowledged (and rejected) in {@code metrics} and exports
   * its producer's client metrics there until closed.
   */
  public KafkaIngestSink(String bootstrapServers, String registryUrl, IngestMetrics metrics) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
    // Frames trickle in at a few per second per stream: a short linger batches a stream's frame
    // and audio records without adding noticeable latency.
    p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    int n = SINKS.incrementAndGet();
    p.put(ProducerConfig.CLIENT_ID_CONFIG, n == 1 ? "earshot-ingest" : "earshot-ingest-" + n);
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
    this.producer =
        new KafkaProducer<>(
            p,
            new StringSerializer(),
            new AvroSerializer<>(new SchemaRegistryClient(registryUrl), false));
    this.metrics = metrics;
    this.producerMetrics = producer::metrics;
    if (metrics != null) {
      metrics.bindProducer(producerMetrics);
    }
  }

  private void send(String topic, String key, SpecificRecord value) {
    Exception earlier = failure.get();
    if (earlier != null) {
      throw new IllegalStateException(
          "an earlier record could not be written to Kafka: " + earlier.getMessage(), earlier);
    }
    if (metrics == null) {
      producer.send(new ProducerRecord<>(topic, key, value), callback);
      return;
    }
    producer.send(
        new ProducerRecord<>(topic, key, value),
        (metadata, exception) -> {
          if (exception != null) {
            metrics.failed(topic, key);
          } else {
            metrics.written(
                topic,
                key,
                value,
                Math.max(0, metadata.serializedKeySize())
                    + Math.max(0, metadata.serializedValueSize()));
          }
          callback.onCompletion(metadata, exception);
        });
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
    if (metrics != null) {
      metrics.unbindProducer(producerMetrics);
    }
    producer.close();
  }
}
