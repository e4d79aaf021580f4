package io.earshot.flink.inference;

import io.earshot.avro.AudioWindow;
import io.earshot.avro.DeadLetter;
import io.earshot.avro.VideoFrame;
import io.earshot.domain.Topics;
import io.earshot.serde.AvroDeserializer;
import io.earshot.serde.AvroSerializer;
import io.earshot.serde.SchemaRegistryClient;
import io.earshot.serde.TrustedAvroClasses;
import io.earshot.training.data.ClipSpec;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Decodes frames and audio windows from their Avro bytes and checks what the model needs (stereo
 * 16-bit PCM of the declared size, a readable JPEG image). Each frame's JPEG is decoded here, once,
 * into the model's frame input ({@link FrameDecoder}): a frame belongs to several overlapping
 * clips, and this operator runs beside the inference rather than in its thread. Anything else goes
 * to the dead-letter output with the reason, the source topic, partition and offset; the job never
 * stops on a bad record.
 */
public class DecodeFunction extends ProcessFunction<KafkaBytes, MediaEvent> {

  private static final long serialVersionUID = 1L;

  /** Dead letters, already encoded for {@value Topics#DEAD_LETTER}. */
  public static final OutputTag<OutRecord> DEAD_LETTERS = new OutputTag<>("dead-letters") {};

  private static final int MAX_DEAD_VALUE = 64 * 1024;

  private final String registryUrl;
  private final int expectedRate;
  private final double clipSeconds;
  private final double fps;
  private final int width;
  private final int height;
  private transient AvroDeserializer<VideoFrame> frames;
  private transient AvroDeserializer<AudioWindow> windows;
  private transient AvroSerializer<DeadLetter> deadSerializer;
  private transient Counter deadLetters;
  private transient Counter decodeMicros;
  private transient FrameDecoder frameDecoder;

  /** Decodes for a model taking clips of {@code spec}. */
  public DecodeFunction(String registryUrl, ClipSpec spec) {
    this.registryUrl = registryUrl;
    this.expectedRate = spec.sampleRate();
    this.clipSeconds = spec.seconds();
    this.fps = spec.fps();
    this.width = spec.width();
    this.height = spec.height();
  }

  @Override
  public void open(OpenContext context) {
    TrustedAvroClasses.install();
    SchemaRegistryClient registry = new SchemaRegistryClient(registryUrl);
    frames = new AvroDeserializer<>(registry, VideoFrame.class);
    windows = new AvroDeserializer<>(registry, AudioWindow.class);
    deadSerializer = new AvroSerializer<>(registry, false);
    deadLetters = getRuntimeContext().getMetricGroup().counter("earshot_dead_letters");
    decodeMicros = getRuntimeContext().getMetricGroup().counter("earshot_decode_micros");
    frameDecoder = new FrameDecoder(new ClipSpec(clipSeconds, fps, width, height, expectedRate));
  }

  @Override
  public void processElement(KafkaBytes in, Context ctx, Collector<MediaEvent> out) {
    long start = System.nanoTime();
    try {
      MediaEvent e = new MediaEvent();
      if (Topics.VIDEO_FRAMES.equals(in.topic)) {
        VideoFrame f = frames.deserialize(in.topic, in.value);
        byte[] image = bytes(f.getImage());
        if (image.length < 4 || (image[0] & 0xff) != 0xFF || (image[1] & 0xff) != 0xD8) {
          throw new IllegalArgumentException(
              "frame image is not a JPEG (encoding " + f.getEncoding() + ")");
        }
        e.streamId = f.getStreamId();
        e.ptsMicros = f.getPtsMicros();
        e.ingestMillis = f.getIngestTimeMillis().toEpochMilli();
        e.payload = frameDecoder.decode(image);
      } else if (Topics.AUDIO_WINDOWS.equals(in.topic)) {
        AudioWindow w = windows.deserialize(in.topic, in.value);
        if (w.getChannels() != 2) {
          throw new IllegalArgumentException(
              "audio window has "
                  + w.getChannels()
                  + " channels ("
                  + w.getLayout()
                  + "); the flip model needs stereo");
        }
        if (w.getSampleRate() != expectedRate) {
          throw new IllegalArgumentException(
              "audio window is "
                  + w.getSampleRate()
                  + " Hz; the model needs "
                  + expectedRate
                  + " Hz (ingest with --sample-rate "
                  + expectedRate
                  + ")");
        }
        byte[] pcm = bytes(w.getPcm());
        if (pcm.length != w.getFrameCount() * w.getChannels() * 2) {
          throw new IllegalArgumentException(
              "audio window declares "
                  + w.getFrameCount()
                  + " frames but carries "
                  + pcm.length
                  + " bytes");
        }
        e.streamId = w.getStreamId();
        e.audio = true;
        e.ptsMicros = w.getStartPtsMicros();
        e.ingestMillis = w.getIngestTimeMillis().toEpochMilli();
        e.payload = pcm;
        e.channels = w.getChannels();
        e.sampleRate = w.getSampleRate();
      } else {
        throw new IllegalArgumentException("unexpected topic " + in.topic);
      }
      decodeMicros.inc((System.nanoTime() - start) / 1000);
      out.collect(e);
    } catch (RuntimeException ex) {
      deadLetters.inc();
      DeadLetter d =
          DeadLetter.newBuilder()
              .setStage("spatial-inference-job")
              .setReason(ex.getMessage() == null ? ex.toString() : ex.getMessage())
              .setErrorClass(ex.getClass().getName())
              .setSourceTopic(in.topic)
              .setSourcePartition(in.partition)
              .setSourceOffset(in.offset)
              .setKey(in.key == null ? null : ByteBuffer.wrap(in.key))
              .setValue(
                  in.value == null
                      ? null
                      : ByteBuffer.wrap(
                          Arrays.copyOf(in.value, Math.min(in.value.length, MAX_DEAD_VALUE))))
              .setTimestampMillis(Instant.now())
              .build();
      String key =
          in.key == null ? null : new String(in.key, java.nio.charset.StandardCharsets.UTF_8);
      ctx.output(
          DEAD_LETTERS,
          new OutRecord(Topics.DEAD_LETTER, key, deadSerializer.serialize(Topics.DEAD_LETTER, d)));
    }
  }

  private static byte[] bytes(ByteBuffer b) {
    ByteBuffer d = b.duplicate();
    byte[] out = new byte[d.remaining()];
    d.get(out);
    return out;
  }
}
