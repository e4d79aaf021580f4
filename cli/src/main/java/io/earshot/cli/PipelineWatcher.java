package io.earshot.cli;

import io.earshot.avro.Alert;
import io.earshot.avro.ClipPrediction;
import io.earshot.domain.Topics;
import io.earshot.serde.AvroDeserializer;
import io.earshot.serde.SchemaRegistryClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Follows the predictions and alerts topics (read_committed: what an operator's consumer sees) on a
 * thread of its own and hands each record to a listener with the wall-clock time it arrived.
 */
final class PipelineWatcher implements AutoCloseable {

  /** A prediction or an alert, and when this consumer received it. */
  record Event(long receivedMillis, ClipPrediction prediction, Alert alert) {
    String streamId() {
      return prediction != null ? prediction.getStreamId() : alert.getStreamId();
    }
  }

  private final KafkaConsumer<String, byte[]> consumer;
  private final AvroDeserializer<ClipPrediction> predictions;
  private final AvroDeserializer<Alert> alerts;
  private final Thread thread;
  private final List<Event> events = new ArrayList<>();
  private volatile RuntimeException failure;

  PipelineWatcher(String bootstrapServers, String registryUrl, Consumer<Event> listener) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "earshot-watch-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
    SchemaRegistryClient registry = new SchemaRegistryClient(registryUrl);
    predictions = new AvroDeserializer<>(registry, ClipPrediction.class);
    alerts = new AvroDeserializer<>(registry, Alert.class);
    consumer.subscribe(List.of(Topics.PREDICTIONS, Topics.ALERTS));
    thread =
        new Thread(
            () -> {
              try {
                while (!Thread.currentThread().isInterrupted()) {
                  for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    Event e = decode(r, System.currentTimeMillis());
                    synchronized (events) {
                      events.add(e);
                    }
                    listener.accept(e);
                  }
                }
              } catch (WakeupException e) {
                // closing
              } catch (RuntimeException e) {
                failure = e;
              } finally {
                consumer.close();
              }
            },
            "pipeline-watcher");
    thread.setDaemon(true);
    thread.start();
  }

  private Event decode(ConsumerRecord<String, byte[]> r, long now) {
    SpecificRecord value =
        Topics.ALERTS.equals(r.topic())
            ? alerts.deserialize(r.topic(), r.value())
            : predictions.deserialize(r.topic(), r.value());
    return value instanceof Alert a
        ? new Event(now, null, a)
        : new Event(now, (ClipPrediction) value, null);
  }

  /** Everything received so far, in arrival order. */
  List<Event> events() {
    if (failure != null) {
      throw new IllegalStateException(
          "watching the pipeline failed: " + failure.getMessage(), failure);
    }
    synchronized (events) {
      return List.copyOf(events);
    }
  }

  /** The alerts received so far for one stream. */
  List<Event> alerts(String streamId) {
    return events().stream()
        .filter(e -> e.alert() != null && e.streamId().equals(streamId))
        .toList();
  }

  /** The predictions received so far for one stream. */
  List<Event> predictions(String streamId) {
    return events().stream()
        .filter(e -> e.prediction() != null && e.streamId().equals(streamId))
        .toList();
  }

  @Override
  public void close() {
    consumer.wakeup();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
