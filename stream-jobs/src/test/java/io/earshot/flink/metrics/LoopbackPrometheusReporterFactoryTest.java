package io.earshot.flink.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.MetricConfig;
import org.junit.jupiter.api.Test;

/** The reporter {@code ./earshot job --metrics-port} configures. */
class LoopbackPrometheusReporterFactoryTest {

  @Test
  void shouldServeMetricsOnConfiguredLoopbackAddressWhenCreatedFromConfiguration()
      throws Exception {
    Configuration flink = LoopbackPrometheusReporterFactory.configuration("127.0.0.1", 0);
    MetricConfig reporterConfig = new MetricConfig();
    reporterConfig.setProperty("host", flink.getString("metrics.reporter.prom.host", null));
    reporterConfig.setProperty("port", flink.getString("metrics.reporter.prom.port", null));

    LoopbackPrometheusReporterFactory.Reporter reporter =
        (LoopbackPrometheusReporterFactory.Reporter)
            new LoopbackPrometheusReporterFactory().createMetricReporter(reporterConfig);
    try {
      reporter.open(reporterConfig);
      HttpResponse<String> r =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + reporter.port() + "/metrics"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());

      assertThat(flink.getString("metrics.reporter.prom.factory.class", null))
          .isEqualTo(LoopbackPrometheusReporterFactory.class.getName());
      assertThat(reporter.port()).isPositive();
      assertThat(r.statusCode()).isEqualTo(200);
    } finally {
      reporter.close();
    }
  }
}
