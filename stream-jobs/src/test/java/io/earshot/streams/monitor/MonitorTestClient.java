package io.earshot.streams.monitor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.earshot.serde.AvroDeserializer;
import io.earshot.serde.AvroSerializer;
import io.earshot.serde.SchemaRegistryClient;
import io.earshot.stack.LocalStack;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Talks to a real stack and monitors in integration tests: produce, consume, HTTP. */
final class MonitorTestClient implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final LocalStack stack;
  private final SchemaRegistryClient registry;
  private final KafkaProducer<String, SpecificRecord> producer;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  MonitorTestClient(LocalStack stack) {
    this.stack = stack;
    this.registry = new SchemaRegistryClient(stack.registryUrl());
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    this.producer =
        new KafkaProducer<>(p, new StringSerializer(), new AvroSerializer<>(registry, false));
  }

  /** Monitor options for a test instance on this stack; each caller gets its own state dir. */
  static Map<String, String> options(
      LocalStack stack, String applicationId, String stateDir, Map<String, String> extra) {
    Map<String, String> o = new java.util.HashMap<>(extra);
    o.put("bootstrap-servers", stack.bootstrapServers());
    o.put("registry-url", stack.registryUrl());
    o.put("application-id", applicationId);
    o.put("http-port", "0");
    o.put("state-dir", stateDir);
    return o;
  }

  void send(String topic, String key, SpecificRecord value) {
    try {
      producer.send(new ProducerRecord<>(topic, key, value)).get();
    } catch (Exception e) {
      throw new IllegalStateException("cannot produce to " + topic, e);
    }
  }

  void sendRaw(String topic, String key, byte[] value) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    try (KafkaProducer<String, byte[]> raw =
        new KafkaProducer<>(
            p,
            new StringSerializer(),
            new org.apache.kafka.common.serialization.ByteArraySerializer())) {
      raw.send(new ProducerRecord<>(topic, key, value)).get();
    } catch (Exception e) {
      throw new IllegalStateException("cannot produce to " + topic, e);
    }
  }

  /** A read-committed consumer of a topic from its beginning. */
  <T extends SpecificRecord> Reader<T> reader(String topic, Class<T> type) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    KafkaConsumer<String, T> c =
        new KafkaConsumer<>(p, new StringDeserializer(), new AvroDeserializer<>(registry, type));
    c.subscribe(List.of(topic));
    return new Reader<>(c);
  }

  /** Accumulates what a consumer read, so tests can wait for a condition on everything so far. */
  static final class Reader<T> implements AutoCloseable {
    private final KafkaConsumer<String, T> consumer;
    private final List<ConsumerRecord<String, T>> seen = new ArrayList<>();

    Reader(KafkaConsumer<String, T> consumer) {
      this.consumer = consumer;
    }

    /** Polls once (up to 200 ms) and returns every record seen so far that matches. */
    List<T> poll(Predicate<T> filter) {
      consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
      return seen.stream().map(ConsumerRecord::value).filter(filter).toList();
    }

    @Override
    public void close() {
      consumer.close();
    }
  }

  /** GET returning status and body. */
  HttpResponse<String> get(String url) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** GET of JSON that must answer 200. */
  JsonNode json(String url) throws IOException, InterruptedException {
    HttpResponse<String> r = get(url);
    if (r.statusCode() != 200) {
      throw new IllegalStateException("HTTP " + r.statusCode() + " from " + url + ": " + r.body());
    }
    return JSON.readTree(r.body());
  }

  @Override
  public void close() {
    producer.close();
  }
}
