package io.earshot.streams.monitor;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.earshot.domain.HistoryPoint;
import io.earshot.domain.StreamStatus;
import java.io.IOException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * JSON serde of the per-stream status kept in the monitor's state store (and its changelog topic).
 * JSON rather than Avro because the store is internal to the monitor: nothing else reads its
 * changelog, so it needs no registry subject, and it stays readable with a console consumer.
 * Unknown fields are ignored so a newer monitor's store still restores into an older one.
 *
 * <p>History points are written as arrays ({@code [clipStartMicros, atMillis, probability,
 * smoothed, state]}): every prediction rewrites its stream's status to the changelog, and the
 * history is most of it (under 8 KB for 120 clips instead of about 15 KB with field names).
 */
public final class StreamStatusSerde implements Serde<StreamStatus> {

  /** JSON of the HTTP API (objects with field names). */
  static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  /** JSON of the store: history points as arrays. */
  private static final ObjectMapper STORE =
      JSON.copy().addMixIn(HistoryPoint.class, CompactHistoryPoint.class);

  @JsonFormat(shape = JsonFormat.Shape.ARRAY)
  private interface CompactHistoryPoint {}

  @Override
  public Serializer<StreamStatus> serializer() {
    return (topic, status) -> {
      if (status == null) {
        return null;
      }
      try {
        return STORE.writeValueAsBytes(status);
      } catch (JsonProcessingException e) {
        throw new SerializationException("cannot encode status of " + status.streamId(), e);
      }
    };
  }

  @Override
  public Deserializer<StreamStatus> deserializer() {
    return (topic, bytes) -> {
      if (bytes == null) {
        return null;
      }
      try {
        return STORE.readValue(bytes, StreamStatus.class);
      } catch (IOException e) {
        throw new SerializationException("cannot decode a stream status from " + topic, e);
      }
    };
  }
}
