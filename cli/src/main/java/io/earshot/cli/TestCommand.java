package io.earshot.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * Listed for discoverability. The launcher script runs the tests itself (it must install tools
 * before any Java runs), so reaching this class means the JVM was started directly.
 */
@Command(
    name = "test",
    mixinStandardHelpOptions = true,
    description =
        "Install what the tests need when missing (ffmpeg, registry server) and run mvn -B verify.")
final class TestCommand implements Callable<Integer> {

  @Override
  public Integer call() {
    System.err.println(
        "earshot: 'test' is run by the launcher script: use ./earshot test from the repository root");
    return 2;
  }
}
