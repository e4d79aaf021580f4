package io.earshot.docker;

import static io.earshot.docker.ComposeConfigTest.list;
import static io.earshot.docker.ComposeConfigTest.map;
import static io.earshot.docker.ComposeConfigTest.path;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * docker/k8s: the SpatialInferenceJob under the Flink Kubernetes Operator. The GPU manifest asks
 * for an NVIDIA GPU per TaskManager; the CPU manifest is the same without it.
 */
class FlinkDeploymentTest {

  private static final Path GPU = Repo.DOCKER.resolve("k8s/flinkdeployment.yaml");
  private static final Path CPU = Repo.DOCKER.resolve("k8s/flinkdeployment-cpu.yaml");

  @Test
  void shouldDeclareAFlinkDeploymentForTheFlinkVersionOfTheBuildWhenParsed() {
    for (Path file : List.of(GPU, CPU)) {
      Map<String, Object> d = single(file);
      String[] flink = Repo.pomProperty("flink.version").split("\\.");

      assertThat(d.get("apiVersion")).as(file.toString()).isEqualTo("flink.apache.org/v1beta1");
      assertThat(d.get("kind")).isEqualTo("FlinkDeployment");
      assertThat(path(d, "spec", "flinkVersion")).isEqualTo("v" + flink[0] + "_" + flink[1]);
    }
  }

  @Test
  void shouldRunTheJobJarOfTheFlinkImageWithTheRealEntryClassWhenDeployed() throws Exception {
    DockerfileModel dockerfile = DockerfileModel.parse(Repo.DOCKER.resolve("Dockerfile"));
    for (Path file : List.of(GPU, CPU)) {
      Map<String, Object> job = map(path(single(file), "spec", "job"));
      String jar = String.valueOf(job.get("jarURI"));

      assertThat(jar).startsWith("local://");
      String inImage = jar.substring("local://".length());
      for (String stage : List.of("flink", "flink-gpu")) {
        assertThat(dockerfile.copiesIn(stage))
            .as("%s puts %s in the image", stage, inImage)
            .anyMatch(c -> c.destination().equals(inImage));
      }
      assertThat(job.get("entryClass")).isEqualTo(Repo.JOB_MAIN_CLASS);
      assertThat(Repo.jobJarEntry(Repo.JOB_MAIN_CLASS.replace('.', '/') + ".class")).isNotNull();

      List<String> args = list(job.get("args")).stream().map(String::valueOf).toList();
      Object config = Repo.parseJobArgs(args); // the job's own parser accepts them
      assertThat(config.toString()).contains("model=/opt/earshot/models/flip-detector-cpu");
      assertThat(dockerfile.copiesIn("flink"))
          .anyMatch(c -> c.destination().equals("/opt/earshot/models/flip-detector-cpu"));
      assertThat(job.get("state")).isEqualTo("running");
      assertThat(job.get("upgradeMode")).isEqualTo("last-state");
    }
  }

  @Test
  void shouldEnableCheckpointingAndThePrometheusReporterWhenFlinkStarts() {
    for (Path file : List.of(GPU, CPU)) {
      Map<String, Object> conf = map(path(single(file), "spec", "flinkConfiguration"));

      assertThat(conf)
          .containsEntry(
              "metrics.reporter.prom.factory.class",
              "org.apache.flink.metrics.prometheus.PrometheusReporterFactory")
          .containsEntry("metrics.reporter.prom.port", "9249")
          .containsEntry("execution.checkpointing.mode", "EXACTLY_ONCE")
          .containsKeys(
              "execution.checkpointing.interval",
              "execution.checkpointing.dir",
              "high-availability.type",
              "high-availability.storageDir");
      assertThat(String.valueOf(conf.get("env.java.opts.all")))
          .contains("-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.earshot.avro");
    }
  }

  @Test
  void shouldRequestOneNvidiaGpuPerTaskManagerWhenTheGpuManifestIsDeployed() {
    Map<String, Object> spec = map(path(single(GPU), "spec"));
    Map<String, Object> tmPod = map(path(spec, "taskManager", "podTemplate", "spec"));
    Map<String, Object> container = map(list(tmPod.get("containers")).get(0));

    assertThat(spec.get("image")).isEqualTo("earshot/flink-gpu:" + Repo.projectVersion());
    assertThat(container.get("name")).isEqualTo("flink-main-container");
    assertThat(String.valueOf(path(container, "resources", "limits", "nvidia.com/gpu")))
        .isEqualTo("1");
    assertThat(list(tmPod.get("tolerations")))
        .anyMatch(t -> "nvidia.com/gpu".equals(map(t).get("key")));
    assertThat(map(tmPod.get("nodeSelector"))).isNotEmpty();
    // The JobManager needs no GPU.
    assertThat(path(spec, "jobManager")).isInstanceOf(Map.class);
    assertThat(map(path(spec, "jobManager"))).doesNotContainKey("podTemplate");
  }

  @Test
  void shouldDifferOnlyInImageGpuAndSlotsWhenTheCpuManifestIsCompared() {
    Map<String, Object> gpu = single(GPU);
    Map<String, Object> cpu = single(CPU);
    Map<String, Object> cpuSpec = map(cpu.get("spec"));

    assertThat(cpuSpec.get("image")).isEqualTo("earshot/flink:" + Repo.projectVersion());
    assertThat(Repo.read(CPU)).doesNotContain("nvidia.com/gpu:");
    assertThat(cpu.get("metadata")).isEqualTo(gpu.get("metadata"));
    for (String key : List.of("flinkVersion", "serviceAccount", "podTemplate", "job")) {
      assertThat(cpuSpec.get(key)).as(key).isEqualTo(path(gpu, "spec", key));
    }
    Map<String, Object> gpuConf = map(path(gpu, "spec", "flinkConfiguration"));
    Map<String, Object> cpuConf = map(cpuSpec.get("flinkConfiguration"));
    Set<String> differing = new TreeSet<>();
    for (String k : gpuConf.keySet()) {
      if (!gpuConf.get(k).equals(cpuConf.get(k))) {
        differing.add(k);
      }
    }
    assertThat(cpuConf.keySet()).isEqualTo(gpuConf.keySet());
    assertThat(differing).containsOnly("taskmanager.numberOfTaskSlots");
  }

  @Test
  void shouldClaimTheVolumesTheStorageManifestDeclaresWhenPodsMountThem() {
    Set<String> declared = new TreeSet<>();
    for (Object doc : Repo.yamlDocuments(Repo.DOCKER.resolve("k8s/storage.yaml"))) {
      Map<String, Object> d = map(doc);
      assertThat(d.get("kind")).isEqualTo("PersistentVolumeClaim");
      assertThat(list(path(d, "spec", "accessModes"))).containsExactly("ReadWriteMany");
      declared.add(String.valueOf(path(d, "metadata", "name")));
    }
    for (Path file : List.of(GPU, CPU)) {
      Set<String> claimed = new TreeSet<>();
      for (Object v : list(path(single(file), "spec", "podTemplate", "spec", "volumes"))) {
        claimed.add(String.valueOf(path(map(v), "persistentVolumeClaim", "claimName")));
      }
      assertThat(claimed).as(file.toString()).isEqualTo(declared);
    }
  }

  private static Map<String, Object> single(Path file) {
    List<Object> docs = Repo.yamlDocuments(file);
    assertThat(docs).as(file.toString()).hasSize(1);
    return map(docs.get(0));
  }
}
