package io.earshot.ops;

import static io.earshot.streams.monitor.MonitorRecordsSupplier.prediction;
import static io.earshot.streams.monitor.MonitorRecordsSupplier.stereoSamples;
import static io.earshot.streams.monitor.MonitorRecordsSupplier.window;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.earshot.domain.Topics;
import io.earshot.serde.AvroSerializer;
import io.earshot.serde.SchemaRegistryClient;
import io.earshot.stack.LocalStack;
import io.earshot.streams.monitor.FlipMonitor;
import io.earshot.streams.monitor.FlipMonitorConfig;
import io.earshot.testing.SharedStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A real Prometheus, loading the project's alert rules, scrapes a running FlipMonitor fed with
 * predictions; every query of the fleet-overview dashboard must parse and return series, and the
 * flipped stream must fire {@code StreamChannelsFlipped} from real metrics.
 */
@ExtendWith(SharedStack.class)
class FleetOverviewDashboardIT {

  private static final Duration PATIENCE = Duration.ofSeconds(90);
  private static final String RUN = UUID.randomUUID().toString().substring(0, 6);

  @Test
  void shouldReturnSeriesForEveryFleetOverviewPanelWhenPrometheusScrapesRunningMonitor(
      LocalStack stack) throws Exception {
    // Given a monitor fed with predictions of three streams (OK, FLIPPED, unscored) and audio
    String ok = "dash-ok-" + RUN;
    String flipped = "dash-flipped-" + RUN;
    String silent = "dash-silent-" + RUN;
    Map<String, String> options = new LinkedHashMap<>();
    options.put("bootstrap-servers", stack.bootstrapServers());
    options.put("registry-url", stack.registryUrl());
    options.put("application-id", "flip-monitor-dash-" + RUN);
    options.put("http-port", "0");
    options.put("state-dir", Files.createTempDirectory("fm-dash").toString());
    options.put("correct-streams", flipped);
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    ScheduledExecutorService feeder = Executors.newSingleThreadScheduledExecutor();
    JsonNode dashboard = DashboardsTest.dashboard("fleet-overview");
    List<Path> rules = new ArrayList<>();
    for (String f : OpsTools.files("prometheus/rules", ".rules.yml")) {
      rules.add(OpsTools.OPS.resolve(f));
    }
    try (FlipMonitor monitor = FlipMonitor.start(FlipMonitorConfig.from(options));
        KafkaProducer<String, SpecificRecord> producer =
            new KafkaProducer<>(
                p,
                new StringSerializer(),
                new AvroSerializer<>(new SchemaRegistryClient(stack.registryUrl()), false));
        PrometheusServer prometheus =
            PrometheusServer.start("flip-monitor", "127.0.0.1:" + monitor.httpPort(), rules)) {
      assertThat(monitor.awaitRunning(PATIENCE)).isTrue();
      AtomicInteger clip = new AtomicInteger();
      feeder.scheduleAtFixedRate(
          () -> {
            int c = clip.getAndIncrement();
            long now = System.currentTimeMillis();
            send(producer, Topics.PREDICTIONS, ok, prediction(ok, c, 0.05, now));
            send(
                producer,
                Topics.PREDICTIONS,
                flipped,
                prediction(flipped, c, c < 3 ? 0.05 : 0.95, now));
            send(producer, Topics.PREDICTIONS, silent, prediction(silent, c, null, now));
            if (c > 0 && c % 5 == 0) {
              // late: ignored and counted
              send(producer, Topics.PREDICTIONS, ok, prediction(ok, c - 1, 0.9, now));
            }
            send(
                producer, Topics.AUDIO_WINDOWS, flipped, window(flipped, c, stereoSamples(160, c)));
          },
          0,
          500,
          TimeUnit.MILLISECONDS);
      await().atMost(PATIENCE).until(prometheus::ready);

      // Then every panel's query parses and returns series
      List<String> queries = DashboardsTest.expressions(dashboard);
      assertThat(queries).hasSizeGreaterThanOrEqualTo(15);
      List<String> promql =
          queries.stream().map(q -> DashboardsTest.substitute(q, dashboard)).toList();
      await()
          .atMost(PATIENCE)
          .pollInterval(Duration.ofSeconds(1))
          .untilAsserted(
              () ->
                  assertThat(prometheus.unanswered(promql)).as("queries without series").isEmpty());

      // And the template variable's values are the streams (once the monitor has caught up with
      // what earlier tests on the shared stack predicted)
      await()
          .atMost(PATIENCE)
          .pollInterval(Duration.ofSeconds(1))
          .untilAsserted(
              () ->
                  assertThat(
                          prometheus.api("/api/v1/label/stream_id/values").path("data").toString())
                      .contains(ok, flipped, silent));

      // And the rules loaded: one group per component, each alert with for, severity, annotations
      JsonNode groups = prometheus.api("/api/v1/rules").path("data").path("groups");
      Set<String> names = new HashSet<>();
      for (JsonNode g : groups) {
        names.add(g.path("name").asText());
        for (JsonNode rule : g.path("rules")) {
          String alert = rule.path("name").asText();
          assertThat(rule.path("type").asText()).as(alert).isEqualTo("alerting");
          assertThat(rule.path("duration").asDouble()).as(alert + " for").isPositive();
          assertThat(rule.path("labels").path("severity").asText())
              .as(alert + " severity")
              .isIn("critical", "warning", "info");
          assertThat(rule.path("annotations").path("summary").asText())
              .as(alert + " summary")
              .contains("{{");
          assertThat(rule.path("annotations").path("description").asText())
              .as(alert + " description")
              .isNotBlank();
        }
      }
      assertThat(names)
          .containsExactlyInAnyOrder("flip-monitor", "spatial-inference-job", "media-ingest");

      // And the flipped stream fires its alert from the monitor's real metrics
      await()
          .atMost(PATIENCE)
          .pollInterval(Duration.ofSeconds(1))
          .until(
              () ->
                  firing(prometheus, "StreamChannelsFlipped").contains(flipped)
                      && !firing(prometheus, "StreamChannelsFlipped").contains(ok));
    } finally {
      feeder.shutdownNow();
      feeder.awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  private static void send(
      KafkaProducer<String, SpecificRecord> producer,
      String topic,
      String key,
      SpecificRecord value) {
    producer.send(new ProducerRecord<>(topic, key, value));
  }

  private static String firing(PrometheusServer prometheus, String alert) throws Exception {
    StringBuilder out = new StringBuilder();
    for (JsonNode a : prometheus.api("/api/v1/alerts").path("data").path("alerts")) {
      if (a.path("labels").path("alertname").asText().equals(alert)
          && a.path("state").asText().equals("firing")) {
        out.append(a.path("labels").path("stream_id").asText()).append(' ');
      }
    }
    return out.toString();
  }
}
