package io.earshot.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.earshot.domain.TopicSpec;
import io.earshot.domain.Topics;
import io.earshot.testing.SharedStack;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SharedStack.class)
class LocalStackIT {

  @Test
  void shouldCreateEveryTopicWithItsSettingsWhenStackStarts(LocalStack stack) throws Exception {
    assertThat(stack.bootstrapServers()).startsWith("127.0.0.1:");
    assertThat(stack.registryUrl()).startsWith("http://127.0.0.1:");

    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    try (Admin admin = Admin.create(p)) {
      List<String> names = Topics.all().stream().map(TopicSpec::name).toList();
      Map<String, TopicDescription> described = admin.describeTopics(names).allTopicNames().get();
      Map<ConfigResource, Config> configs =
          admin
              .describeConfigs(
                  names.stream()
                      .map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n))
                      .collect(Collectors.toList()))
              .all()
              .get();
      for (TopicSpec spec : Topics.all()) {
        assertThat(described.get(spec.name()).partitions()).hasSize(spec.partitions());
        Config c = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, spec.name()));
        assertThat(c.get("cleanup.policy").value())
            .as(spec.name())
            .isEqualTo(spec.compacted() ? "compact" : "delete");
        assertThat(c.get("max.message.bytes").value())
            .isEqualTo(String.valueOf(Topics.MAX_MESSAGE_BYTES));
      }
      assertThat(
              configs
                  .get(new ConfigResource(ConfigResource.Type.TOPIC, Topics.MODELS))
                  .get("cleanup.policy")
                  .value())
          .isEqualTo("compact");
    }
    // Idempotent: a second run creates nothing.
    assertThat(TopicAdmin.ensureTopics(stack.bootstrapServers(), Topics.all(), (short) 1))
        .isEmpty();
  }

  @Test
  void shouldFailWithClearMessageWhenPortIsTaken() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      assertThatThrownBy(() -> EmbeddedKafka.start(taken.getLocalPort(), null, Map.of()))
          .hasMessageContaining("port " + taken.getLocalPort())
          .hasMessageContaining("already in use");
    }
  }
}
