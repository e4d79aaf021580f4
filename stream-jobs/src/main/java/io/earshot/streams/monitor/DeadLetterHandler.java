package io.earshot.streams.monitor;

import io.earshot.avro.DeadLetter;
import io.earshot.domain.Topics;
import io.earshot.serde.AvroSerializer;
import io.earshot.serde.SchemaRegistryClient;
import io.earshot.serde.SerdeConfig;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A record the monitor cannot decode does not stop it: it goes to {@code av.deadletter} with the
 * reason, inside the same exactly-once transaction, and processing resumes.
 *
 * <p>Kafka Streams creates this class by name; the monitor passes its {@link MonitorMetrics}
 * through the configuration under {@link #METRICS_CONFIG}.
 */
public final class DeadLetterHandler implements DeserializationExceptionHandler {

  /** Config key under which the monitor passes its metrics object. */
  public static final String METRICS_CONFIG = "earshot.monitor.metrics";

  static final String STAGE = "flip-monitor";
  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterHandler.class);

  /** Raw values are kept up to this size, so the dead letter stays under the topic's limit. */
  private static final int MAX_VALUE_BYTES = 256 * 1024;

  private AvroSerializer<DeadLetter> serializer;
  private MonitorMetrics metrics;

  @Override
  public void configure(Map<String, ?> configs) {
    serializer =
        new AvroSerializer<>(
            new SchemaRegistryClient(String.valueOf(configs.get(SerdeConfig.REGISTRY_URL))), false);
    Object m = configs.get(METRICS_CONFIG);
    metrics = m instanceof MonitorMetrics mm ? mm : null;
  }

  @Override
  public Response handleError(
      ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
    LOG.warn(
        "undecodable record {}-{}@{} sent to {}: {}",
        context.topic(),
        context.partition(),
        context.offset(),
        Topics.DEAD_LETTER,
        exception.getMessage());
    if (metrics != null) {
      metrics.deadLetter(context.topic());
    }
    byte[] key = record.key();
    byte[] value = record.value();
    DeadLetter letter =
        DeadLetter.newBuilder()
            .setStage(STAGE)
            .setReason(String.valueOf(exception.getMessage()))
            .setErrorClass(exception.getClass().getName())
            .setSourceTopic(context.topic())
            .setSourcePartition(context.partition())
            .setSourceOffset(context.offset())
            .setStreamId(key == null ? null : new String(key, StandardCharsets.UTF_8))
            .setKey(key == null ? null : ByteBuffer.wrap(key))
            .setValue(
                value == null
                    ? null
                    : ByteBuffer.wrap(
                        Arrays.copyOf(value, Math.min(value.length, MAX_VALUE_BYTES))))
            .setTimestampMillis(Instant.now())
            .build();
    return Response.resume(
        List.of(
            new ProducerRecord<>(
                Topics.DEAD_LETTER, key, serializer.serialize(Topics.DEAD_LETTER, letter))));
  }
}
