package io.earshot.streams.monitor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The monitor's one HTTP port: the operator page ({@code /}), the query API ({@code /api/...}) and
 * Prometheus metrics ({@code /metrics}).
 *
 * <pre>
 * GET /api/streams                  every stream of the fleet (fleet list with sparklines)
 * GET /api/streams/{id}             one stream with its recent history and latest track
 * GET /api/streams/{id}/frame       its newest video frame (JPEG)
 * GET /api/health                   Kafka Streams state; 503 unless RUNNING or REBALANCING
 * GET /metrics                      Prometheus text format
 * </pre>
 *
 * {@code ?scope=local} restricts an API call to this instance (what instances ask each other).
 * Bound before Kafka Streams starts, so the port it got is known for {@code application.server}.
 */
final class MonitorHttpServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(MonitorHttpServer.class);
  private static final String UI = "/io/earshot/streams/monitor/ui/";
  private static final Map<String, String> UI_FILES =
      Map.of(
          "index.html", "text/html; charset=utf-8",
          "app.js", "text/javascript; charset=utf-8",
          "style.css", "text/css; charset=utf-8");
  private static final String JSON_TYPE = "application/json";

  private final HttpServer server;
  private final ExecutorService executor;

  private MonitorHttpServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /** Binds the port (0 = any free one) without serving yet. */
  static MonitorHttpServer bind(String host, int port) {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 32);
      ExecutorService executor =
          Executors.newFixedThreadPool(
              4,
              r -> {
                Thread t = new Thread(r, "flip-monitor-http");
                t.setDaemon(true);
                return t;
              });
      server.setExecutor(executor);
      return new MonitorHttpServer(server, executor);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot listen on " + host + ":" + port + " for the monitor's HTTP API", e);
    }
  }

  int port() {
    return server.getAddress().getPort();
  }

  String host() {
    return server.getAddress().getHostString();
  }

  /** Starts serving. */
  void start(QueryRouter router, PrometheusRegistry registry, Supplier<String> appState) {
    server.createContext("/metrics", new MetricsHandler(registry));
    server.createContext("/api/", guarded(exchange -> api(exchange, router, appState)));
    server.createContext("/", guarded(MonitorHttpServer::ui));
    server.start();
    LOG.info("flip monitor HTTP on http://{}:{}/", host(), port());
  }

  private static void api(HttpExchange exchange, QueryRouter router, Supplier<String> appState)
      throws IOException {
    URI uri = exchange.getRequestURI();
    String path = uri.getRawPath();
    boolean local = "scope=local".equals(uri.getRawQuery());
    if (path.equals("/api/health")) {
      String state = appState.get();
      ObjectNode n = StreamStatusSerde.JSON.createObjectNode().put("state", state);
      boolean healthy = state.equals("RUNNING") || state.equals("REBALANCING");
      sendJson(exchange, healthy ? 200 : 503, n);
    } else if (path.equals("/api/streams") || path.equals("/api/streams/")) {
      sendJson(exchange, 200, router.streams(local));
    } else if (path.startsWith("/api/streams/")) {
      String rest = path.substring("/api/streams/".length());
      if (rest.endsWith("/frame")) {
        String id = decode(rest.substring(0, rest.length() - "/frame".length()));
        Optional<Content> frame = router.frame(id, local);
        if (frame.isPresent()) {
          send(exchange, 200, frame.get().mediaType(), frame.get().bytes());
        } else {
          sendError(exchange, 404, "no frame of stream " + id);
        }
      } else if (rest.contains("/")) {
        sendError(exchange, 404, "no such resource " + path);
      } else {
        String id = decode(rest);
        Optional<JsonNode> stream = router.stream(id, local);
        if (stream.isPresent()) {
          sendJson(exchange, 200, stream.get());
        } else {
          sendError(exchange, 404, "unknown stream " + id);
        }
      }
    } else {
      sendError(exchange, 404, "no such resource " + path);
    }
  }

  private static void ui(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    String name = path.equals("/") ? "index.html" : path.substring(1);
    String type = UI_FILES.get(name);
    if (type == null) {
      sendError(exchange, 404, "no such resource " + path);
      return;
    }
    try (InputStream in = MonitorHttpServer.class.getResourceAsStream(UI + name)) {
      if (in == null) {
        sendError(exchange, 500, "operator page resource missing: " + name);
        return;
      }
      send(exchange, 200, type, in.readAllBytes());
    }
  }

  /** GET only; maps unavailability to 503 and anything unexpected to 500 with one line. */
  private static HttpHandler guarded(HttpHandler handler) {
    return exchange -> {
      // Not try-with-resources: the error answers below must be sent before the exchange closes.
      try {
        if (!exchange.getRequestMethod().equals("GET")) {
          exchange.getResponseHeaders().set("Allow", "GET");
          sendError(exchange, 405, "only GET is supported");
          return;
        }
        handler.handle(exchange);
      } catch (MonitorUnavailableException | InvalidStateStoreException e) {
        exchange.getResponseHeaders().set("Retry-After", "1");
        sendError(exchange, 503, e.getMessage());
      } catch (RuntimeException e) {
        LOG.warn("error serving {}", exchange.getRequestURI(), e);
        sendError(exchange, 500, e.toString());
      } finally {
        exchange.close();
      }
    };
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  private static void sendJson(HttpExchange exchange, int status, JsonNode body)
      throws IOException {
    send(exchange, status, JSON_TYPE, StreamStatusSerde.JSON.writeValueAsBytes(body));
  }

  private static void sendError(HttpExchange exchange, int status, String message) {
    try {
      sendJson(exchange, status, StreamStatusSerde.JSON.createObjectNode().put("error", message));
    } catch (IOException e) {
      LOG.debug("client went away: {}", e.toString());
    }
  }

  private static void send(HttpExchange exchange, int status, String type, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
