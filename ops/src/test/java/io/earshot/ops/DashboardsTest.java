package io.earshot.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Static checks of the committed Grafana dashboards and provisioning. */
class DashboardsTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  static JsonNode dashboard(String name) throws Exception {
    return JSON.readTree(OpsTools.OPS.resolve("grafana/dashboards/" + name + ".json").toFile());
  }

  /** Every PromQL expression of a dashboard's panels. */
  static List<String> expressions(JsonNode dashboard) {
    List<String> out = new ArrayList<>();
    dashboard
        .path("panels")
        .forEach(p -> p.path("targets").forEach(t -> out.add(t.path("expr").asText())));
    return out;
  }

  /**
   * What Grafana would put in place of its variables, for an instant query over everything: {@code
   * $__rate_interval} (four 1 s scrape intervals and more), {@code $__interval}, and each template
   * variable's "All" value.
   */
  static String substitute(String expr, JsonNode dashboard) {
    String out = expr.replace("$__rate_interval", "30s").replace("$__interval", "5s");
    for (JsonNode var : dashboard.path("templating").path("list")) {
      String all = var.path("allValue").asText(".+");
      out = out.replace("${" + var.path("name").asText() + "}", all);
      out = out.replace("$" + var.path("name").asText(), all);
    }
    return out;
  }

  @Test
  void shouldGiveEveryPanelUniqueIdAndPrometheusQueryWhenDashboardsAreLoaded() throws Exception {
    for (String name : OpsTools.files("grafana/dashboards", ".json")) {
      JsonNode d = JSON.readTree(OpsTools.OPS.resolve(name).toFile());
      assertThat(d.path("uid").asText()).as(name).startsWith("earshot-");
      Set<Integer> ids = new HashSet<>();
      for (JsonNode p : d.path("panels")) {
        assertThat(ids.add(p.path("id").asInt())).as(name + " panel id " + p.path("id")).isTrue();
        assertThat(p.path("datasource").path("uid").asText()).isEqualTo("${datasource}");
        assertThat(p.path("targets")).as(name + ": " + p.path("title")).isNotEmpty();
        p.path("targets").forEach(t -> assertThat(t.path("expr").asText()).isNotBlank());
      }
    }
  }

  @Test
  void shouldQueryOnlyMonitorMetricsWhenBuildingFleetOverview() throws Exception {
    for (String expr : expressions(dashboard("fleet-overview"))) {
      assertThat(expr).containsAnyOf("earshot_monitor_", "up{job=\"flip-monitor\"}");
    }
  }

  @Test
  void shouldQueryOnlyJobIngestAndScrapeMetricsWhenBuildingPipelineHealth() throws Exception {
    for (String expr : expressions(dashboard("pipeline-health"))) {
      assertThat(expr)
          .containsAnyOf(
              "flink_jobmanager_",
              "flink_taskmanager_",
              "earshot_ingest_",
              "kafka_producer_",
              "kafka_connect_",
              "up{");
    }
  }

  @Test
  void shouldPointProvisioningAtPrometheusDatasourceUsedByDashboardsWhenProvisioned()
      throws Exception {
    String ds =
        Files.readString(OpsTools.OPS.resolve("grafana/provisioning/datasources/prometheus.yml"));
    JsonNode var = dashboard("fleet-overview").path("templating").path("list").get(0);

    assertThat(ds).contains("uid: earshot-prometheus").contains("type: prometheus");
    assertThat(var.path("current").path("value").asText()).isEqualTo("earshot-prometheus");
    assertThat(
            Files.readString(OpsTools.OPS.resolve("grafana/provisioning/dashboards/earshot.yml")))
        .contains("type: file");
  }
}
