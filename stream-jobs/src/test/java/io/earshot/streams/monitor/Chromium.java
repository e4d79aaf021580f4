package io.earshot.streams.monitor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Debian's headless Chromium, run as a process against a loopback URL. Missing Chromium fails the
 * test with the fix (never skips): {@code ./earshot test} installs it.
 */
final class Chromium {

  private static final Path BINARY = Path.of("/usr/bin/chromium");
  private static final long TIMEOUT_SECONDS = 90;

  private Chromium() {}

  static Path binary() {
    if (!Files.isExecutable(BINARY)) {
      throw new AssertionError(
          "Chromium is required by this test but "
              + BINARY
              + " is missing: install Debian's chromium (apt-get install chromium), or run"
              + " ./earshot test which installs it");
    }
    return BINARY;
  }

  /** The DOM after the page's scripts ran for {@code budgetMs} of virtual time. */
  static String dumpDom(String url, int budgetMs) throws IOException, InterruptedException {
    return run(List.of("--dump-dom", "--virtual-time-budget=" + budgetMs, url));
  }

  /** Saves a 1280x800 screenshot of the page. */
  static void screenshot(String url, Path png, int budgetMs)
      throws IOException, InterruptedException {
    Files.createDirectories(png.getParent());
    run(
        List.of(
            "--screenshot=" + png.toAbsolutePath(),
            "--window-size=1280,800",
            "--hide-scrollbars",
            "--virtual-time-budget=" + budgetMs,
            url));
  }

  private static String run(List<String> args) throws IOException, InterruptedException {
    Path profile = Files.createTempDirectory("earshot-chromium-");
    Path log = Files.createTempFile("earshot-chromium-", ".log");
    try {
      List<String> cmd = new ArrayList<>();
      cmd.add(binary().toString());
      cmd.addAll(
          List.of(
              "--headless",
              "--no-sandbox",
              "--disable-gpu",
              "--disable-quic",
              "--no-first-run",
              "--disable-background-networking",
              "--disable-component-update",
              "--disable-sync",
              "--user-data-dir=" + profile));
      cmd.addAll(args);
      Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("chromium did not finish in " + TIMEOUT_SECONDS + " s: " + cmd);
      }
      if (p.exitValue() != 0) {
        throw new AssertionError(
            "chromium exited with "
                + p.exitValue()
                + ": "
                + Files.readString(log, StandardCharsets.UTF_8));
      }
      return new String(out, StandardCharsets.UTF_8);
    } finally {
      Files.deleteIfExists(log);
      try (Stream<Path> files = Files.walk(profile)) {
        files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }
}
