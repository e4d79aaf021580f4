package io.earshot.streams.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.earshot.domain.MonitorPolicy;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class FlipMonitorConfigTest {

  @Test
  void shouldUseLocalStackAndDefaultPolicyWhenNoOptionIsGiven() {
    FlipMonitorConfig c = FlipMonitorConfig.from(Map.of());

    assertThat(c.bootstrapServers()).isEqualTo("127.0.0.1:9092");
    assertThat(c.httpHost()).isEqualTo("127.0.0.1");
    assertThat(c.httpPort()).isEqualTo(FlipMonitorConfig.DEFAULT_HTTP_PORT);
    assertThat(c.policy()).isEqualTo(MonitorPolicy.DEFAULT);
    assertThat(c.correction().any()).isFalse();
    assertThat(c.operatorView()).isTrue();
  }

  @Test
  void shouldRunExactlyOnceAndAdvertiseHttpPortWhenBuildingStreamsProperties() {
    Properties p =
        FlipMonitorConfig.from(Map.of("commit-interval-ms", "250")).streamsProperties(9999);

    assertThat(p.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG))
        .isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);
    assertThat(p.get(StreamsConfig.APPLICATION_SERVER_CONFIG)).isEqualTo("127.0.0.1:9999");
    assertThat(p.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG)).isEqualTo(250L);
  }

  @Test
  void shouldReadPolicyOptionsWhenGiven() {
    FlipMonitorConfig c =
        FlipMonitorConfig.from(
            Map.of("flip-threshold", "0.8", "confirm-clips", "5", "stale-after-ms", "5000"));

    assertThat(c.policy().flipThreshold()).isEqualTo(0.8);
    assertThat(c.policy().confirmClips()).isEqualTo(5);
    assertThat(c.policy().staleAfter()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void shouldNameOptionWhenValueIsInvalid() {
    assertThatThrownBy(() -> FlipMonitorConfig.from(Map.of("http-port", "eighty")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("http-port");
    assertThatThrownBy(() -> FlipMonitorConfig.from(Map.of("http-port", "70000")))
        .hasMessageContaining("http-port");
    assertThatThrownBy(() -> FlipMonitorConfig.from(Map.of("ok-threshold", "0.9")))
        .hasMessageContaining("ok-threshold");
    assertThatThrownBy(() -> FlipMonitorConfig.from(Map.of("operator-view", "yes")))
        .hasMessageContaining("operator-view");
    assertThatThrownBy(() -> FlipMonitorConfig.from(Map.of("correct-streams", "a,*")))
        .hasMessageContaining("correct-streams");
  }

  @Test
  void shouldRejectUnknownOptionListingKnownOnesWhenMisspelled() {
    assertThatThrownBy(() -> FlipMonitorConfig.from(Map.of("flip-treshold", "0.8")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("flip-treshold")
        .hasMessageContaining("flip-threshold");
  }

  @Test
  void shouldEnableCorrectionPerStreamWhenListed() {
    FlipMonitorConfig.CorrectionPolicy some =
        FlipMonitorConfig.from(Map.of("correct-streams", " cam-1, cam-2 ")).correction();
    FlipMonitorConfig.CorrectionPolicy all =
        FlipMonitorConfig.from(Map.of("correct-streams", "*")).correction();

    assertThat(some.enabled("cam-1")).isTrue();
    assertThat(some.enabled("cam-2")).isTrue();
    assertThat(some.enabled("cam-3")).isFalse();
    assertThat(all.enabled("anything")).isTrue();
  }

  @Test
  void shouldParseDashedArgumentsWhenAppIsStartedFromCommandLine() {
    assertThat(FlipMonitorApp.parse(new String[] {"--http-port=0", "--correct-streams", "a"}))
        .containsEntry("http-port", "0")
        .containsEntry("correct-streams", "a");
    assertThatThrownBy(() -> FlipMonitorApp.parse(new String[] {"http-port"}))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
