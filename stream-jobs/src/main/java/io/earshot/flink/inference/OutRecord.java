package io.earshot.flink.inference;

import java.io.Serializable;
import javax.annotation.Nullable;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * An output record already encoded (Confluent wire format) by the operator that made it, with its
 * topic and key: one transactional sink writes predictions, tracks and dead letters.
 */
public class OutRecord implements java.io.Serializable {

  private static final long serialVersionUID = 1L;

  public String topic;
  public String key;
  public byte[] value;

  public OutRecord() {}

  public OutRecord(String topic, String key, byte[] value) {
    this.topic = topic;
    this.key = key;
    this.value = value;
  }

  /** Writes records to their own topics. */
  public static final class Serializer
      implements KafkaRecordSerializationSchema<OutRecord>, Serializable {
    private static final long serialVersionUID = 1L;

    @Nullable
    @Override
    public ProducerRecord<byte[], byte[]> serialize(
        OutRecord r, KafkaSinkContext context, Long timestamp) {
      byte[] key = r.key == null ? null : r.key.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      // Record time is when the result was made; element timestamps can be the end-of-input
      // watermark (Long.MAX_VALUE - 1), which Kafka rejects.
      return new ProducerRecord<>(r.topic, null, null, key, r.value);
    }
  }
}
