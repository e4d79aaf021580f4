package io.earshot.docker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The compose implementation of this machine: the Docker CLI's compose v2 plugin when it works,
 * else the standalone {@code docker-compose} (Debian's 1.29). Neither needs a Docker engine for
 * {@code config}. A machine with neither fails the tests with the fix; they never skip.
 */
final class ComposeTool {

  /** Result of a finished command. */
  record Run(int exit, String stdout, String stderr) {}

  private final List<String> command;
  private final boolean v2;

  private ComposeTool(List<String> command, boolean v2) {
    this.command = command;
    this.v2 = v2;
  }

  static ComposeTool find() {
    if (works(List.of("docker", "compose", "version"))) {
      return new ComposeTool(List.of("docker", "compose"), true);
    }
    if (works(List.of("docker-compose", "version"))) {
      return new ComposeTool(List.of("docker-compose"), false);
    }
    throw new AssertionError(
        "neither 'docker compose' (the v2 plugin) nor 'docker-compose' works on this machine, and"
            + " the docker/ tests validate the compose file with one of them: run ./earshot test"
            + " (it installs what is missing) or apt-get install docker-compose");
  }

  /** Whether this is the compose v2 plugin (which leaves out services of inactive profiles). */
  boolean v2() {
    return v2;
  }

  String name() {
    return String.join(" ", command);
  }

  /** {@code <compose> [--profile p]... -f compose.yaml config}, run in docker/. */
  Run config(String... profiles) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(command);
    for (String p : profiles) {
      cmd.add("--profile");
      cmd.add(p);
    }
    cmd.addAll(List.of("-f", "compose.yaml", "config"));
    return run(cmd);
  }

  private static boolean works(List<String> cmd) {
    try {
      return run(cmd).exit() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static Run run(List<String> cmd) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(Repo.DOCKER.toFile());
    // The file's own defaults, not whatever the developer's shell overrides.
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("EARSHOT_") || k.startsWith("COMPOSE_"));
    Process p = pb.start();
    // Both streams are small; read stderr on a thread so neither pipe can fill up.
    var err = new java.util.concurrent.CompletableFuture<String>();
    Thread t =
        new Thread(
            () -> {
              try {
                err.complete(new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
              } catch (IOException e) {
                err.complete("");
              }
            });
    t.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", cmd) + " did not finish in 60 s");
    }
    t.join();
    return new Run(p.exitValue(), out, err.join());
  }
}
