package io.earshot.connectors.media;

import io.earshot.domain.Topics;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.PrometheusNaming;
import io.prometheus.metrics.model.snapshots.Unit;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/**
 * Prometheus metrics of CLI ingest ({@code ./earshot ingest --metrics-port N}), in a registry of
 * its own. Names are constants because the pipeline-health dashboard and the media-ingest alert
 * rules under {@code ops/} use them.
 *
 * <p>Records count when Kafka acknowledged them, per stream: frames, audio windows, the audio
 * seconds those windows hold (their rate is the ingest speed relative to real time), serialized
 * bytes per topic, and records Kafka rejected. The producer's own client metrics (group {@code
 * producer-metrics}) are exported as {@code kafka_producer_<name>} with a {@code client_id} label:
 * Kafka's cumulative {@code *-total} metrics as counters, the rest as gauges.
 */
public final class IngestMetrics {

  public static final String PREFIX = "earshot_ingest_";
  public static final String FRAMES = PREFIX + "frames";
  public static final String WINDOWS = PREFIX + "audio_windows";
  public static final String AUDIO_SECONDS = PREFIX + "audio";
  public static final String BYTES = PREFIX + "written";
  public static final String SEND_ERRORS = PREFIX + "send_errors";
  public static final String PRODUCER_PREFIX = "kafka_producer_";

  private static final List<String> TOPICS =
      List.of(Topics.VIDEO_FRAMES, Topics.AUDIO_WINDOWS, Topics.STREAMS, Topics.DEAD_LETTER);

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Counter frames;
  private final Counter windows;
  private final Counter audioSeconds;
  private final Counter bytes;
  private final Counter sendErrors;
  private final Set<String> streams = ConcurrentHashMap.newKeySet();
  private final List<Supplier<Map<MetricName, ? extends Metric>>> producers =
      new CopyOnWriteArrayList<>();

  public IngestMetrics() {
    frames =
        Counter.builder()
            .name(FRAMES)
            .help("Video frames written to " + Topics.VIDEO_FRAMES + " (acknowledged by Kafka).")
            .labelNames("stream_id")
            .register(registry);
    windows =
        Counter.builder()
            .name(WINDOWS)
            .help("Audio windows written to " + Topics.AUDIO_WINDOWS + " (acknowledged).")
            .labelNames("stream_id")
            .register(registry);
    audioSeconds =
        Counter.builder()
            .name(AUDIO_SECONDS)
            .unit(Unit.SECONDS)
            .help("Media seconds of the audio windows written; its rate is the speed vs real time.")
            .labelNames("stream_id")
            .register(registry);
    bytes =
        Counter.builder()
            .name(BYTES)
            .unit(Unit.BYTES)
            .help("Serialized key and value bytes written (acknowledged), by topic.")
            .labelNames("stream_id", "topic")
            .register(registry);
    sendErrors =
        Counter.builder()
            .name(SEND_ERRORS)
            .help("Records Kafka did not accept (the ingest run fails on the next record).")
            .labelNames("stream_id", "topic")
            .register(registry);
    registry.register(new ProducerMetrics());
    JvmMetrics.builder().register(registry);
  }

  public PrometheusRegistry registry() {
    return registry;
  }

  /** Serves {@code /metrics} on {@code host:port} (0 = any free port); close it when done. */
  public HTTPServer serve(String host, int port) throws IOException {
    return HTTPServer.builder().hostname(host).port(port).registry(registry).buildAndStart();
  }

  /** Exports a producer's client metrics until it is unbound. */
  void bindProducer(Supplier<Map<MetricName, ? extends Metric>> metrics) {
    producers.add(metrics);
  }

  void unbindProducer(Supplier<Map<MetricName, ? extends Metric>> metrics) {
    producers.remove(metrics);
  }

  /** A record Kafka acknowledged. */
  void written(String topic, String streamId, Object value, long serializedBytes) {
    String stream = streamId == null ? "" : streamId;
    seen(stream);
    if (value instanceof io.earshot.avro.VideoFrame) {
      frames.labelValues(stream).inc();
    } else if (value instanceof io.earshot.avro.AudioWindow w) {
      windows.labelValues(stream).inc();
      if (w.getSampleRate() > 0) {
        audioSeconds.labelValues(stream).inc(w.getFrameCount() / (double) w.getSampleRate());
      }
    }
    if (serializedBytes > 0) {
      bytes.labelValues(stream, topic).inc(serializedBytes);
    }
  }

  /** A record Kafka rejected. */
  void failed(String topic, String streamId) {
    String stream = streamId == null ? "" : streamId;
    seen(stream);
    sendErrors.labelValues(stream, topic).inc();
  }

  /** Every series of a stream visible at 0 from its first record on (rates and alerts need it). */
  private void seen(String stream) {
    if (streams.add(stream)) {
      frames.labelValues(stream);
      windows.labelValues(stream);
      audioSeconds.labelValues(stream);
      for (String topic : TOPICS) {
        bytes.labelValues(stream, topic);
        sendErrors.labelValues(stream, topic);
      }
    }
  }

  /** Current value of a per-stream counter (tests). */
  public double count(String name, String streamId) {
    return switch (name) {
      case FRAMES -> frames.labelValues(streamId).get();
      case WINDOWS -> windows.labelValues(streamId).get();
      case AUDIO_SECONDS -> audioSeconds.labelValues(streamId).get();
      default -> throw new IllegalArgumentException("no per-stream counter " + name);
    };
  }

  /** Kafka producer client metrics, read at scrape time. */
  private final class ProducerMetrics implements MultiCollector {
    @Override
    public MetricSnapshots collect() {
      Map<String, List<Object>> points = new TreeMap<>();
      Map<String, String> help = new TreeMap<>();
      for (Supplier<Map<MetricName, ? extends Metric>> producer : producers) {
        for (Map.Entry<MetricName, ? extends Metric> e : producer.get().entrySet()) {
          MetricName n = e.getKey();
          if (!n.group().equals("producer-metrics")
              || !(e.getValue().metricValue() instanceof Number value)) {
            continue;
          }
          boolean counter = n.name().endsWith("-total");
          String name =
              PRODUCER_PREFIX
                  + (counter ? n.name().substring(0, n.name().length() - 6) : n.name())
                      .replace('-', '_');
          if (!PrometheusNaming.isValidMetricName(name)) {
            continue;
          }
          Labels labels = Labels.of("client_id", n.tags().getOrDefault("client-id", ""));
          Object point =
              counter
                  ? CounterDataPointSnapshot.builder()
                      .value(value.doubleValue())
                      .labels(labels)
                      .build()
                  : GaugeDataPointSnapshot.builder()
                      .value(value.doubleValue())
                      .labels(labels)
                      .build();
          points.computeIfAbsent(name, k -> new ArrayList<>()).add(point);
          help.put(name, n.description().isBlank() ? n.name() : n.description());
        }
      }
      List<MetricSnapshot> out = new ArrayList<>();
      points.forEach(
          (name, list) -> {
            if (list.get(0) instanceof CounterDataPointSnapshot) {
              CounterSnapshot.Builder b = CounterSnapshot.builder().name(name).help(help.get(name));
              list.forEach(p -> b.dataPoint((CounterDataPointSnapshot) p));
              out.add(b.build());
            } else {
              GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help.get(name));
              list.forEach(p -> b.dataPoint((GaugeDataPointSnapshot) p));
              out.add(b.build());
            }
          });
      return new MetricSnapshots(out);
    }
  }
}
