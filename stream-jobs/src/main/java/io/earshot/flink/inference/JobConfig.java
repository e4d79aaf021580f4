package io.earshot.flink.inference;

import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;

/**
 * Configuration of the {@link SpatialInferenceJob}; defaults written once here, every option
 * settable as {@code --name value}.
 *
 * @param bootstrapServers Kafka bootstrap servers
 * @param registryUrl schema registry (Confluent API)
 * @param model model directory, or "classical" for the no-learning detector
 * @param hopSeconds distance between clip starts
 * @param maxBatch largest inference batch
 * @param maxWaitMillis longest a clip waits for its batch to fill
 * @param stallSeconds how long one medium may be absent while the other arrives before the clips it
 *     misses become no-signal
 * @param checkpointMillis checkpoint interval (exactly-once commits happen on checkpoints)
 * @param checkpointDir where checkpoints are written (a file system URI: a shared, durable one on a
 *     cluster). Not the JobManager's memory: its 5 MB limit on a subtask's state is reached by the
 *     clip assembly's buffers of about ten live streams, or of a few streams read from a backlog,
 *     and every checkpoint then fails and restarts the job
 * @param groupId consumer group of the sources
 * @param transactionalIdPrefix prefix of the sinks' transactional ids
 * @param bounded stop at the offsets present at start (tests, backfills)
 */
public record JobConfig(
    String bootstrapServers,
    String registryUrl,
    String model,
    double hopSeconds,
    int maxBatch,
    long maxWaitMillis,
    double stallSeconds,
    long checkpointMillis,
    String checkpointDir,
    String groupId,
    String transactionalIdPrefix,
    boolean bounded)
    implements Serializable {

  public JobConfig {
    if (hopSeconds <= 0) {
      throw new IllegalArgumentException("--hop-seconds must be positive");
    }
    if (maxBatch < 1) {
      throw new IllegalArgumentException("--max-batch must be at least 1");
    }
    if (maxWaitMillis < 0) {
      throw new IllegalArgumentException("--max-wait-ms must be >= 0");
    }
    if (checkpointDir == null || checkpointDir.isBlank()) {
      throw new IllegalArgumentException("--checkpoint-dir must be a directory URI");
    }
  }

  public static JobConfig defaults() {
    return new JobConfig(
        "127.0.0.1:9092",
        "http://127.0.0.1:8081/apis/ccompat/v7",
        "models/flip-detector-cpu",
        1.0,
        16,
        200,
        10.0,
        5_000,
        // Path.toUri ends in '/' only when the directory exists: strip it, same value either way.
        java.nio.file.Path.of(System.getProperty("java.io.tmpdir"), "earshot-checkpoints")
            .toUri()
            .toString()
            .replaceAll("/$", ""),
        "earshot-spatial-inference",
        "earshot-spatial-inference",
        false);
  }

  /** Parses {@code --name value} pairs over the defaults. */
  public static JobConfig from(String[] args) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --name value pairs, got '" + args[i] + "'");
      }
      m.put(args[i].substring(2), args[++i]);
    }
    JobConfig d = defaults();
    JobConfig c =
        new JobConfig(
            m.getOrDefault("bootstrap-servers", d.bootstrapServers()),
            m.getOrDefault("registry-url", d.registryUrl()),
            m.getOrDefault("model", d.model()),
            Double.parseDouble(m.getOrDefault("hop-seconds", String.valueOf(d.hopSeconds()))),
            Integer.parseInt(m.getOrDefault("max-batch", String.valueOf(d.maxBatch()))),
            Long.parseLong(m.getOrDefault("max-wait-ms", String.valueOf(d.maxWaitMillis()))),
            Double.parseDouble(m.getOrDefault("stall-seconds", String.valueOf(d.stallSeconds()))),
            Long.parseLong(m.getOrDefault("checkpoint-ms", String.valueOf(d.checkpointMillis()))),
            m.getOrDefault("checkpoint-dir", d.checkpointDir()),
            m.getOrDefault("group-id", d.groupId()),
            m.getOrDefault("transactional-id-prefix", d.transactionalIdPrefix()),
            Boolean.parseBoolean(m.getOrDefault("bounded", String.valueOf(d.bounded()))));
    m.keySet()
        .removeAll(
            java.util.Set.of(
                "bootstrap-servers",
                "registry-url",
                "model",
                "hop-seconds",
                "max-batch",
                "max-wait-ms",
                "stall-seconds",
                "checkpoint-ms",
                "checkpoint-dir",
                "group-id",
                "transactional-id-prefix",
                "bounded"));
    if (!m.isEmpty()) {
      throw new IllegalArgumentException("unknown options: " + m.keySet());
    }
    return c;
  }

  public JobConfig withModel(String m) {
    return new JobConfig(
        bootstrapServers,
        registryUrl,
        m,
        hopSeconds,
        maxBatch,
        maxWaitMillis,
        stallSeconds,
        checkpointMillis,
        checkpointDir,
        groupId,
        transactionalIdPrefix,
        bounded);
  }

  public JobConfig withStack(String bootstrap, String registry, String group, boolean isBounded) {
    return new JobConfig(
        bootstrap,
        registry,
        model,
        hopSeconds,
        maxBatch,
        maxWaitMillis,
        stallSeconds,
        checkpointMillis,
        checkpointDir,
        group,
        group,
        isBounded);
  }
}
