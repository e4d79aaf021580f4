package io.earshot.connectors.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.earshot.connectors.media.IngestOptions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Test;

/** Configuration and task layout of the connector; no worker, broker or media needed. */
class MediaSourceConnectorTest {

  private static Map<String, String> minimal() {
    Map<String, String> props = new HashMap<>();
    props.put("media.input", "/data/cam.mkv");
    props.put("stream.id", "cam-1");
    props.put("schema.registry.url", "http://127.0.0.1:8081");
    return props;
  }

  private static Map<String, String> with(String key, String value) {
    Map<String, String> props = minimal();
    props.put(key, value);
    return props;
  }

  @Test
  void shouldUseTheCliDefaultsWhenOnlyRequiredOptionsAreSet() {
    IngestOptions options = new MediaSourceConfig(minimal()).ingestOptions();

    IngestOptions expected = IngestOptions.defaults("/data/cam.mkv", "cam-1");
    assertThat(options).isEqualTo(expected);
    assertThat(options.frameRate()).isEqualTo(6.0);
    assertThat(options.width()).isEqualTo(320);
    assertThat(options.height()).isZero();
    assertThat(options.reconnect()).isTrue();
  }

  @Test
  void shouldPassEveryOptionThroughWhenSet() {
    Map<String, String> props = minimal();
    props.put("frame.rate", "12.5");
    props.put("frame.width", "640");
    props.put("frame.height", "360");
    props.put("audio.sample.rate", "48000");
    props.put("audio.window.ms", "250");
    props.put("audio.ambisonics", "true");
    props.put("realtime", "true");
    props.put("reconnect", "false");
    props.put("max.reconnects", "7");

    IngestOptions o = new MediaSourceConfig(props).ingestOptions();

    assertThat(o.frameRate()).isEqualTo(12.5);
    assertThat(o.width()).isEqualTo(640);
    assertThat(o.height()).isEqualTo(360);
    assertThat(o.sampleRate()).isEqualTo(48_000);
    assertThat(o.windowMillis()).isEqualTo(250);
    assertThat(o.ambisonics()).isTrue();
    assertThat(o.realtime()).isTrue();
    assertThat(o.reconnect()).isFalse();
    assertThat(o.maxReconnects()).isEqualTo(7);
  }

  @Test
  void shouldNameTheOptionWhenAValueIsOutOfRange() {
    assertThatThrownBy(() -> new MediaSourceConfig(with("frame.rate", "0")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("frame.rate")
        .hasMessageContaining("must be in (0, 60]")
        .hasMessageNotContaining("--fps");
    assertThatThrownBy(() -> new MediaSourceConfig(with("audio.window.ms", "5")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("audio.window.ms")
        .hasMessageContaining("[20, 5000]");
    assertThatThrownBy(() -> new MediaSourceConfig(with("stream.id", "has space")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("stream.id");
    assertThatThrownBy(() -> new MediaSourceConfig(with("schema.registry.url", "localhost")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("schema.registry.url");
  }

  @Test
  void shouldRejectInputWithoutShowingCredentialsWhenSchemeIsNotAllowed() {
    assertThatThrownBy(() -> new MediaSourceConfig(with("media.input", "gopher://u:secret@h/x")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("media.input")
        .hasMessageContaining("gopher")
        .hasMessageNotContaining("secret");
  }

  @Test
  void shouldReportMissingRequiredOptionsWhenValidatedByConnect() {
    Map<String, String> props = minimal();
    props.remove("media.input");
    props.put("frame.width", "5");

    Config result = new MediaSourceConnector().validate(props);

    Map<String, List<String>> errors = new HashMap<>();
    for (ConfigValue v : result.configValues()) {
      errors.put(v.name(), v.errorMessages());
    }
    assertThat(errors.get("media.input")).isNotEmpty();
    assertThat(errors.get("frame.width")).singleElement().asString().contains("[16, 1920]");
    assertThat(errors.get("stream.id")).isEmpty();
  }

  @Test
  void shouldCreateExactlyOneTaskWhenMoreAreAllowed() {
    MediaSourceConnector connector = new MediaSourceConnector();
    connector.start(minimal());

    assertThat(connector.taskConfigs(4)).containsExactly(minimal());
    assertThat(connector.taskClass()).isEqualTo(MediaSourceTask.class);
    assertThat(connector.version()).isEqualTo(MediaSourceConnector.VERSION);
    connector.stop();
  }
}
