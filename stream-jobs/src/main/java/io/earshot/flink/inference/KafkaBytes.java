package io.earshot.flink.inference;

import java.io.IOException;
import java.io.Serializable;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * A Kafka record as raw bytes with where it came from. Decoding happens in {@link DecodeFunction},
 * not in the source, so a malformed record becomes a dead letter instead of failing the source.
 */
public class KafkaBytes implements Serializable {

  private static final long serialVersionUID = 1L;

  public String topic;
  public int partition;
  public long offset;
  public long timestamp;
  public byte[] key;
  public byte[] value;

  public KafkaBytes() {}

  /** The source's deserializer: copies bytes and coordinates, never fails. */
  public static final class Schema implements KafkaRecordDeserializationSchema<KafkaBytes> {
    private static final long serialVersionUID = 1L;

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<KafkaBytes> out)
        throws IOException {
      KafkaBytes b = new KafkaBytes();
      b.topic = record.topic();
      b.partition = record.partition();
      b.offset = record.offset();
      b.timestamp = record.timestamp();
      b.key = record.key();
      b.value = record.value();
      out.collect(b);
    }

    @Override
    public TypeInformation<KafkaBytes> getProducedType() {
      return TypeInformation.of(KafkaBytes.class);
    }
  }
}
