package io.earshot.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serializer for generated Avro classes in the Confluent wire format. The schema is
 * registered under {@code <topic>-value} (or {@code -key}), Confluent's TopicNameStrategy, on first
 * use; the id is cached.
 *
 * <p>Config: {@value SerdeConfig#REGISTRY_URL}.
 */
public final class AvroSerializer<T extends SpecificRecord> implements Serializer<T> {

  private SchemaRegistryClient registry;
  private boolean isKey;
  private Schema schema;
  private SpecificDatumWriter<T> writer;
  private BinaryEncoder encoder;

  static {
    TrustedAvroClasses.install();
  }

  /** For Kafka's reflective construction; call {@link #configure} before use. */
  public AvroSerializer() {}

  public AvroSerializer(SchemaRegistryClient registry, boolean isKey) {
    this.registry = registry;
    this.isKey = isKey;
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    this.registry = SerdeConfig.registry(configs);
    this.isKey = isKey;
  }

  @Override
  public byte[] serialize(String topic, T data) {
    if (data == null) {
      return null;
    }
    if (registry == null) {
      throw new SerializationException(
          "AvroSerializer is not configured: set " + SerdeConfig.REGISTRY_URL);
    }
    if (schema == null || !schema.equals(data.getSchema())) {
      schema = data.getSchema();
      writer = new SpecificDatumWriter<>(schema);
    }
    int id = registry.register(topic + (isKey ? "-key" : "-value"), schema);
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    out.write(ConfluentWireFormat.MAGIC);
    out.writeBytes(ByteBuffer.allocate(4).putInt(id).array());
    try {
      encoder = EncoderFactory.get().directBinaryEncoder(out, encoder);
      writer.write(data, encoder);
      encoder.flush();
    } catch (IOException | RuntimeException e) {
      throw new SerializationException(
          "cannot encode " + schema.getFullName() + " for topic " + topic + ": " + e.getMessage(),
          e);
    }
    return out.toByteArray();
  }
}
