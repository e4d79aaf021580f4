package io.earshot.stack;

import io.earshot.domain.TopicSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

/** Creates Earshot's topics with their deliberate settings; existing topics are left alone. */
public final class TopicAdmin {

  private TopicAdmin() {}

  /** Kafka topic configs for a spec. */
  public static Map<String, String> configsOf(TopicSpec spec) {
    Map<String, String> configs = new HashMap<>();
    configs.put(
        TopicConfig.CLEANUP_POLICY_CONFIG,
        spec.compacted() ? TopicConfig.CLEANUP_POLICY_COMPACT : TopicConfig.CLEANUP_POLICY_DELETE);
    configs.put(TopicConfig.RETENTION_MS_CONFIG, String.valueOf(spec.retentionMillis()));
    configs.put(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(spec.maxMessageBytes()));
    configs.put(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "CreateTime");
    return configs;
  }

  /**
   * Creates the missing topics.
   *
   * @return names of the topics created by this call
   */
  public static List<String> ensureTopics(
      String bootstrapServers, List<TopicSpec> specs, short replicationFactor) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    try (Admin admin = Admin.create(p)) {
      Set<String> existing = admin.listTopics().names().get();
      List<NewTopic> toCreate = new ArrayList<>();
      for (TopicSpec spec : specs) {
        if (!existing.contains(spec.name())) {
          toCreate.add(
              new NewTopic(spec.name(), spec.partitions(), replicationFactor)
                  .configs(configsOf(spec)));
        }
      }
      if (!toCreate.isEmpty()) {
        admin.createTopics(toCreate).all().get();
      }
      return toCreate.stream().map(NewTopic::name).toList();
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "cannot create topics on " + bootstrapServers + ": " + e.getCause().getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted creating topics", e);
    }
  }
}
