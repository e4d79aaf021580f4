package io.earshot.docker;

import static org.assertj.core.api.Assertions.assertThat;

import io.earshot.domain.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docker/compose.yaml as compose itself resolves it ({@code docker compose config}, or Debian's
 * {@code docker-compose config}), for the default profile and the gpu profile. No engine needed.
 */
class ComposeConfigTest {

  private static final Set<String> DEFAULT_SERVICES =
      Set.of(
          "kafka",
          "topic-init",
          "schema-registry",
          "registry-init",
          "jobmanager",
          "taskmanager",
          "job-submit",
          "flip-monitor",
          "ingest-connector",
          "ingest-register",
          "prometheus",
          "grafana");

  private static final Set<String> SCALABLE = Set.of("taskmanager", "taskmanager-gpu");

  private static ComposeTool compose;
  private static Map<String, Object> defaults;
  private static Map<String, Object> gpu;

  @BeforeAll
  static void resolve() throws Exception {
    compose = ComposeTool.find();
    ComposeTool.Run d = compose.config();
    assertThat(d.exit()).as(compose.name() + " config: " + d.stderr()).isZero();
    defaults = Repo.yaml(d.stdout());
    ComposeTool.Run g = compose.config("gpu");
    assertThat(g.exit()).as(compose.name() + " --profile gpu config: " + g.stderr()).isZero();
    gpu = Repo.yaml(g.stdout());
  }

  @Test
  void shouldResolveEveryServiceOfTheDeploymentWhenConfigIsRunWithTheDefaultProfile() {
    assertThat(services(defaults).keySet()).containsAll(DEFAULT_SERVICES);
    if (compose.v2()) {
      // v2 leaves out services of inactive profiles: a plain `up` never asks for a GPU.
      assertThat(services(defaults)).doesNotContainKeys("taskmanager-gpu", "cli");
    }
    assertThat(services(gpu).keySet()).containsAll(DEFAULT_SERVICES).contains("taskmanager-gpu");
  }

  @Test
  void shouldRequestAnNvidiaGpuForTheGpuTaskManagerOnlyWhenTheGpuProfileIsActive() {
    Map<String, Object> tm = service(gpu, "taskmanager-gpu");
    List<Object> devices = list(path(tm, "deploy", "resources", "reservations", "devices"));

    assertThat(list(tm.get("profiles"))).containsExactly("gpu");
    assertThat(devices).hasSize(1);
    Map<String, Object> device = map(devices.get(0));
    assertThat(device.get("driver")).isEqualTo("nvidia");
    assertThat(list(device.get("capabilities"))).contains("gpu");
    assertThat(String.valueOf(device.get("count"))).isEqualTo("1");
    assertThat(path(tm, "build", "target")).isEqualTo("flink-gpu");
    assertThat(String.valueOf(tm.get("command"))).contains("taskmanager");
    // No other service asks for a device: the default `up` runs on machines without a GPU.
    services(gpu)
        .forEach(
            (name, s) -> {
              if (!name.equals("taskmanager-gpu")) {
                assertThat(map(s).get("deploy")).as(name).isNull();
                assertThat(map(s).get("runtime")).as(name).isNull();
              }
            });
  }

  @Test
  void shouldLetTaskManagersScaleWhenNoFixedNameOrHostPortIsSet() {
    for (String name : SCALABLE) {
      Map<String, Object> tm = service(gpu, name);
      assertThat(tm).as(name).doesNotContainKeys("container_name", "ports", "hostname");
      assertThat(path(tm, "depends_on", "jobmanager", "condition")).isEqualTo("service_healthy");
      assertThat(env(tm).get("TASK_MANAGER_NUMBER_OF_TASK_SLOTS")).as(name).isNotBlank();
    }
    // Nothing has a container_name; host ports are never published twice.
    Set<String> hostPorts = new TreeSet<>();
    services(gpu)
        .forEach(
            (name, s) -> {
              assertThat(map(s)).as(name).doesNotContainKey("container_name");
              for (Object p : list(map(s).getOrDefault("ports", List.of()))) {
                String published = publishedPort(p);
                assertThat(hostPorts.add(published)).as(name + " publishes " + published).isTrue();
              }
            });
  }

  @Test
  void shouldPointEveryBuildAtAnExistingContextDockerfileAndStageWhenResolved() {
    DockerfileModel dockerfile = DockerfileModel.parse(Repo.DOCKER.resolve("Dockerfile"));
    int builds = 0;
    for (var e : services(gpu).entrySet()) {
      Object build = map(e.getValue()).get("build");
      if (build == null) {
        continue;
      }
      builds++;
      Map<String, Object> b = map(build);
      Path context = Path.of(String.valueOf(b.get("context")));
      assertThat(context).as(e.getKey()).isDirectory().isEqualTo(Repo.ROOT);
      Path file = context.resolve(String.valueOf(b.getOrDefault("dockerfile", "Dockerfile")));
      assertThat(file).as(e.getKey()).isRegularFile();
      assertThat(file).isEqualTo(Repo.DOCKER.resolve("Dockerfile"));
      String target = String.valueOf(b.get("target"));
      assertThat(dockerfile.stage(target)).as(e.getKey() + " target " + target).isNotNull();
      String image = String.valueOf(map(e.getValue()).get("image"));
      assertThat(image).as(e.getKey()).startsWith("earshot/").endsWith(":" + Repo.projectVersion());
    }
    assertThat(builds).isGreaterThanOrEqualTo(5);
  }

  @Test
  void shouldMountOnlyHostPathsThatExistInTheRepositoryWhenBindMounted() {
    Set<String> named = map(gpu.getOrDefault("volumes", Map.of())).keySet();
    for (var e : services(gpu).entrySet()) {
      for (Mount m : mounts(map(e.getValue()))) {
        if (m.bind()) {
          Path source = Path.of(m.source());
          assertThat(source).as(e.getKey() + " mounts " + m.source()).exists();
          assertThat(source.normalize().startsWith(Repo.ROOT))
              .as(e.getKey() + ": " + source + " is inside the repository")
              .isTrue();
        } else {
          assertThat(named).as(e.getKey() + " uses volume " + m.source()).contains(m.source());
        }
      }
    }
  }

  @Test
  void shouldWaitForHealthyOrFinishedDependenciesWhenServicesStart() {
    Map<String, Object> all = services(gpu);
    Set<String> conditions =
        Set.of("service_started", "service_healthy", "service_completed_successfully");
    for (var e : all.entrySet()) {
      Object deps = map(e.getValue()).get("depends_on");
      if (deps == null) {
        continue;
      }
      for (var d : map(deps).entrySet()) {
        assertThat(all).as(e.getKey() + " depends on " + d.getKey()).containsKey(d.getKey());
        String condition = String.valueOf(map(d.getValue()).get("condition"));
        assertThat(conditions).contains(condition);
        if (condition.equals("service_healthy")) {
          assertThat(service(gpu, d.getKey())).as(d.getKey()).containsKey("healthcheck");
        }
        if (condition.equals("service_completed_successfully")) {
          assertThat(String.valueOf(service(gpu, d.getKey()).get("restart")))
              .as(d.getKey() + " is a one-shot")
              .isIn("no", "null");
        }
      }
    }
    for (String longRunning :
        List.of(
            "kafka",
            "jobmanager",
            "taskmanager",
            "taskmanager-gpu",
            "flip-monitor",
            "ingest-connector",
            "prometheus",
            "grafana")) {
      assertThat(service(gpu, longRunning)).as(longRunning).containsKey("healthcheck");
    }
    assertThat(path(service(gpu, "job-submit"), "depends_on", "topic-init", "condition"))
        .isEqualTo("service_completed_successfully");
    assertThat(path(service(gpu, "job-submit"), "depends_on", "registry-init", "condition"))
        .isEqualTo("service_completed_successfully");
  }

  @Test
  void shouldSubmitTheRealJobWithOptionsTheJobAcceptsWhenTheClientRuns() throws Exception {
    Map<String, Object> submit = service(defaults, "job-submit");
    List<String> command = list(submit.get("command")).stream().map(String::valueOf).toList();

    assertThat(command.get(0)).isEqualTo("/opt/earshot/bin/submit-job.sh");
    List<String> jobArgs = command.subList(1, command.size());
    Object config = Repo.parseJobArgs(jobArgs);
    assertThat(config.toString())
        .contains("bootstrapServers=kafka:9092")
        .contains("registryUrl=http://schema-registry:8080/apis/ccompat/v7")
        .contains("model=/opt/earshot/models/flip-detector-cpu");
    String script = Repo.read(Repo.DOCKER.resolve("flink/submit-job.sh"));
    assertThat(script)
        .contains("entry=" + Repo.JOB_MAIN_CLASS)
        .contains("flink run -d -m \"$jm\"")
        .contains("\"$@\"");
    assertThat(Repo.DOCKER.resolve("flink/submit-job.sh")).isExecutable();
    // Kafka and the registry the job talks to are services of this file.
    assertThat(services(defaults)).containsKeys("kafka", "schema-registry");
  }

  @Test
  void shouldConfigureFlinkForPrometheusAndSharedCheckpointsWhenProcessesStart() {
    for (String name : List.of("jobmanager", "taskmanager", "taskmanager-gpu", "job-submit")) {
      String props = env(service(gpu, name)).get("FLINK_PROPERTIES");
      assertThat(props)
          .as(name)
          .contains("jobmanager.rpc.address: jobmanager")
          .contains(
              "metrics.reporter.prom.factory.class:"
                  + " org.apache.flink.metrics.prometheus.PrometheusReporterFactory")
          .contains("metrics.reporter.prom.port: 9249")
          .contains("execution.checkpointing.dir: file:///opt/flink/checkpoints")
          .contains("-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.earshot.avro");
      assertThat(mounts(service(gpu, name)))
          .as(name)
          .anyMatch(m -> m.target().equals("/opt/flink/checkpoints") && !m.bind())
          .anyMatch(m -> m.target().equals("/opt/earshot/model-store") && !m.bind());
    }
  }

  @Test
  void shouldUseTheVersionsOfTheBuildWhenPullingKafkaAndTheRegistry() {
    assertThat(service(defaults, "kafka").get("image"))
        .isEqualTo("apache/kafka:" + Repo.pomProperty("kafka.version"));
    assertThat(service(defaults, "topic-init").get("image"))
        .isEqualTo("apache/kafka:" + Repo.pomProperty("kafka.version"));
    assertThat(service(defaults, "schema-registry").get("image"))
        .isEqualTo("apicurio/apicurio-registry:" + Repo.pomProperty("apicurio.version"));
    assertThat(Repo.read(Repo.ROOT.resolve("earshot")))
        .contains("APICURIO_VERSION=\"" + Repo.pomProperty("apicurio.version") + "\"");
  }

  @Test
  void shouldGiveKafkaAClusterIdItAcceptsWhenTheBrokerFormatsItsStorage() {
    String id = env(service(defaults, "kafka")).get("CLUSTER_ID");

    // Kafka's Uuid: 16 bytes, base64url without padding (22 characters).
    assertThat(id).hasSize(22);
    assertThat(java.util.Base64.getUrlDecoder().decode(id)).hasSize(16);
    assertThat(env(service(defaults, "kafka")).get("KAFKA_ADVERTISED_LISTENERS"))
        .contains("INTERNAL://kafka:9092");
  }

  @Test
  void shouldScrapeOnlyComposeServicesWithOpsJobNamesWhenPrometheusRuns() {
    Map<String, Object> prometheus = service(defaults, "prometheus");
    Path config = bindSource(prometheus, "/etc/prometheus/prometheus.yml");
    Map<String, Object> scrape = Repo.yaml(config);
    Set<String> services = services(gpu).keySet();
    Set<String> jobs = new TreeSet<>();

    for (Object o : list(scrape.get("scrape_configs"))) {
      Map<String, Object> job = map(o);
      jobs.add(String.valueOf(job.get("job_name")));
      for (Object sc : list(job.getOrDefault("static_configs", List.of()))) {
        for (Object t : list(map(sc).get("targets"))) {
          String host = String.valueOf(t).split(":")[0];
          assertThat(services).as("static target " + t).contains(host);
        }
      }
      for (Object dns : list(job.getOrDefault("dns_sd_configs", List.of()))) {
        for (Object n : list(map(dns).get("names"))) {
          assertThat(services).as("DNS target " + n).contains(String.valueOf(n));
        }
      }
    }
    Set<String> opsJobs = new TreeSet<>();
    for (Object o :
        list(Repo.yaml(Repo.ROOT.resolve("ops/prometheus/prometheus.yml")).get("scrape_configs"))) {
      opsJobs.add(String.valueOf(map(o).get("job_name")));
    }
    assertThat(jobs).isEqualTo(opsJobs);
    // The ports scraped are the ones the services listen on.
    assertThat(Repo.read(config)).contains("port: 8090").contains("port: 9249").contains("9404");
    assertThat(String.valueOf(service(defaults, "flip-monitor").get("command")))
        .contains("--http-port 8090");
    assertThat(Repo.read(Repo.DOCKER.resolve("connect/start-worker.sh")))
        .contains("jmx_prometheus_javaagent.jar=9404:");
  }

  @Test
  void shouldLoadOpsAlertRulesWhenPromtoolChecksTheMountedConfig(@TempDir Path dir)
      throws Exception {
    // Rebuild /etc/prometheus as the container sees it, from the resolved mounts.
    Map<String, Object> prometheus = service(defaults, "prometheus");
    Path config = bindSource(prometheus, "/etc/prometheus/prometheus.yml");
    Path rules = bindSource(prometheus, "/etc/prometheus/rules");
    assertThat(rules).isEqualTo(Repo.ROOT.resolve("ops/prometheus/rules"));
    Files.copy(config, dir.resolve("prometheus.yml"));
    Files.createDirectories(dir.resolve("rules"));
    int ruleFiles = 0;
    try (Stream<Path> s = Files.list(rules)) {
      for (Path p : s.filter(p -> p.toString().endsWith(".rules.yml")).toList()) {
        Files.copy(p, dir.resolve("rules").resolve(p.getFileName()));
        ruleFiles++;
      }
    }

    Process p =
        new ProcessBuilder(promtool(), "check", "config", "prometheus.yml")
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();

    assertThat(p.exitValue()).as(out).isZero();
    assertThat(ruleFiles).isPositive();
    assertThat(out).contains("SUCCESS: " + ruleFiles + " rule files found");
  }

  @Test
  void shouldProvisionGrafanaFromOpsWithThePrometheusServiceWhenGrafanaStarts() {
    Map<String, Object> grafana = service(defaults, "grafana");
    Path datasources = bindSource(grafana, "/etc/grafana/provisioning/datasources");
    Path providers = bindSource(grafana, "/etc/grafana/provisioning/dashboards");
    Path dashboards = null;
    String dashboardsTarget = null;
    for (Mount m : mounts(grafana)) {
      if (m.bind() && Path.of(m.source()).equals(Repo.ROOT.resolve("ops/grafana/dashboards"))) {
        dashboards = Path.of(m.source());
        dashboardsTarget = m.target();
      }
    }
    assertThat(providers).isEqualTo(Repo.ROOT.resolve("ops/grafana/provisioning/dashboards"));
    assertThat(dashboards).as("ops/grafana/dashboards mounted").isNotNull();

    // The provider loads the dashboards from where they are mounted.
    Map<String, Object> provider =
        Repo.yaml(providers.resolve("earshot.yml")).entrySet().stream()
            .filter(e -> e.getKey().equals("providers"))
            .map(e -> map(list(e.getValue()).get(0)))
            .findFirst()
            .orElseThrow();
    assertThat(path(provider, "options", "path")).isEqualTo(dashboardsTarget);

    // The compose datasource is ops' datasource with the prometheus service's URL.
    Map<String, Object> ours =
        map(list(Repo.yaml(datasources.resolve("prometheus.yml")).get("datasources")).get(0));
    Map<String, Object> ops =
        map(
            list(Repo.yaml(Repo.ROOT.resolve("ops/grafana/provisioning/datasources/prometheus.yml"))
                    .get("datasources"))
                .get(0));
    assertThat(ours.get("uid")).isEqualTo(ops.get("uid"));
    assertThat(ours.get("type")).isEqualTo("prometheus");
    assertThat(ours.get("url")).isEqualTo("http://prometheus:9090");
    assertThat(services(defaults)).containsKey("prometheus");
  }

  @Test
  void shouldCreateTheTopicsOfCoreWithTheirSettingsWhenTopicInitRuns() {
    Map<String, Object> init = service(defaults, "topic-init");
    Path script = bindSource(init, "/scripts/create-topics.sh");
    Map<String, List<String>> created = new LinkedHashMap<>();
    for (String line : Repo.read(script).split("\n")) {
      String[] t = line.strip().split("\\s+");
      if (t.length == 6 && t[0].equals("create")) {
        created.put(t[1], List.of(t[2], t[3], t[4], t[5]));
      }
    }
    Map<String, List<String>> expected = new LinkedHashMap<>();
    Topics.all()
        .forEach(
            spec ->
                expected.put(
                    spec.name(),
                    List.of(
                        String.valueOf(spec.partitions()),
                        spec.compacted() ? "compact" : "delete",
                        String.valueOf(spec.retentionMillis()),
                        String.valueOf(spec.maxMessageBytes()))));

    assertThat(created).isEqualTo(expected);
    assertThat(Repo.read(script)).contains("--if-not-exists");
  }

  @Test
  void shouldRunTheConnectorAndTheMonitorAgainstTheComposeStackWhenStarted() {
    Map<String, Object> worker = service(defaults, "ingest-connector");
    assertThat(env(worker).get("EARSHOT_BOOTSTRAP_SERVERS")).isEqualTo("kafka:9092");
    assertThat(mounts(worker)).anyMatch(m -> m.bind() && m.target().equals("/media"));
    assertThat(Repo.read(Repo.DOCKER.resolve("connect/register-connector.sh")))
        .contains("io.earshot.connectors.connect.MediaSourceConnector")
        .contains("org.apache.kafka.connect.converters.ByteArrayConverter");
    assertThat(
            Repo.read(
                Repo.ROOT.resolve(
                    "connectors/src/main/java/io/earshot/connectors/connect/MediaSourceConnector.java")))
        .contains("class MediaSourceConnector");
    String monitor = String.valueOf(service(defaults, "flip-monitor").get("command"));
    assertThat(monitor)
        .contains("earshot monitor")
        .contains("--bootstrap-servers kafka:9092")
        .contains("--registry-url http://schema-registry:8080/apis/ccompat/v7")
        .contains("--set http-host=");
  }

  // --- resolved-config helpers (compose v2 and docker-compose 1.29 print mounts differently) ---

  record Mount(boolean bind, String source, String target) {}

  static List<Mount> mounts(Map<String, Object> service) {
    List<Mount> out = new ArrayList<>();
    for (Object v : list(service.getOrDefault("volumes", List.of()))) {
      if (v instanceof String s) {
        String[] parts = s.split(":");
        boolean bind = parts[0].startsWith("/") || parts[0].startsWith(".");
        out.add(new Mount(bind, parts[0], parts[1]));
      } else {
        Map<String, Object> m = map(v);
        out.add(
            new Mount(
                "bind".equals(m.get("type")),
                String.valueOf(m.get("source")),
                String.valueOf(m.get("target"))));
      }
    }
    return out;
  }

  static Path bindSource(Map<String, Object> service, String target) {
    return mounts(service).stream()
        .filter(m -> m.bind() && m.target().equals(target))
        .map(m -> Path.of(m.source()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no bind mount at " + target));
  }

  private static String publishedPort(Object port) {
    if (port instanceof String s) {
      String[] parts = s.split(":");
      return parts.length >= 3 ? parts[0] + ":" + parts[1] : parts[0];
    }
    Map<String, Object> m = map(port);
    return m.getOrDefault("host_ip", "") + ":" + m.get("published");
  }

  static Map<String, Object> services(Map<String, Object> config) {
    return map(config.get("services"));
  }

  static Map<String, Object> service(Map<String, Object> config, String name) {
    Object s = services(config).get(name);
    assertThat(s).as("service " + name).isNotNull();
    return map(s);
  }

  static Map<String, String> env(Map<String, Object> service) {
    Map<String, String> out = new LinkedHashMap<>();
    Object e = service.get("environment");
    if (e instanceof Map<?, ?> m) {
      m.forEach((k, v) -> out.put(String.valueOf(k), v == null ? "" : String.valueOf(v)));
    } else if (e instanceof List<?> l) {
      for (Object o : l) {
        String s = String.valueOf(o);
        int eq = s.indexOf('=');
        out.put(eq < 0 ? s : s.substring(0, eq), eq < 0 ? "" : s.substring(eq + 1));
      }
    }
    return out;
  }

  static Object path(Map<String, Object> m, String... keys) {
    Object o = m;
    for (String k : keys) {
      assertThat(o).as("missing " + k + " in " + String.join(".", keys)).isInstanceOf(Map.class);
      o = ((Map<?, ?>) o).get(k);
    }
    return o;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object o) {
    assertThat(o).isInstanceOf(Map.class);
    return (Map<String, Object>) o;
  }

  @SuppressWarnings("unchecked")
  static List<Object> list(Object o) {
    assertThat(o).isInstanceOf(List.class);
    return (List<Object>) o;
  }

  private static String promtool() {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
      Path p = Path.of(dir, "promtool");
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    throw new AssertionError(
        "promtool is required to check docker/prometheus/prometheus.yml: install Debian's"
            + " prometheus package (apt-get install prometheus), or run ./earshot test");
  }
}
