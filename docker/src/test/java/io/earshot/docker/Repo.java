package io.earshot.docker;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/** The repository around the docker module: paths, the parent pom's versions, the job jar. */
final class Repo {

  /** docker/ (tests run with the module's directory as working directory). */
  static final Path DOCKER = Path.of("").toAbsolutePath();

  /** The repository root: the build context of docker/Dockerfile. */
  static final Path ROOT = DOCKER.getParent();

  static final String JOB_MAIN_CLASS = "io.earshot.flink.inference.SpatialInferenceJob";

  private Repo() {}

  static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A property of the parent pom, e.g. {@code flink.version}. */
  static String pomProperty(String name) {
    Matcher m =
        Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</" + Pattern.quote(name) + ">")
            .matcher(read(ROOT.resolve("pom.xml")));
    if (!m.find()) {
      throw new AssertionError("property " + name + " not found in the parent pom");
    }
    return m.group(1).strip();
  }

  /** The parent pom's own version (the images are tagged with it). */
  static String projectVersion() {
    Matcher m =
        Pattern.compile("<artifactId>earshot-parent</artifactId>\\s*<version>([^<]+)</version>")
            .matcher(read(ROOT.resolve("pom.xml")));
    if (!m.find()) {
      throw new AssertionError("version of earshot-parent not found");
    }
    return m.group(1).strip();
  }

  /** Every YAML document of a file, as plain maps and lists. */
  static List<Object> yamlDocuments(Path file) {
    List<Object> docs = new ArrayList<>();
    new Yaml(new LoaderOptions()).loadAll(read(file)).forEach(docs::add);
    return docs;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> yaml(String text) {
    Object o = new Yaml(new LoaderOptions()).load(text);
    if (!(o instanceof Map)) {
      throw new AssertionError("expected a YAML mapping, got: " + text);
    }
    return (Map<String, Object>) o;
  }

  static Map<String, Object> yaml(Path file) {
    return yaml(read(file));
  }

  /**
   * The stream-jobs flink-job jar of this build (the one the Flink image ships). The docker module
   * depends on stream-jobs, so the reactor has packaged it before these tests run.
   */
  static Path jobJar() {
    Path target = ROOT.resolve("stream-jobs/target");
    List<Path> jars = new ArrayList<>();
    if (Files.isDirectory(target)) {
      try (DirectoryStream<Path> s =
          Files.newDirectoryStream(target, "earshot-stream-jobs-*-flink-job.jar")) {
        s.forEach(jars::add);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    if (jars.size() != 1) {
      throw new AssertionError(
          "expected one stream-jobs/target/earshot-stream-jobs-*-flink-job.jar, found "
              + jars
              + ": build it with mvn -pl docker -am verify (not with -Dearshot.skipJobJar=true)");
    }
    return jars.get(0);
  }

  /**
   * Parses job arguments with the job's own {@code JobConfig.from}, loaded from the job jar (the
   * record uses the JDK only). Throws the job's IllegalArgumentException for a bad option.
   */
  static Object parseJobArgs(List<String> args) throws Exception {
    try (URLClassLoader loader =
        new URLClassLoader(
            new URL[] {jobJar().toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
      Class<?> config = Class.forName("io.earshot.flink.inference.JobConfig", true, loader);
      try {
        return config
            .getMethod("from", String[].class)
            .invoke(null, (Object) args.toArray(String[]::new));
      } catch (InvocationTargetException e) {
        throw (Exception) e.getCause();
      }
    }
  }

  /** Bytes of one entry of the job jar, or null when absent. */
  static byte[] jobJarEntry(String name) throws IOException {
    try (var zip = new java.util.zip.ZipFile(jobJar().toFile())) {
      var entry = zip.getEntry(name);
      if (entry == null) {
        return null;
      }
      try (InputStream in = zip.getInputStream(entry)) {
        return in.readAllBytes();
      }
    }
  }
}
