package io.earshot.streams.monitor;

import io.earshot.avro.Alert;
import io.earshot.avro.ClipPrediction;
import io.earshot.avro.PredictionStatus;
import io.earshot.avro.StreamState;
import io.earshot.domain.FlipStateMachine;
import io.earshot.domain.StateTransition;
import io.earshot.domain.StreamStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies each prediction to its stream's status with {@link FlipStateMachine}, stores the result
 * and forwards an {@link Alert} for every state change. A wall-clock punctuation turns streams
 * without predictions STALE. Store update and alert are written in one exactly-once transaction, so
 * a restart neither loses nor repeats an alert.
 */
final class PredictionProcessor implements Processor<String, ClipPrediction, String, Alert> {

  private static final Logger LOG = LoggerFactory.getLogger(PredictionProcessor.class);

  private final FlipStateMachine machine;
  private final Duration punctuateInterval;
  private final MonitorMetrics metrics;
  private ProcessorContext<String, Alert> context;
  private KeyValueStore<String, StreamStatus> store;

  PredictionProcessor(
      FlipStateMachine machine, Duration punctuateInterval, MonitorMetrics metrics) {
    this.machine = machine;
    this.punctuateInterval = punctuateInterval;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<String, Alert> context) {
    this.context = context;
    this.store = context.getStateStore(FlipMonitorTopology.STATUS_STORE);
    context.schedule(punctuateInterval, PunctuationType.WALL_CLOCK_TIME, this::checkStale);
  }

  @Override
  public void process(Record<String, ClipPrediction> record) {
    ClipPrediction p = record.value();
    if (p == null || p.getStreamId() == null || p.getStreamId().isEmpty()) {
      metrics.ignored("invalid");
      return;
    }
    long now = context.currentSystemTimeMs();
    String id = p.getStreamId();
    boolean scored = p.getStatus() == PredictionStatus.SCORED;
    metrics.prediction(p, now);
    FlipStateMachine.Step step;
    try {
      step =
          machine.onPrediction(
              store.get(id),
              id,
              p.getClipStartMicros(),
              scored ? p.getFlipProbability() : null,
              p.getModelVersion(),
              now);
    } catch (IllegalArgumentException e) {
      LOG.debug("ignoring prediction: {}", e.getMessage());
      metrics.ignored("invalid");
      return;
    }
    switch (step.outcome()) {
      case LATE -> metrics.ignored("late");
      case DUPLICATE -> metrics.ignored("duplicate");
      case APPLIED -> {
        store.put(id, step.status());
        step.transition().ifPresent(t -> emit(t, record.timestamp()));
      }
    }
  }

  private void checkStale(long now) {
    // Collect first: the store is not written while its iterator is open.
    List<KeyValue<String, FlipStateMachine.Step>> stale = new ArrayList<>();
    try (KeyValueIterator<String, StreamStatus> it = store.all()) {
      while (it.hasNext()) {
        KeyValue<String, StreamStatus> kv = it.next();
        machine.onClock(kv.value, now).ifPresent(step -> stale.add(KeyValue.pair(kv.key, step)));
      }
    }
    for (KeyValue<String, FlipStateMachine.Step> kv : stale) {
      store.put(kv.key, kv.value.status());
      kv.value.transition().ifPresent(t -> emit(t, now));
    }
  }

  private void emit(StateTransition t, long timestamp) {
    Alert alert =
        Alert.newBuilder()
            .setStreamId(t.streamId())
            .setFromState(StreamState.valueOf(t.from().name()))
            .setToState(StreamState.valueOf(t.to().name()))
            .setSinceMillis(Instant.ofEpochMilli(t.sinceMillis()))
            .setClipStartMicros(t.clipStartMicros())
            .setConfidence(t.confidence())
            .setModelVersion(t.modelVersion())
            .build();
    metrics.alert(t);
    LOG.info(
        "stream {}: {} -> {} (confidence {})",
        t.streamId(),
        t.from(),
        t.to(),
        String.format("%.2f", t.confidence()));
    context.forward(new Record<>(t.streamId(), alert, timestamp));
  }
}
