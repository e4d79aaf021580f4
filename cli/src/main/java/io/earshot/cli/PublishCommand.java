package io.earshot.cli;

import io.earshot.avro.ModelRelease;
import io.earshot.stack.Reachability;
import io.earshot.training.release.ModelPublisher;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ./earshot publish}: put a model in the store and announce it to running jobs. */
@Command(
    name = "publish",
    mixinStandardHelpOptions = true,
    description =
        "Copy an exported model into the model store and announce a release on av.models; running"
            + " jobs pick it up without a restart.")
final class PublishCommand implements Callable<Integer> {

  @Option(names = "--model", required = true, description = "Exported model directory.")
  Path model;

  @Option(names = "--store", description = "Model store directory (default: $EARSHOT_HOME/models).")
  Path store;

  @Mixin StackOptions stack;

  @Override
  public Integer call() {
    Path target =
        store != null
            ? store
            : Path.of(
                System.getProperty(
                    "earshot.home", System.getProperty("user.home") + "/.cache/earshot"),
                "models");
    Reachability.requireKafka(stack.bootstrapServers, Duration.ofSeconds(5));
    ModelRelease r =
        ModelPublisher.publish(model, target, stack.bootstrapServers, stack.registryUrl);
    System.out.printf(
        "published %s %s (sha256 %s...) to %s and announced it on av.models%n",
        r.getModelName(), r.getVersion(), r.getSha256().substring(0, 12), r.getUri());
    return 0;
  }
}
