package io.earshot.streams.monitor;

import io.earshot.avro.Alert;
import io.earshot.avro.AudioWindow;
import io.earshot.avro.ClipPrediction;
import io.earshot.avro.SourceTrack;
import io.earshot.avro.VideoFrame;
import io.earshot.serde.AvroDeserializer;
import io.earshot.serde.AvroSerializer;
import io.earshot.serde.SchemaRegistryClient;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The value serdes of the FlipMonitor's topics. Production uses {@link #registry(String)}
 * (Confluent wire format through the schema registry); tests of the topology may build one from
 * plain Avro serdes, since the topology does not care how values are framed.
 *
 * <p>Frames and tracks are stored as the raw bytes read from their topics and decoded only when
 * someone asks for them, so a busy fleet's video is never decoded by the monitor.
 */
public record MonitorSerdes(
    Serde<ClipPrediction> predictions,
    Serde<Alert> alerts,
    Serde<AudioWindow> audio,
    Serde<VideoFrame> frames,
    Serde<SourceTrack> tracks) {

  /** Serdes in the Confluent wire format, registering and resolving schemas at {@code url}. */
  public static MonitorSerdes registry(String url) {
    SchemaRegistryClient client = new SchemaRegistryClient(url);
    return new MonitorSerdes(
        serde(client, ClipPrediction.class),
        serde(client, Alert.class),
        serde(client, AudioWindow.class),
        serde(client, VideoFrame.class),
        serde(client, SourceTrack.class));
  }

  private static <T extends SpecificRecord> Serde<T> serde(
      SchemaRegistryClient client, Class<T> type) {
    return Serdes.serdeFrom(
        new AvroSerializer<>(client, false), new AvroDeserializer<>(client, type));
  }
}
