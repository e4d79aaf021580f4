package io.earshot.streams.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP layer on loopback: status codes, error bodies, static page. */
class MonitorHttpServerTest {

  private final HttpClient http = HttpClient.newHttpClient();
  private MonitorHttpServer server;
  private String base;

  @BeforeEach
  void start() {
    server = MonitorHttpServer.bind("127.0.0.1", 0);
    HostInfo self = new HostInfo("127.0.0.1", server.port());
    QueryRouter.Locator rebalancing =
        new QueryRouter.Locator() {
          @Override
          public HostInfo self() {
            return self;
          }

          @Override
          public Optional<HostInfo> activeHost(String store, String key) {
            return Optional.empty();
          }

          @Override
          public Set<HostInfo> instances(String store) {
            return Set.of(self);
          }
        };
    LocalView closedStores =
        new LocalView(
            store -> {
              throw new InvalidStateStoreException("rebalancing");
            },
            AvroBinarySerde.monitorSerdes(),
            FlipMonitorConfig.from(Map.of()).correction(),
            true,
            QueryRouter.hostString(self));
    server.start(
        new QueryRouter(rebalancing, closedStores, (h, p) -> Optional.empty()),
        new MonitorMetrics().registry(),
        () -> "REBALANCING");
    base = "http://127.0.0.1:" + server.port();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(base + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void shouldAnswerServiceUnavailableWithReasonWhenStoresAreRebalancing() throws Exception {
    HttpResponse<String> list = get("/api/streams");
    HttpResponse<String> one = get("/api/streams/cam-1");

    assertThat(list.statusCode()).isEqualTo(503);
    assertThat(list.body()).contains("\"error\"").contains("not queryable");
    assertThat(list.headers().firstValue("Retry-After")).hasValue("1");
    assertThat(one.statusCode()).isEqualTo(503);
    assertThat(one.body()).contains("cam-1");
    assertThat(get("/api/health").body()).contains("REBALANCING");
  }

  @Test
  void shouldServeOperatorPageAndMetricsWhenAskedForThem() throws Exception {
    HttpResponse<String> page = get("/");

    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
    assertThat(page.body()).contains("<script src=\"app.js\">");
    assertThat(get("/app.js").body()).contains("api/streams");
    assertThat(get("/metrics").body()).contains("earshot_monitor_predictions_total");
  }

  @Test
  void shouldRejectUnknownPathsAndMethodsWhenRequested() throws Exception {
    HttpResponse<String> post =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/api/streams"))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(get("/etc/passwd").statusCode()).isEqualTo(404);
    assertThat(get("/api/streams/a/b").statusCode()).isEqualTo(404);
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.headers().firstValue("Allow")).hasValue("GET");
  }
}
