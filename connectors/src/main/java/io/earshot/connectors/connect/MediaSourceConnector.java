package io.earshot.connectors.connect;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.source.SourceConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka Connect source connector doing the same media ingest as {@code ./earshot ingest}: it
 * decodes one media input (file or live URL) and writes sampled JPEG frames to {@code
 * av.video.frames}, PCM audio windows to {@code av.audio.windows}, status to {@code av.streams} and
 * rejected inputs to {@code av.deadletter}, keyed by the stream id. Options are described by {@link
 * MediaSourceConfig}.
 *
 * <p>The task serializes the values itself, in the Confluent wire format through the schema
 * registry, exactly as the CLI does. For the bytes on the topics to be identical to the CLI's,
 * configure the connector (or worker) with
 *
 * <pre>
 * key.converter=org.apache.kafka.connect.storage.StringConverter
 * value.converter=org.apache.kafka.connect.converters.ByteArrayConverter
 * </pre>
 *
 * <p>One connector ingests one stream with exactly one task: a media input is a single sequential
 * decode that cannot be split, so {@code tasks.max} above 1 is accepted but ignored. Run one
 * connector per stream.
 *
 * <p>When the input cannot be ingested (missing, mono, no video...), or a file ends, the task
 * publishes the FAILED or ENDED status (and a dead letter for failures), logs the reason once and
 * then idles until the connector is deleted or restarted; source offsets record media timestamps
 * for observability but a restart ingests the input again from its start.
 */
public final class MediaSourceConnector extends SourceConnector {

  /** Version reported to Connect. */
  public static final String VERSION = "0.1.0";

  private static final Logger LOG = LoggerFactory.getLogger(MediaSourceConnector.class);

  private Map<String, String> props;

  @Override
  public void start(Map<String, String> props) {
    // Parse now so a bad config fails the connector, not only its task.
    MediaSourceConfig config = new MediaSourceConfig(props);
    this.props = Map.copyOf(props);
    LOG.info("media source connector for stream {} started", config.streamId());
  }

  @Override
  public Class<? extends Task> taskClass() {
    return MediaSourceTask.class;
  }

  @Override
  public List<Map<String, String>> taskConfigs(int maxTasks) {
    if (maxTasks > 1) {
      LOG.info("tasks.max={} ignored: one media input is ingested by exactly one task", maxTasks);
    }
    return List.of(props);
  }

  @Override
  public void stop() {
    // Nothing to release: the task owns the decoder.
  }

  @Override
  public ConfigDef config() {
    return MediaSourceConfig.CONFIG_DEF;
  }

  @Override
  public String version() {
    return VERSION;
  }
}
