package io.earshot.connectors.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs Debian's ffmpeg CLI for tests that need a live network source or a format JavaCV's recorder
 * does not write. Missing ffmpeg is a failure with instructions, never a skip.
 */
public final class Ffmpeg implements AutoCloseable {

  private final Process process;
  private final Path log;

  private Ffmpeg(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /** Fails the test with ffmpeg's own words when the background process died. */
  public void requireAlive() {
    if (!process.isAlive() && process.exitValue() != 0) {
      String out;
      try {
        out = Files.readString(log);
      } catch (IOException e) {
        out = "(no log)";
      }
      throw new AssertionError("ffmpeg source exited with " + process.exitValue() + ": " + out);
    }
  }

  private static List<String> command(String... args) {
    List<String> cmd =
        new ArrayList<>(List.of("ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error"));
    cmd.addAll(List.of(args));
    return cmd;
  }

  /** Starts ffmpeg in the background (e.g. a live {@code -re} source). */
  public static Ffmpeg start(Path log, String... args) {
    try {
      return new Ffmpeg(
          new ProcessBuilder(command(args))
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start(),
          log);
    } catch (IOException e) {
      throw new AssertionError(
          "ffmpeg is required by this test and could not be started ("
              + e.getMessage()
              + "): run ./earshot test, which installs it, or apt-get install ffmpeg",
          e);
    }
  }

  /** Runs ffmpeg to completion and fails the test if it fails. */
  public static void run(String... args) {
    try {
      Process p = new ProcessBuilder(command(args)).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new AssertionError("ffmpeg " + String.join(" ", args) + " failed: " + out);
      }
    } catch (IOException e) {
      throw new AssertionError(
          "ffmpeg is required by this test: run ./earshot test, which installs it", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** A live stereo test source: left 440 Hz loud, right 1 kHz quiet, 25 fps test pattern. */
  public static String[] liveStereoSourceTo(String url, int seconds) {
    return new String[] {
      "-re",
      "-f",
      "lavfi",
      "-i",
      "testsrc2=size=320x240:rate=25:duration=" + seconds,
      "-f",
      "lavfi",
      "-i",
      "sine=frequency=440:sample_rate=48000:duration=" + seconds,
      "-f",
      "lavfi",
      "-i",
      "sine=frequency=1000:sample_rate=48000:duration=" + seconds,
      "-filter_complex",
      "[2:a]volume=0.1[r];[1:a][r]join=inputs=2:channel_layout=stereo[a]",
      "-map",
      "0:v",
      "-map",
      "[a]",
      "-c:v",
      "mpeg2video",
      "-q:v",
      "5",
      "-g",
      "25",
      "-c:a",
      "mp2",
      "-b:a",
      "192k",
      "-ac",
      "2",
      "-f",
      "mpegts",
      url
    };
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
