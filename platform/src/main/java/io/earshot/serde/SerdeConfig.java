package io.earshot.serde;

import java.util.HashMap;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/** Configuration keys and factories for Earshot's Kafka serdes. */
public final class SerdeConfig {

  /** Same key as Confluent's serializers, so existing client configs work unchanged. */
  public static final String REGISTRY_URL = "schema.registry.url";

  private static final Map<String, SchemaRegistryClient> CLIENTS = new HashMap<>();

  private SerdeConfig() {}

  static SchemaRegistryClient registry(Map<String, ?> configs) {
    Object url = configs.get(REGISTRY_URL);
    if (url == null || url.toString().isBlank()) {
      throw new IllegalArgumentException(REGISTRY_URL + " must be set for Avro serdes");
    }
    // One client (and cache) per registry URL within the JVM, like Confluent's serdes.
    synchronized (CLIENTS) {
      return CLIENTS.computeIfAbsent(url.toString(), SchemaRegistryClient::new);
    }
  }

  /** A serializer for values of a generated Avro class. */
  public static <T extends SpecificRecord> AvroSerializer<T> valueSerializer(
      SchemaRegistryClient registry) {
    return new AvroSerializer<>(registry, false);
  }

  /** A deserializer for values of a generated Avro class. */
  public static <T extends SpecificRecord> AvroDeserializer<T> valueDeserializer(
      SchemaRegistryClient registry, Class<T> type) {
    return new AvroDeserializer<>(registry, type);
  }
}
