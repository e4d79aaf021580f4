package io.earshot.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Apicurio Registry server started as a child process on 127.0.0.1, serving the Confluent
 * compatible API at {@link #confluentApiUrl()}. Storage is in memory: the local stack is for
 * development and tests, a deployment points at its own registry instead.
 *
 * <p>The server jar is installed by {@code ./earshot} (setup, test, stack, demo) and located
 * through the system property {@value #JAR_PROPERTY} or the environment variable {@value #JAR_ENV}.
 */
public final class RegistryServer implements AutoCloseable {

  public static final String JAR_PROPERTY = "earshot.registry.jar";
  public static final String JAR_ENV = "EARSHOT_REGISTRY_JAR";

  private static final Logger LOG = LoggerFactory.getLogger(RegistryServer.class);

  private final Process process;
  private final int port;
  private final Path logFile;
  private final Thread shutdownHook;

  private RegistryServer(Process process, int port, Path logFile) {
    this.process = process;
    this.port = port;
    this.logFile = logFile;
    this.shutdownHook = new Thread(process::destroy, "registry-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /** Locates the server jar, failing with instructions when it is not installed. */
  public static Path locateJar() {
    String configured = System.getProperty(JAR_PROPERTY);
    if (configured == null || configured.isBlank()) {
      configured = System.getenv(JAR_ENV);
    }
    if (configured == null || configured.isBlank()) {
      throw new IllegalStateException(
          "the schema registry server jar is not configured: run './earshot setup' (or"
              + " './earshot test'), which installs Apicurio Registry, or set -D"
              + JAR_PROPERTY
              + "=/path/to/apicurio-registry-app-runner.jar");
    }
    Path jar = Path.of(configured);
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          "schema registry server jar not found at "
              + jar
              + ": run './earshot setup' to install it (needs Maven Central)");
    }
    return jar;
  }

  /**
   * Starts the registry and waits until its API answers.
   *
   * @param port HTTP port on 127.0.0.1, or 0 for any free port
   */
  public static RegistryServer start(int port, Duration timeout) {
    RegistryServer server = launch(port);
    server.awaitReady(timeout);
    return server;
  }

  /**
   * Starts the registry process without waiting for it; call {@link #awaitReady} before use. Lets
   * callers boot other servers while the registry's JVM starts.
   */
  public static RegistryServer launch(int port) {
    Path jar = locateJar();
    int httpPort = Ports.resolve(port, "schema registry");
    try {
      Path log = Files.createTempFile("earshot-registry-", ".log");
      List<String> cmd = new ArrayList<>();
      cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      cmd.add("-Xmx384m");
      cmd.add("-XX:+UseSerialGC");
      cmd.add("-Dquarkus.http.host=127.0.0.1");
      cmd.add("-Dquarkus.http.port=" + httpPort);
      // The management interface would take port 9000 on every instance; health is not needed.
      cmd.add("-Dquarkus.management.enabled=false");
      cmd.add("-Dquarkus.log.level=WARN");
      cmd.add("-jar");
      cmd.add(jar.toString());
      Process process =
          new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      return new RegistryServer(process, httpPort, log);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the schema registry process", e);
    }
  }

  /** Waits until the API answers; on failure, stops the process and reports its log. */
  public void awaitReady(Duration timeout) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + timeout.toNanos();
    HttpRequest probe =
        HttpRequest.newBuilder(URI.create(confluentApiUrl() + "/subjects"))
            .timeout(Duration.ofSeconds(2))
            .build();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        String tail = tailOfLog();
        close();
        throw new IllegalStateException(
            "schema registry process exited with code "
                + process.exitValue()
                + " before it was ready; its log ends with:\n"
                + tail);
      }
      try {
        if (http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          LOG.info("schema registry ready at {}", confluentApiUrl());
          return;
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        close();
        throw new IllegalStateException("interrupted while waiting for the schema registry", e);
      }
      try {
        process.waitFor(200, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    String tail = tailOfLog();
    close();
    throw new IllegalStateException(
        "schema registry did not answer on port "
            + port
            + " within "
            + timeout
            + "; log:\n"
            + tail);
  }

  private String tailOfLog() {
    try {
      List<String> lines = Files.readAllLines(logFile);
      // The cause (e.g. "Port already bound") is an ERROR line; show those first, then the tail.
      List<String> errors = lines.stream().filter(l -> l.contains("ERROR")).limit(5).toList();
      String tail = String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
      return errors.isEmpty() ? tail : String.join("\n", errors) + "\n...\n" + tail;
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** Base URL of the Confluent-compatible API, to be used as {@code schema.registry.url}. */
  public String confluentApiUrl() {
    return "http://127.0.0.1:" + port + "/apis/ccompat/v7";
  }

  public int port() {
    return port;
  }

  public long pid() {
    return process.pid();
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // JVM already shutting down
    }
    try {
      Files.deleteIfExists(logFile);
    } catch (IOException e) {
      LOG.debug("could not delete {}", logFile);
    }
  }
}
