package io.earshot.ops;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code prometheus} and {@code promtool} for the ops tests. A missing tool fails the test
 * with the fix (never skips): {@code ./earshot test} installs the package.
 */
final class OpsTools {

  /** The ops module's directory (tests run with it as working directory). */
  static final Path OPS = Path.of("").toAbsolutePath();

  private OpsTools() {}

  static Path require(String command) {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
      Path p = Path.of(dir, command);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    throw new AssertionError(
        command
            + " is required by the ops tests but is not on the PATH: install Debian's prometheus"
            + " package (apt-get install prometheus), or run ./earshot test which installs it");
  }

  /** Result of a finished command. */
  record Run(int exit, String output) {}

  /** Runs a command in the ops directory and returns its exit code and combined output. */
  static Run run(String command, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(require(command).toString());
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(OPS.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", cmd) + " did not finish in 60 s");
    }
    return new Run(p.exitValue(), out);
  }

  /** Files of a directory under ops/ whose name ends with the suffix, sorted. */
  static List<String> files(String dir, String suffix) throws IOException {
    try (var s = Files.list(OPS.resolve(dir))) {
      return s.map(p -> OPS.relativize(p).toString())
          .filter(n -> n.endsWith(suffix))
          .sorted()
          .toList();
    }
  }
}
