package io.earshot.streams.monitor;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Plain Avro binary (no registry framing) for {@code TopologyTestDriver} tests, which never talk to
 * a broker or registry. Production always uses the registry serdes ({@link
 * MonitorSerdes#registry}).
 */
final class AvroBinarySerde<T extends SpecificRecord> implements Serde<T> {

  private final Class<T> type;

  AvroBinarySerde(Class<T> type) {
    this.type = type;
  }

  static MonitorSerdes monitorSerdes() {
    return new MonitorSerdes(
        new AvroBinarySerde<>(io.earshot.avro.ClipPrediction.class),
        new AvroBinarySerde<>(io.earshot.avro.Alert.class),
        new AvroBinarySerde<>(io.earshot.avro.AudioWindow.class),
        new AvroBinarySerde<>(io.earshot.avro.VideoFrame.class),
        new AvroBinarySerde<>(io.earshot.avro.SourceTrack.class));
  }

  @Override
  public Serializer<T> serializer() {
    SpecificDatumWriter<T> writer = new SpecificDatumWriter<>(SpecificData.get().getSchema(type));
    return (topic, value) -> {
      if (value == null) {
        return null;
      }
      try {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder enc = EncoderFactory.get().directBinaryEncoder(out, null);
        writer.write(value, enc);
        enc.flush();
        return out.toByteArray();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    };
  }

  @Override
  public Deserializer<T> deserializer() {
    SpecificDatumReader<T> reader = new SpecificDatumReader<>(SpecificData.get().getSchema(type));
    return (topic, bytes) -> {
      if (bytes == null) {
        return null;
      }
      try {
        return reader.read(null, DecoderFactory.get().binaryDecoder(bytes, null));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    };
  }
}
