package io.earshot.streams.monitor;

import io.earshot.serde.TrustedAvroClasses;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running FlipMonitor instance: Kafka Streams (exactly-once v2) plus its HTTP server. Several
 * instances with the same application id share the streams between them; any one answers for all.
 * {@link FlipMonitorApp} and {@code ./earshot monitor} run one; tests run one or two.
 */
public final class FlipMonitor implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(FlipMonitor.class);

  static {
    TrustedAvroClasses.install();
  }

  private final KafkaStreams streams;
  private final MonitorHttpServer http;
  private final MonitorMetrics metrics;
  private final CountDownLatch running = new CountDownLatch(1);
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final AtomicBoolean closed = new AtomicBoolean();

  private FlipMonitor(KafkaStreams streams, MonitorHttpServer http, MonitorMetrics metrics) {
    this.streams = streams;
    this.http = http;
    this.metrics = metrics;
  }

  /** Starts an instance; returns at once (see {@link #awaitRunning}). */
  public static FlipMonitor start(FlipMonitorConfig config) {
    return start(config, MonitorSerdes.registry(config.registryUrl()));
  }

  static FlipMonitor start(FlipMonitorConfig config, MonitorSerdes serdes) {
    MonitorMetrics metrics = new MonitorMetrics();
    MonitorHttpServer http = MonitorHttpServer.bind(config.httpHost(), config.httpPort());
    try {
      Properties props = config.streamsProperties(http.port());
      props.put(DeadLetterHandler.METRICS_CONFIG, metrics);
      KafkaStreams streams =
          new KafkaStreams(FlipMonitorTopology.buildTopology(config, serdes, metrics), props);
      FlipMonitor monitor = new FlipMonitor(streams, http, metrics);
      streams.setStateListener(
          (now, before) -> {
            LOG.info("flip monitor {} -> {}", before, now);
            if (now == KafkaStreams.State.RUNNING) {
              monitor.running.countDown();
            }
            if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.NOT_RUNNING) {
              monitor.stopped.countDown();
            }
          });
      streams.setUncaughtExceptionHandler(
          e -> {
            LOG.error("flip monitor stream thread failed; stopping this instance", e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
          });
      HostInfo self = new HostInfo(config.httpHost(), http.port());
      LocalView local =
          new LocalView(
              store ->
                  streams.store(
                      StoreQueryParameters.fromNameAndType(
                          store, QueryableStoreTypes.keyValueStore())),
              serdes,
              config.correction(),
              config.operatorView(),
              QueryRouter.hostString(self));
      metrics.bindRuntime(
          local::statusesOrEmpty,
          () -> streams.state().name(),
          () -> lagByTopic(streams),
          System::currentTimeMillis);
      streams.start();
      http.start(
          new QueryRouter(new StreamsLocator(streams, self), local, new HttpRemote()),
          metrics.registry(),
          () -> streams.state().name());
      return monitor;
    } catch (RuntimeException e) {
      http.close();
      throw e;
    }
  }

  /** {@code http://host:port/}: the operator page; the API is under {@code api/}. */
  public String url() {
    return "http://" + http.host() + ":" + http.port() + "/";
  }

  public int httpPort() {
    return http.port();
  }

  public MonitorMetrics metrics() {
    return metrics;
  }

  public KafkaStreams.State state() {
    return streams.state();
  }

  /** Waits for Kafka Streams to reach RUNNING; false on timeout or when it stopped first. */
  public boolean awaitRunning(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (running.await(100, TimeUnit.MILLISECONDS)) {
        return true;
      }
      if (stopped.getCount() == 0) {
        return false;
      }
    }
    return false;
  }

  /** Blocks until the instance stops (closed, or failed); returns the final state. */
  public KafkaStreams.State awaitStopped() throws InterruptedException {
    stopped.await();
    return streams.state();
  }

  /** Stops Kafka Streams (leaving the group cleanly) and the HTTP server; idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      streams.close(Duration.ofSeconds(30));
    } finally {
      http.close();
    }
  }

  private static Map<String, Double> lagByTopic(KafkaStreams streams) {
    Map<String, Double> out = new HashMap<>();
    for (Map.Entry<MetricName, ? extends Metric> e : streams.metrics().entrySet()) {
      MetricName name = e.getKey();
      if (name.name().equals("records-lag")
          && name.group().equals("consumer-fetch-manager-metrics")
          && name.tags().containsKey("partition")
          && e.getValue().metricValue() instanceof Number n
          && !Double.isNaN(n.doubleValue())) {
        out.merge(name.tags().get("topic"), n.doubleValue(), Double::sum);
      }
    }
    return out;
  }

  /** {@link QueryRouter.Locator} over the Kafka Streams metadata. */
  private record StreamsLocator(KafkaStreams streams, HostInfo self)
      implements QueryRouter.Locator {

    @Override
    public Optional<HostInfo> activeHost(String store, String key) {
      KeyQueryMetadata m = streams.queryMetadataForKey(store, key, Serdes.String().serializer());
      if (m == null
          || KeyQueryMetadata.NOT_AVAILABLE.equals(m)
          || HostInfo.unavailable().equals(m.activeHost())) {
        return Optional.empty();
      }
      return Optional.of(m.activeHost());
    }

    @Override
    public Set<HostInfo> instances(String store) {
      return streams.streamsMetadataForStore(store).stream()
          .map(StreamsMetadata::hostInfo)
          .collect(Collectors.toSet());
    }
  }
}
