package io.earshot.serde;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Kafka deserializer for the Confluent wire format into a generated Avro class. The writer schema
 * is fetched from the registry by the id in the record and resolved against the reader class's
 * schema, so records written with an older compatible schema still decode.
 *
 * <p>Bad bytes raise {@link MalformedRecordException} naming the problem; callers that must not
 * stop on them route the raw record to the dead-letter topic.
 */
public final class AvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {

  /** Config key naming the generated class to decode into. */
  public static final String VALUE_CLASS = "earshot.avro.class";

  private SchemaRegistryClient registry;
  private Schema readerSchema;
  private final Map<Integer, SpecificDatumReader<T>> readers = new ConcurrentHashMap<>();

  static {
    TrustedAvroClasses.install();
  }

  /** For Kafka's reflective construction; call {@link #configure} before use. */
  public AvroDeserializer() {}

  public AvroDeserializer(SchemaRegistryClient registry, Class<T> type) {
    this.registry = registry;
    this.readerSchema = SpecificData.get().getSchema(type);
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    this.registry = SerdeConfig.registry(configs);
    Object type = configs.get(VALUE_CLASS);
    if (type == null) {
      throw new IllegalArgumentException(VALUE_CLASS + " must name the Avro class to decode into");
    }
    try {
      Class<?> cls = type instanceof Class<?> c ? c : Class.forName(type.toString());
      this.readerSchema = SpecificData.get().getSchema(cls);
    } catch (ClassNotFoundException e) {
      throw new IllegalArgumentException(VALUE_CLASS + ": no class " + type, e);
    }
  }

  @Override
  public T deserialize(String topic, byte[] data) {
    if (data == null) {
      return null;
    }
    int id = ConfluentWireFormat.schemaId(data);
    SpecificDatumReader<T> reader;
    try {
      reader =
          readers.computeIfAbsent(
              id, i -> new SpecificDatumReader<>(registry.schemaById(i), readerSchema));
    } catch (SchemaRegistryException e) {
      throw new MalformedRecordException(
          "record on " + topic + " references schema id " + id + ": " + e.getMessage(), e);
    }
    try {
      BinaryDecoder decoder =
          DecoderFactory.get()
              .binaryDecoder(
                  data,
                  ConfluentWireFormat.HEADER_BYTES,
                  data.length - ConfluentWireFormat.HEADER_BYTES,
                  null);
      T value = reader.read(null, decoder);
      if (!decoder.isEnd()) {
        throw new MalformedRecordException(
            "record on " + topic + " has trailing bytes after its " + readerSchema.getName());
      }
      return value;
    } catch (IOException | RuntimeException e) {
      if (e instanceof MalformedRecordException m) {
        throw m;
      }
      throw new MalformedRecordException(
          "record on "
              + topic
              + " is not a valid "
              + readerSchema.getName()
              + " (schema id "
              + id
              + "): "
              + e,
          e);
    }
  }
}
