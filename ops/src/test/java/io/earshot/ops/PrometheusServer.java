package io.earshot.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.earshot.stack.Ports;
import java.io.IOException;
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
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Prometheus server (Debian's package) as a child process on loopback, with a temporary
 * TSDB. Loads the project's alert rules and scrapes the given targets every second.
 */
final class PrometheusServer implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final Process process;
  private final Path dir;
  private final int port;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private PrometheusServer(Process process, Path dir, int port) {
    this.process = process;
    this.dir = dir;
    this.port = port;
  }

  /**
   * Starts Prometheus.
   *
   * @param job scrape job name (as in ops/prometheus/prometheus.yml)
   * @param target {@code 127.0.0.1:port} to scrape
   * @param ruleFiles absolute paths of rule files to load
   */
  static PrometheusServer start(String job, String target, List<Path> ruleFiles)
      throws IOException {
    return start(Map.of(job, target), ruleFiles);
  }

  /**
   * Starts Prometheus scraping several jobs.
   *
   * @param targets {@code 127.0.0.1:port} to scrape by scrape job name (as in
   *     ops/prometheus/prometheus.yml)
   * @param ruleFiles absolute paths of rule files to load
   */
  static PrometheusServer start(Map<String, String> targets, List<Path> ruleFiles)
      throws IOException {
    Path binary = OpsTools.require("prometheus");
    Path dir = Files.createTempDirectory("earshot-prometheus-");
    StringBuilder config = new StringBuilder();
    config.append("global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n");
    config.append("rule_files:\n");
    for (Path rule : ruleFiles) {
      config.append("  - '").append(rule).append("'\n");
    }
    config.append("scrape_configs:\n");
    targets.forEach(
        (job, target) -> {
          config.append("  - job_name: ").append(job).append('\n');
          config.append("    static_configs:\n      - targets: ['").append(target).append("']\n");
        });
    Files.writeString(dir.resolve("prometheus.yml"), config);
    int port = Ports.freeLoopbackPort();
    Process p =
        new ProcessBuilder(
                binary.toString(),
                "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port,
                "--log.level=warn")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("prometheus.log").toFile())
            .start();
    return new PrometheusServer(p, dir, port);
  }

  String url() {
    return "http://127.0.0.1:" + port;
  }

  /** The server's log so far (for failure messages). */
  String log() throws IOException {
    return Files.readString(dir.resolve("prometheus.log"));
  }

  boolean ready() {
    try {
      return get("/-/ready").statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** An instant query; the whole API answer ({@code status}, {@code data} or {@code error}). */
  JsonNode query(String promql) throws IOException, InterruptedException {
    return api("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
  }

  /**
   * The queries that do not parse or return no series, each with the reason; empty when every query
   * answers.
   */
  Map<String, String> unanswered(Collection<String> queries)
      throws IOException, InterruptedException {
    Map<String, String> problems = new LinkedHashMap<>();
    for (String q : queries) {
      JsonNode answer = query(q);
      if (!answer.path("status").asText().equals("success")) {
        problems.put(q, "error: " + answer.path("error").asText());
      } else if (answer.path("data").path("result").isEmpty()) {
        problems.put(q, "no series");
      }
    }
    return problems;
  }

  /** Names of every metric Prometheus has stored (for failure messages). */
  List<String> metricNames() throws IOException, InterruptedException {
    List<String> names = new ArrayList<>();
    api("/api/v1/label/__name__/values").path("data").forEach(n -> names.add(n.asText()));
    return names;
  }

  JsonNode api(String pathAndQuery) throws IOException, InterruptedException {
    return JSON.readTree(get(pathAndQuery).body());
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Override
  public void close() throws IOException, InterruptedException {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }
}
