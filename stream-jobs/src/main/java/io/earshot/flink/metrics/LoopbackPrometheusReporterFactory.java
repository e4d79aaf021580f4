package io.earshot.flink.metrics;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.HTTPServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.net.InetSocketAddress;
import java.util.Properties;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.prometheus.AbstractPrometheusReporter;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/**
 * Flink's Prometheus reporter (same metric names and labels as {@code PrometheusReporterFactory}),
 * served on a chosen address instead of every interface: Flink's own reporter has no host option
 * and binds the wildcard address.
 *
 * <p>Configuration: {@code metrics.reporter.prom.factory.class} this class, {@code
 * metrics.reporter.prom.port} (default 9249) and {@code metrics.reporter.prom.host} (default
 * 127.0.0.1).
 */
public final class LoopbackPrometheusReporterFactory implements MetricReporterFactory {

  public static final String HOST = "host";
  public static final String PORT = "port";

  /**
   * Flink configuration that reports every metric of a cluster (a MiniCluster's JobManager and
   * TaskManager share it) for Prometheus on {@code http://host:port/metrics}.
   */
  public static Configuration configuration(String host, int port) {
    Configuration c = new Configuration();
    c.setString(
        "metrics.reporter.prom.factory.class", LoopbackPrometheusReporterFactory.class.getName());
    c.setString("metrics.reporter.prom." + HOST, host);
    c.setString("metrics.reporter.prom." + PORT, String.valueOf(port));
    return c;
  }

  @Override
  public MetricReporter createMetricReporter(Properties properties) {
    MetricConfig config = (MetricConfig) properties;
    return new Reporter(config.getString(HOST, "127.0.0.1"), config.getInteger(PORT, 9249));
  }

  /** The abstract reporter's collectors, served by an HTTP server on one address. */
  static final class Reporter extends AbstractPrometheusReporter {
    private final HTTPServer server;

    Reporter(String host, int port) {
      try {
        server = new HTTPServer(new InetSocketAddress(host, port), registry(this), true);
      } catch (IOException e) {
        throw new UncheckedIOException(
            "cannot serve Flink metrics on " + host + ":" + port + " (port in use?)", e);
      }
      log.info("Flink metrics for Prometheus on http://{}:{}/metrics", host, server.getPort());
    }

    /** The registry the abstract reporter fills; package-private in Flink, hence reflection. */
    private static CollectorRegistry registry(AbstractPrometheusReporter reporter) {
      try {
        Field f = AbstractPrometheusReporter.class.getDeclaredField("registry");
        f.setAccessible(true);
        return (CollectorRegistry) f.get(reporter);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(
            "this Flink version's AbstractPrometheusReporter has no registry field", e);
      }
    }

    int port() {
      return server.getPort();
    }

    @Override
    public void close() {
      server.stop();
      super.close();
    }
  }
}
