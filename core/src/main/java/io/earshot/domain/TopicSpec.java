package io.earshot.domain;

/**
 * How one Kafka topic is created: the settings are deliberate and documented in {@link Topics}.
 *
 * @param name topic name (kebab/dot case constant)
 * @param partitions number of partitions; records are keyed by stream id
 * @param compacted whether the topic keeps only the latest record per key
 * @param retentionMillis time-based retention, or -1 for unlimited
 * @param maxMessageBytes largest record batch the topic accepts
 * @param purpose one line for humans (printed by {@code ./earshot stack})
 */
public record TopicSpec(
    String name,
    int partitions,
    boolean compacted,
    long retentionMillis,
    int maxMessageBytes,
    String purpose) {

  public TopicSpec {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("topic name must not be blank");
    }
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be >= 1 for topic " + name);
    }
  }
}
