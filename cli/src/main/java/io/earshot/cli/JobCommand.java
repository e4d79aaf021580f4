package io.earshot.cli;

import io.earshot.flink.inference.JobConfig;
import io.earshot.flink.inference.SpatialInferenceJob;
import io.earshot.flink.metrics.LoopbackPrometheusReporterFactory;
import io.earshot.serde.TrustedAvroClasses;
import io.earshot.stack.Reachability;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ./earshot job}: the SpatialInferenceJob on a local Flink MiniCluster. */
@Command(
    name = "job",
    mixinStandardHelpOptions = true,
    description =
        "Run the Flink SpatialInferenceJob on a local MiniCluster against the local stack (or"
            + " --bootstrap-servers); metrics on the Prometheus reporter port.")
final class JobCommand implements Callable<Integer> {

  @Mixin StackOptions stack;

  @Option(
      names = "--model",
      description = "Model directory, or 'classical' (default: the shipped model).")
  String model;

  @Option(
      names = "--metrics-port",
      defaultValue = "9249",
      description = "Prometheus reporter port (default ${DEFAULT-VALUE}).")
  int metricsPort;

  @Option(
      names = "--parallelism",
      defaultValue = "1",
      description = "Job parallelism (default ${DEFAULT-VALUE}).")
  int parallelism;

  @Option(
      names = "--set",
      paramLabel = "OPTION=VALUE",
      description =
          "Any other job option, e.g. --set hop-seconds=0.5 --set checkpoint-ms=500 (the demo's"
              + " live settings); names: hop-seconds, max-batch, max-wait-ms, stall-seconds,"
              + " checkpoint-ms, group-id (also the transactional id prefix).")
  List<String> settings = List.of();

  /** The job's configuration: defaults, then {@code --set} options, then model and stack. */
  JobConfig config() {
    List<String> args = new ArrayList<>();
    for (String s : settings) {
      int eq = s.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("--set expects OPTION=VALUE, got " + s);
      }
      args.add("--" + s.substring(0, eq).strip());
      args.add(s.substring(eq + 1).strip());
    }
    JobConfig c = JobConfig.from(args.toArray(String[]::new));
    return c.withModel(model != null ? model : defaultModel())
        .withStack(stack.bootstrapServers, stack.registryUrl, c.groupId(), false);
  }

  static String defaultModel() {
    return Path.of(System.getProperty("earshot.root", "."), "models", "flip-detector-cpu")
        .toString();
  }

  @Override
  public Integer call() throws Exception {
    TrustedAvroClasses.install();
    Reachability.requireKafka(stack.bootstrapServers, Duration.ofSeconds(5));
    JobConfig config = config();
    // Flink's own PrometheusReporter binds every interface; this one serves on loopback only.
    Configuration flink = LoopbackPrometheusReporterFactory.configuration("127.0.0.1", metricsPort);
    flink.setString("rest.bind-address", "127.0.0.1");
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.createLocalEnvironment(parallelism, flink);
    env.enableCheckpointing(config.checkpointMillis(), CheckpointingMode.EXACTLY_ONCE);
    SpatialInferenceJob.defineWorkflow(env, config, SpatialInferenceJob.clipSpec(config));
    System.out.printf(
        "SpatialInferenceJob: model %s, Kafka %s; metrics at http://127.0.0.1:%d/metrics; Ctrl-C to stop%n",
        config.model(), config.bootstrapServers(), metricsPort);
    env.execute("earshot-spatial-inference");
    return 0;
  }
}
