package io.earshot.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docker/Dockerfile without a Docker engine: what it copies exists in the build context (the
 * repository root) and is not excluded by .dockerignore, stages it copies from exist, base images
 * match the versions the build uses, and the job jar it ships is the one this build makes.
 */
class DockerfileTest {

  private static final Path DOCKERFILE = Repo.DOCKER.resolve("Dockerfile");
  private static final DockerfileModel MODEL = DockerfileModel.parse(DOCKERFILE);

  @Test
  void shouldFindEveryCopySourceInTheBuildContextWhenNotCopiedFromAStage() throws IOException {
    List<String> ignore = dockerignorePatterns();
    List<String> problems = new ArrayList<>();
    for (DockerfileModel.Copy copy : MODEL.copies) {
      if (copy.from() != null) {
        continue;
      }
      for (String source : copy.sources()) {
        if (!exists(source)) {
          problems.add(source + " does not exist under " + Repo.ROOT);
        } else if (ignored(source, ignore)) {
          problems.add(source + " is excluded by .dockerignore");
        }
      }
    }
    assertThat(problems).isEmpty();
    assertThat(MODEL.copies).isNotEmpty();
  }

  @Test
  void shouldCopyOnlyFromEarlierStagesOrImagesWhenCopyHasFrom() {
    List<String> problems = new ArrayList<>();
    for (DockerfileModel.Copy copy : MODEL.copies) {
      String from = copy.from();
      if (from == null) {
        continue;
      }
      DockerfileModel.Stage stage = MODEL.stage(from);
      boolean imageReference = from.contains(":") || from.contains("/");
      if (stage == null && !imageReference) {
        problems.add("--from=" + from + " names no stage");
      } else if (stage != null && stage.index() >= copy.stage()) {
        problems.add("--from=" + from + " is not an earlier stage than where it is used");
      }
    }
    assertThat(problems).isEmpty();
    Set<String> names =
        MODEL.stages.stream()
            .map(DockerfileModel.Stage::name)
            .filter(n -> n != null)
            .collect(Collectors.toSet());
    assertThat(names).hasSize(MODEL.stages.size()); // every stage named, names unique
  }

  @Test
  void shouldBaseTheFlinkImageOnTheFlinkVersionOfTheParentPomWhenBuilt() {
    String flink = Repo.pomProperty("flink.version");
    String image = MODEL.stage("flink").image();

    assertThat(image).startsWith("flink:");
    String tag = image.substring("flink:".length());
    assertThat(tag.split("-")[0]).as("Flink version of %s", image).isEqualTo(flink);
    assertThat(tag).endsWith("-java17");
  }

  @Test
  void shouldUseTheKafkaOfTheParentPomAndBuildWithMavenOnJava17WhenBuilt() {
    assertThat(MODEL.stage("kafka-dist").image())
        .isEqualTo("apache/kafka:" + Repo.pomProperty("kafka.version"));
    assertThat(MODEL.stage("sources").image()).isEqualTo("maven:3.9-eclipse-temurin-17");
    assertThat(MODEL.stage("app").image()).startsWith("eclipse-temurin:17-");
    assertThat(MODEL.stage("connect").image()).startsWith("eclipse-temurin:17-");
  }

  @Test
  void shouldBuildTheGpuJobJarWithTheGpuProfileWhenTheGpuStageRuns() {
    String gpuBuild =
        MODEL.instructionsIn("build-gpu").stream()
            .filter(i -> i.keyword().equals("RUN"))
            .map(DockerfileModel.Instruction::arguments)
            .collect(Collectors.joining("\n"));
    String cpuBuild =
        MODEL.instructionsIn("build").stream()
            .filter(i -> i.keyword().equals("RUN"))
            .map(DockerfileModel.Instruction::arguments)
            .collect(Collectors.joining("\n"));

    assertThat(gpuBuild).contains("mvn -B").contains("-Pgpu").contains("-DskipTests");
    assertThat(cpuBuild).contains("mvn -B").contains("package").doesNotContain("-Pgpu");
    assertThat(Repo.read(Repo.ROOT.resolve("pom.xml")))
        .contains("<id>gpu</id>")
        .contains("<tensorflow.native.classifier>linux-x86_64-gpu</tensorflow.native.classifier>");
    assertThat(MODEL.stage("flink-gpu").image()).startsWith("nvidia/cuda:12.");
    assertThat(MODEL.copiesIn("flink-gpu"))
        .anyMatch(
            c ->
                "build-gpu".equals(c.from())
                    && c.destination().equals("/opt/flink/usrlib/earshot-job.jar"));
  }

  @Test
  void shouldShipTheFlinkJobJarOfThisBuildWhenTheFlinkImageIsBuilt() throws IOException {
    String cpuBuild =
        MODEL.instructionsIn("build").stream()
            .map(DockerfileModel.Instruction::arguments)
            .collect(Collectors.joining("\n"));
    PathMatcher copied =
        FileSystems.getDefault()
            .getPathMatcher("glob:stream-jobs/target/earshot-stream-jobs-*-flink-job.jar");

    assertThat(cpuBuild).contains("stream-jobs/target/earshot-stream-jobs-*-flink-job.jar");
    assertThat(copied.matches(Repo.ROOT.relativize(Repo.jobJar()))).isTrue();
    assertThat(MODEL.copiesIn("flink"))
        .anyMatch(
            c ->
                "build".equals(c.from())
                    && c.destination().equals("/opt/flink/usrlib/earshot-job.jar"));

    // The entry point is in the jar, with a main method; Flink itself is not (the image has it);
    // the Kafka connector and TensorFlow's natives are.
    String mainClass = Repo.JOB_MAIN_CLASS.replace('.', '/') + ".class";
    byte[] main = Repo.jobJarEntry(mainClass);
    assertThat(main).as(mainClass).isNotNull();
    String constants = new String(main, StandardCharsets.ISO_8859_1);
    assertThat(constants).contains("main").contains("([Ljava/lang/String;)V");
    assertThat(new String(Repo.jobJarEntry("META-INF/MANIFEST.MF"), StandardCharsets.UTF_8))
        .contains("Main-Class: " + Repo.JOB_MAIN_CLASS);
    assertThat(Repo.jobJarEntry("org/apache/flink/runtime/jobgraph/JobGraph.class")).isNull();
    assertThat(
            Repo.jobJarEntry(
                "org/apache/flink/streaming/api/environment/StreamExecutionEnvironment.class"))
        .isNull();
    assertThat(Repo.jobJarEntry("org/apache/flink/connector/kafka/source/KafkaSource.class"))
        .isNotNull();
    try (var zip = new java.util.zip.ZipFile(Repo.jobJar().toFile())) {
      assertThat(zip.stream().map(java.util.zip.ZipEntry::getName))
          .anyMatch(
              n -> n.matches("org/tensorflow/internal/c_api/linux-x86_64.*/libjnitensorflow\\.so"));
    }
    assertThat(
            Repo.read(
                Repo.ROOT.resolve(
                    "stream-jobs/src/main/java/"
                        + Repo.JOB_MAIN_CLASS.replace('.', '/')
                        + ".java")))
        .contains("public static void main(String[] args)");
  }

  @Test
  void shouldShipTheDefaultModelInTheImagesWhereTheJobLooksForIt() {
    for (String stage : List.of("flink", "app")) {
      assertThat(MODEL.copiesIn(stage))
          .as(stage)
          .anyMatch(
              c ->
                  c.from() == null
                      && c.sources().equals(List.of("models/flip-detector-cpu"))
                      && c.destination().equals("/opt/earshot/models/flip-detector-cpu"));
    }
    assertThat(Repo.ROOT.resolve("models/flip-detector-cpu/saved_model.pb")).isRegularFile();
    assertThat(Repo.ROOT.resolve("models/flip-detector-cpu/earshot-model.json")).isRegularFile();
  }

  @Test
  void shouldKeepScriptsCopiedIntoImagesExecutableWhenRunFromTheImage() {
    for (DockerfileModel.Copy copy : MODEL.copies) {
      for (String source : copy.sources()) {
        if (copy.from() == null
            && (source.endsWith(".sh") || source.equals("docker/app/earshot"))) {
          assertThat(copy.flags()).as(source).containsKey("chmod");
          assertThat(Repo.ROOT.resolve(source)).isExecutable();
          assertThat(Repo.read(Repo.ROOT.resolve(source))).startsWith("#!");
        }
      }
    }
  }

  private static boolean exists(String source) throws IOException {
    if (!source.contains("*") && !source.contains("?")) {
      return Files.exists(Repo.ROOT.resolve(source));
    }
    PathMatcher glob = FileSystems.getDefault().getPathMatcher("glob:" + source);
    Path dir = Repo.ROOT.resolve(source).getParent();
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.anyMatch(p -> glob.matches(Repo.ROOT.relativize(p)));
    }
  }

  private static List<String> dockerignorePatterns() throws IOException {
    Path file = Repo.ROOT.resolve(".dockerignore");
    assertThat(file).as("the build context's .dockerignore").isRegularFile();
    return Files.readAllLines(file).stream()
        .map(String::strip)
        .filter(l -> !l.isEmpty() && !l.startsWith("#"))
        .toList();
  }

  /** Whether a pattern excludes the path or one of its parent directories. */
  private static boolean ignored(String source, List<String> patterns) {
    Path p = Path.of(source).normalize();
    for (String pattern : patterns) {
      if (pattern.startsWith("!")) {
        continue;
      }
      PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
      PathMatcher anyDepth =
          pattern.startsWith("**/")
              ? FileSystems.getDefault().getPathMatcher("glob:" + pattern.substring(3))
              : null;
      for (Path prefix = p; prefix != null; prefix = prefix.getParent()) {
        if (m.matches(prefix) || (anyDepth != null && anyDepth.matches(prefix))) {
          return true;
        }
      }
    }
    return false;
  }
}
