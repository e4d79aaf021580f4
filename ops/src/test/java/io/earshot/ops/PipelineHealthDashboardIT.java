package io.earshot.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.earshot.connectors.connect.MediaSourceConfig;
import io.earshot.connectors.connect.MediaSourceConnector;
import io.earshot.connectors.media.IngestMetrics;
import io.earshot.connectors.media.IngestOptions;
import io.earshot.connectors.media.IngestResult;
import io.earshot.connectors.media.KafkaIngestSink;
import io.earshot.connectors.media.MediaIngestor;
import io.earshot.flink.inference.JobConfig;
import io.earshot.flink.inference.SpatialInferenceJob;
import io.earshot.flink.metrics.LoopbackPrometheusReporterFactory;
import io.earshot.serde.TrustedAvroClasses;
import io.earshot.stack.LocalStack;
import io.earshot.stack.Ports;
import io.earshot.testing.SharedStack;
import io.prometheus.jmx.JmxCollector;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.connect.cli.ConnectStandalone;
import org.apache.kafka.connect.runtime.Connect;
import org.apache.kafka.connect.runtime.Herder;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorInfo;
import org.apache.kafka.connect.runtime.standalone.StandaloneHerder;
import org.apache.kafka.connect.util.FutureCallback;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus, loading the project's alert rules, scrapes the SpatialInferenceJob running the
 * shipped model on a Flink MiniCluster (the reporter {@code ./earshot job --metrics-port} uses),
 * CLI ingest's metrics endpoint ({@code ./earshot ingest --metrics-port}) and a Kafka Connect
 * worker running the media source connector, exported through the JMX exporter's collector with
 * {@code prometheus/jmx/connect-worker.yml}, while generated stereo videos are ingested in real
 * time and scored: every query of the pipeline-health dashboard must parse and return series, its
 * job variable must list the job, and the job's and ingest's alert rules must evaluate without
 * errors.
 */
@ExtendWith(SharedStack.class)
class PipelineHealthDashboardIT {

  private static final Duration PATIENCE = Duration.ofSeconds(90);
  private static final String RUN = UUID.randomUUID().toString().substring(0, 6);
  private static final String JOB_NAME = "earshot-spatial-inference";

  /** The job name as Flink's Prometheus reporter writes label values ([a-zA-Z0-9:_] kept). */
  private static final String JOB_LABEL = "earshot_spatial_inference";

  /** A metric the job's and ingest's alert rules read (not up, which is Prometheus's own). */
  private static final Pattern RULE_METRIC =
      Pattern.compile("\\b(flink|earshot_ingest|kafka_connect|kafka_producer)_\\w+");

  static final Path SHIPPED =
      Path.of("..", "models", "flip-detector-cpu").toAbsolutePath().normalize();

  @TempDir Path dir;

  @Test
  void shouldReturnSeriesForEveryPipelineHealthPanelWhenPrometheusScrapesRunningJobAndIngest(
      LocalStack stack) throws Exception {
    // Given two short stereo videos (a test pattern, a different tone per channel)
    List<Path> videos = List.of(video("a.mkv", 440, 660), video("b.mkv", 550, 330));
    JsonNode dashboard = DashboardsTest.dashboard("pipeline-health");
    List<Path> rules = new ArrayList<>();
    for (String f : OpsTools.files("prometheus/rules", ".rules.yml")) {
      rules.add(OpsTools.OPS.resolve(f));
    }
    TrustedAvroClasses.install();
    int flinkPort = Ports.freeLoopbackPort();
    IngestMetrics ingestMetrics = new IngestMetrics();
    ExecutorService ingest = Executors.newFixedThreadPool(videos.size());
    List<MediaIngestor> ingestors = new ArrayList<>();
    JobClient job = null;
    Connect<StandaloneHerder> connect = null;
    // A worker that fails to start calls Exit.exit: make that an exception, not the end of the JVM.
    Exit.setExitProcedure(
        (code, message) -> {
          throw new IllegalStateException("Connect worker exited (" + code + "): " + message);
        });
    PrometheusRegistry connectRegistry = new PrometheusRegistry();
    new JmxCollector(OpsTools.OPS.resolve("prometheus/jmx/connect-worker.yml").toFile())
        .register(connectRegistry);
    try (HTTPServer ingestEndpoint = ingestMetrics.serve("127.0.0.1", 0);
        HTTPServer connectEndpoint =
            HTTPServer.builder()
                .hostname("127.0.0.1")
                .port(0)
                .registry(connectRegistry)
                .buildAndStart();
        PrometheusServer prometheus =
            PrometheusServer.start(
                Map.of(
                    "flink", "127.0.0.1:" + flinkPort,
                    "ingest", "127.0.0.1:" + ingestEndpoint.getPort(),
                    "ingest-connector", "127.0.0.1:" + connectEndpoint.getPort()),
                rules)) {
      // And the job on a MiniCluster reporting to Prometheus as ./earshot job does
      JobConfig config =
          JobConfig.defaults()
              .withModel(SHIPPED.toString())
              .withStack(stack.bootstrapServers(), stack.registryUrl(), "dash-" + RUN, false);
      Configuration flink = LoopbackPrometheusReporterFactory.configuration("127.0.0.1", flinkPort);
      flink.setString("rest.bind-address", "127.0.0.1");
      StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, flink);
      env.enableCheckpointing(1000, CheckpointingMode.EXACTLY_ONCE);
      SpatialInferenceJob.defineWorkflow(env, config, SpatialInferenceJob.clipSpec(config));
      job = env.executeAsync(JOB_NAME);

      // When both videos are ingested in real time, as two CLI ingests with metrics would
      List<Future<IngestResult>> runs = new ArrayList<>();
      for (int i = 0; i < videos.size(); i++) {
        IngestOptions options =
            IngestOptions.defaults(videos.get(i).toString(), "dash-" + RUN + "-" + i)
                .withRealtime(true);
        KafkaIngestSink sink =
            new KafkaIngestSink(stack.bootstrapServers(), stack.registryUrl(), ingestMetrics);
        MediaIngestor ingestor = new MediaIngestor(options, sink, p -> {});
        ingestors.add(ingestor);
        runs.add(
            ingest.submit(
                () -> {
                  try (sink) {
                    return ingestor.run();
                  }
                }));
      }
      // And the first video once more through the media source connector in a Connect worker
      connect = new ConnectStandalone().startConnect(worker(stack));
      String connector = "dash-" + RUN + "-connect";
      FutureCallback<Herder.Created<ConnectorInfo>> created = new FutureCallback<>();
      connect
          .herder()
          .putConnectorConfig(
              connector, connector(connector, videos.get(0), stack), false, created);
      assertThat(created.get(30, TimeUnit.SECONDS).created()).isTrue();
      await().atMost(PATIENCE).until(prometheus::ready);

      // Then every panel's query parses and returns series
      List<String> queries = DashboardsTest.expressions(dashboard);
      assertThat(queries).hasSizeGreaterThanOrEqualTo(20);
      List<String> promql =
          queries.stream().map(q -> DashboardsTest.substitute(q, dashboard)).toList();
      try {
        await()
            .atMost(PATIENCE)
            .pollInterval(Duration.ofSeconds(1))
            .untilAsserted(
                () ->
                    assertThat(prometheus.unanswered(promql))
                        .as("queries without series")
                        .isEmpty());
      } finally {
        dump(flinkPort, "flink");
        dump(ingestEndpoint.getPort(), "ingest");
        dump(connectEndpoint.getPort(), "connect");
      }

      // And the model version panel shows the shipped model serving
      String version =
          new ObjectMapper()
              .readTree(SHIPPED.resolve("earshot-model.json").toFile())
              .path("version")
              .asText();
      String servingQuery =
          DashboardsTest.substitute(
              panel(dashboard, "Model version serving")
                  .path("targets")
                  .get(0)
                  .path("expr")
                  .asText(),
              dashboard);
      List<String> serving = new ArrayList<>();
      prometheus
          .query(servingQuery)
          .path("data")
          .path("result")
          .forEach(r -> serving.add(r.path("metric").path("model_version").asText()));
      assertThat(serving).containsExactly(version.replaceAll("[^a-zA-Z0-9:_]", "_"));

      // And the job variable lists the running job
      for (JsonNode var : dashboard.path("templating").path("list")) {
        Matcher m =
            Pattern.compile("label_values\\((\\w+), *(\\w+)\\)")
                .matcher(var.path("definition").asText());
        if (m.matches()) {
          JsonNode series =
              prometheus.api(
                  "/api/v1/series?match[]="
                      + URLEncoder.encode(m.group(1), StandardCharsets.UTF_8));
          List<String> values = new ArrayList<>();
          series.path("data").forEach(s -> values.add(s.path(m.group(2)).asText()));
          assertThat(values).as(var.path("name").asText()).contains(JOB_LABEL);
        }
      }

      // And the job's and ingest's rule groups are loaded and evaluate without errors
      Map<String, String> health = new LinkedHashMap<>();
      List<String> ruleMetrics = new ArrayList<>();
      await()
          .atMost(PATIENCE)
          .pollInterval(Duration.ofSeconds(1))
          .untilAsserted(
              () -> {
                health.clear();
                for (JsonNode g : prometheus.api("/api/v1/rules").path("data").path("groups")) {
                  for (JsonNode rule : g.path("rules")) {
                    health.put(
                        g.path("name").asText() + "/" + rule.path("name").asText(),
                        rule.path("health").asText() + rule.path("lastError").asText(""));
                    if (!g.path("name").asText().equals("flip-monitor")) {
                      Matcher m = RULE_METRIC.matcher(rule.path("query").asText());
                      while (m.find()) {
                        ruleMetrics.add(m.group());
                      }
                    }
                  }
                }
                assertThat(health.values()).as(health.toString()).allMatch("ok"::equals);
              });
      assertThat(health)
          .containsKeys(
              "spatial-inference-job/InferenceJobLagging",
              "spatial-inference-job/InferenceSlow",
              "spatial-inference-job/ModelReleaseRejected",
              "media-ingest/IngestStalled",
              "media-ingest/IngestBehindRealTime");
      // And every metric those rules read is one the running job, ingest or worker exposes
      assertThat(ruleMetrics).isNotEmpty();
      assertThat(
              prometheus.unanswered(
                  ruleMetrics.stream().distinct().map(n -> "count(" + n + ")").toList()))
          .as("rule metrics without series")
          .isEmpty();

      // And ingest ran without failing (stopped early: what it wrote so far is enough)
      ingestors.forEach(MediaIngestor::stop);
      for (Future<IngestResult> run : runs) {
        assertThat(run.get(30, TimeUnit.SECONDS).frames()).isPositive();
      }
    } finally {
      ingestors.forEach(MediaIngestor::stop);
      ingest.shutdown();
      ingest.awaitTermination(30, TimeUnit.SECONDS);
      if (connect != null) {
        connect.stop();
        connect.awaitStop();
      }
      Exit.resetExitProcedure();
      if (job != null) {
        io.earshot.flink.inference.JobStop.stopCommitting(job);
      }
    }
  }

  private static JsonNode panel(JsonNode dashboard, String title) {
    for (JsonNode p : dashboard.path("panels")) {
      if (p.path("title").asText().equals(title)) {
        return p;
      }
    }
    throw new AssertionError("no panel " + title);
  }

  /**
   * A standalone worker in this JVM, REST on loopback, as in connectors' MediaSourceConnectorIT.
   */
  private Map<String, String> worker(LocalStack stack) {
    Map<String, String> worker = new HashMap<>();
    worker.put("bootstrap.servers", stack.bootstrapServers());
    worker.put("listeners", "http://127.0.0.1:0");
    worker.put("offset.storage.file.filename", dir.resolve("connect-offsets").toString());
    worker.put("offset.flush.interval.ms", "1000");
    worker.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
    worker.put("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
    // Found through its ServiceLoader manifest; skips scanning every jar (ffmpeg's are large).
    worker.put("plugin.discovery", "service_load");
    return worker;
  }

  private static Map<String, String> connector(String name, Path video, LocalStack stack) {
    Map<String, String> c = new HashMap<>();
    c.put("name", name);
    c.put("connector.class", MediaSourceConnector.class.getName());
    c.put("tasks.max", "1");
    c.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
    c.put("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
    c.put(MediaSourceConfig.MEDIA_INPUT, video.toString());
    c.put(MediaSourceConfig.STREAM_ID, name);
    c.put(MediaSourceConfig.REALTIME, "true");
    c.put(MediaSourceConfig.SCHEMA_REGISTRY_URL, stack.registryUrl());
    return c;
  }

  /** A stereo test video: moving test pattern, a sine of its own pitch per channel. */
  private Path video(String name, int leftHz, int rightHz) throws Exception {
    Path out = dir.resolve(name);
    List<String> cmd =
        List.of(
            "ffmpeg",
            "-v",
            "error",
            "-nostdin",
            "-y",
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=320x240:rate=25:duration=20",
            "-f",
            "lavfi",
            "-i",
            "aevalsrc=exprs=0.5*sin("
                + leftHz
                + "*2*PI*t)|0.2*sin("
                + rightHz
                + "*2*PI*t):s=48000:d=20",
            "-c:v",
            "mpeg4",
            "-c:a",
            "pcm_s16le",
            out.toString());
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new AssertionError("ffmpeg failed (./earshot test installs it): " + log);
    }
    return out;
  }

  /** What a scraped endpoint served, under target/ (to compare with the dashboard's names). */
  private static void dump(int port, String what) {
    try {
      HttpResponse<String> r =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                      .timeout(Duration.ofSeconds(10))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      Files.writeString(Path.of("target", "pipeline-health-" + what + "-metrics.txt"), r.body());
    } catch (Exception e) {
      System.err.println("cannot save the " + what + " metrics: " + e);
    }
  }
}
