package io.earshot.cli;

import io.earshot.domain.TopicSpec;
import io.earshot.domain.Topics;
import io.earshot.stack.LocalStack;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./earshot stack}: a local broker and registry until Ctrl-C. */
@Command(
    name = "stack",
    mixinStandardHelpOptions = true,
    description =
        "Start a local KRaft Kafka broker and schema registry on loopback, create the topics,"
            + " run until Ctrl-C.")
final class StackCommand implements Callable<Integer> {

  @Option(
      names = "--kafka-port",
      defaultValue = "9092",
      description = "Broker port (default 9092).")
  int kafkaPort;

  @Option(
      names = "--registry-port",
      defaultValue = "8081",
      description = "Registry port (default 8081).")
  int registryPort;

  @Option(
      names = "--data-dir",
      description = "Keep Kafka data here across runs (default: a temporary directory).")
  Path dataDir;

  @Override
  public Integer call() throws Exception {
    System.err.println("starting the local stack (broker + schema registry)...");
    LocalStack stack = LocalStack.start(kafkaPort, registryPort, dataDir);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  System.out.println("\nstopping the local stack...");
                  System.out.flush();
                  stack.close();
                  stopped.countDown();
                },
                "stack-shutdown"));
    System.out.println(describe(stack));
    System.out.println("Ctrl-C to stop.");
    System.out.flush();
    // Wait for the shutdown hook; the JVM exits when it completes.
    stopped.await();
    return 0;
  }

  private static String retention(long millis) {
    if (millis < 0) {
      return "forever";
    }
    Duration d = Duration.ofMillis(millis);
    return d.toHours() % 24 == 0 ? d.toDays() + "d" : d.toHours() + "h";
  }

  static String describe(LocalStack stack) {
    StringBuilder out = new StringBuilder();
    out.append("Earshot local stack is up\n");
    out.append(String.format("  Kafka bootstrap servers  %s%n", stack.bootstrapServers()));
    out.append(String.format("  Schema registry          %s%n", stack.registryUrl()));
    out.append(
        String.format(
            "%n  %-20s %5s  %-8s %-10s %s%n", "topic", "parts", "cleanup", "retention", "carries"));
    for (TopicSpec t : Topics.all()) {
      out.append(
          String.format(
              "  %-20s %5d  %-8s %-10s %s%n",
              t.name(),
              t.partitions(),
              t.compacted() ? "compact" : "delete",
              retention(t.retentionMillis()),
              t.purpose()));
    }
    return out.toString();
  }
}
