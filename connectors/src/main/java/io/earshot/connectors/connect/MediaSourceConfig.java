package io.earshot.connectors.connect;

import io.earshot.connectors.media.IngestOptions;
import io.earshot.connectors.media.InputPolicy;
import io.earshot.connectors.media.MediaInputException;
import java.net.URI;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * Configuration of {@link MediaSourceConnector}. The options mirror the flags of {@code ./earshot
 * ingest}, and the limits are not repeated here: each value is checked by building {@link
 * IngestOptions} with it, so the CLI and the connector cannot drift apart. A rejected value becomes
 * a {@link ConfigException} naming the Connect option (not the CLI flag).
 */
public final class MediaSourceConfig extends AbstractConfig {

  public static final String MEDIA_INPUT = "media.input";
  public static final String STREAM_ID = "stream.id";
  public static final String FRAME_RATE = "frame.rate";
  public static final String FRAME_WIDTH = "frame.width";
  public static final String FRAME_HEIGHT = "frame.height";
  public static final String AUDIO_SAMPLE_RATE = "audio.sample.rate";
  public static final String AUDIO_WINDOW_MS = "audio.window.ms";
  public static final String AUDIO_AMBISONICS = "audio.ambisonics";
  public static final String REALTIME = "realtime";
  public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
  public static final String RECONNECT = "reconnect";
  public static final String MAX_RECONNECTS = "max.reconnects";

  /** Placeholder input and stream id used when checking a single option against the defaults. */
  private static final IngestOptions BASE = IngestOptions.defaults("validation", "validation");

  private static final String GROUP_INPUT = "Input";
  private static final String GROUP_VIDEO = "Video";
  private static final String GROUP_AUDIO = "Audio";
  private static final String GROUP_OUTPUT = "Output";

  public static final ConfigDef CONFIG_DEF =
      new ConfigDef()
          .define(
              MEDIA_INPUT,
              Type.STRING,
              ConfigDef.NO_DEFAULT_VALUE,
              MediaSourceConfig::validateInput,
              Importance.HIGH,
              "File path or URL of the media to ingest (anything ffmpeg reads: file, http(s),"
                  + " rtsp, rtmp, srt, udp...). Credentials in a URL are removed from everything"
                  + " Earshot publishes; keep them out of the stored connector config with a"
                  + " config provider, e.g. ${file:/secrets/cam.properties:url}.",
              GROUP_INPUT,
              1,
              ConfigDef.Width.LONG,
              "Media input")
          .define(
              STREAM_ID,
              Type.STRING,
              ConfigDef.NO_DEFAULT_VALUE,
              checkedBy(v -> IngestOptions.defaults("validation", (String) v)),
              Importance.HIGH,
              "Stream identifier: the key of every record and the name the stream has downstream.",
              GROUP_INPUT,
              2,
              ConfigDef.Width.MEDIUM,
              "Stream id")
          .define(
              REALTIME,
              Type.BOOLEAN,
              false,
              Importance.LOW,
              "Pace a file like a live source, sleeping to its timestamps (for demos and tests).",
              GROUP_INPUT,
              3,
              ConfigDef.Width.SHORT,
              "Realtime")
          .define(
              RECONNECT,
              Type.BOOLEAN,
              true,
              Importance.MEDIUM,
              "Reopen a live network input with exponential backoff when it drops.",
              GROUP_INPUT,
              4,
              ConfigDef.Width.SHORT,
              "Reconnect")
          .define(
              MAX_RECONNECTS,
              Type.INT,
              0,
              checkedBy(v -> BASE.withReconnect(true, (Integer) v, BASE.timeout())),
              Importance.LOW,
              "Give up after this many consecutive failed reconnect attempts (0 = never).",
              GROUP_INPUT,
              5,
              ConfigDef.Width.SHORT,
              "Max reconnects")
          .define(
              FRAME_RATE,
              Type.DOUBLE,
              IngestOptions.DEFAULT_FRAME_RATE,
              checkedBy(v -> BASE.withFrameSize((Double) v, BASE.width(), BASE.height())),
              Importance.MEDIUM,
              "Video frames sampled per second of media time.",
              GROUP_VIDEO,
              1,
              ConfigDef.Width.SHORT,
              "Frame rate")
          .define(
              FRAME_WIDTH,
              Type.INT,
              IngestOptions.DEFAULT_WIDTH,
              checkedBy(v -> BASE.withFrameSize(BASE.frameRate(), (Integer) v, BASE.height())),
              Importance.MEDIUM,
              "Width in pixels of the emitted JPEG frames.",
              GROUP_VIDEO,
              2,
              ConfigDef.Width.SHORT,
              "Frame width")
          .define(
              FRAME_HEIGHT,
              Type.INT,
              0,
              checkedBy(v -> BASE.withFrameSize(BASE.frameRate(), BASE.width(), (Integer) v)),
              Importance.MEDIUM,
              "Height in pixels of the emitted frames, or 0 to keep the source aspect ratio.",
              GROUP_VIDEO,
              3,
              ConfigDef.Width.SHORT,
              "Frame height")
          .define(
              AUDIO_SAMPLE_RATE,
              Type.INT,
              IngestOptions.DEFAULT_SAMPLE_RATE,
              checkedBy(v -> BASE.withAudio((Integer) v, BASE.windowMillis(), BASE.ambisonics())),
              Importance.MEDIUM,
              "Sample rate (Hz) the audio is resampled to (16-bit PCM).",
              GROUP_AUDIO,
              1,
              ConfigDef.Width.SHORT,
              "Audio sample rate")
          .define(
              AUDIO_WINDOW_MS,
              Type.INT,
              IngestOptions.DEFAULT_WINDOW_MILLIS,
              checkedBy(v -> BASE.withAudio(BASE.sampleRate(), (Integer) v, BASE.ambisonics())),
              Importance.MEDIUM,
              "Length in milliseconds of each audio window record.",
              GROUP_AUDIO,
              2,
              ConfigDef.Width.SHORT,
              "Audio window")
          .define(
              AUDIO_AMBISONICS,
              Type.BOOLEAN,
              false,
              Importance.LOW,
              "Treat 4-channel audio as first-order ambisonics (ACN/SN3D) even when the container"
                  + " does not say so.",
              GROUP_AUDIO,
              3,
              ConfigDef.Width.SHORT,
              "Ambisonics")
          .define(
              SCHEMA_REGISTRY_URL,
              Type.STRING,
              ConfigDef.NO_DEFAULT_VALUE,
              MediaSourceConfig::validateRegistryUrl,
              Importance.HIGH,
              "Confluent-compatible schema registry the Avro schemas are registered in, e.g."
                  + " http://127.0.0.1:8081 or Apicurio's http://host:8080/apis/ccompat/v7.",
              GROUP_OUTPUT,
              1,
              ConfigDef.Width.LONG,
              "Schema registry URL");

  public MediaSourceConfig(Map<?, ?> props) {
    super(CONFIG_DEF, props);
  }

  /** The ingest options these settings describe. */
  public IngestOptions ingestOptions() {
    try {
      IngestOptions defaults = IngestOptions.defaults(input(), streamId());
      return defaults
          .withFrameSize(getDouble(FRAME_RATE), getInt(FRAME_WIDTH), getInt(FRAME_HEIGHT))
          .withAudio(
              getInt(AUDIO_SAMPLE_RATE), getInt(AUDIO_WINDOW_MS), getBoolean(AUDIO_AMBISONICS))
          .withRealtime(getBoolean(REALTIME))
          .withReconnect(getBoolean(RECONNECT), getInt(MAX_RECONNECTS), defaults.timeout());
    } catch (IllegalArgumentException e) {
      // Each option is validated on its own above; this only catches combinations.
      throw new ConfigException("invalid media source configuration: " + withoutFlag(e));
    }
  }

  public String input() {
    return getString(MEDIA_INPUT);
  }

  public String streamId() {
    return getString(STREAM_ID);
  }

  public String registryUrl() {
    return getString(SCHEMA_REGISTRY_URL);
  }

  /**
   * A validator that builds {@link IngestOptions} with the value and turns its rejection into a
   * ConfigException for this option.
   */
  private static ConfigDef.Validator checkedBy(Function<Object, IngestOptions> build) {
    return (name, value) -> {
      if (value == null) {
        return; // missing required values are reported by ConfigDef itself
      }
      try {
        build.apply(value);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(name, value, withoutFlag(e));
      }
    };
  }

  private static void validateInput(String name, Object value) {
    if (value == null) {
      return;
    }
    String input = value.toString();
    // The value may hold credentials: exceptions show the redacted form only.
    String shown = input.isBlank() ? "" : InputPolicy.redact(input);
    try {
      IngestOptions.defaults(input, "validation");
      InputPolicy.protocolWhitelist(input);
    } catch (IllegalArgumentException | MediaInputException e) {
      throw new ConfigException(name, shown, withoutFlag(e));
    }
  }

  private static void validateRegistryUrl(String name, Object value) {
    if (value == null) {
      return;
    }
    String url = value.toString().trim();
    try {
      URI uri = URI.create(url);
      boolean web = "http".equals(uri.getScheme()) || "https".equals(uri.getScheme());
      if (!web || uri.getHost() == null) {
        throw new ConfigException(name, value, "must be an http:// or https:// URL");
      }
    } catch (IllegalArgumentException e) {
      throw new ConfigException(
          name, value, "must be an http:// or https:// URL: " + e.getMessage());
    }
  }

  /** IngestOptions messages start with the CLI flag ("--fps must be..."); Connect names the key. */
  private static String withoutFlag(RuntimeException e) {
    return e.getMessage().replaceFirst("^--[a-z-]+ ", "");
  }
}
