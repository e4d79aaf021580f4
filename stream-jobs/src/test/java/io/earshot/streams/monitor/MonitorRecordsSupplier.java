package io.earshot.streams.monitor;

import io.earshot.avro.AudioWindow;
import io.earshot.avro.ChannelLayout;
import io.earshot.avro.ClipPrediction;
import io.earshot.avro.ImageEncoding;
import io.earshot.avro.PredictionStatus;
import io.earshot.avro.SourceTrack;
import io.earshot.avro.TrackingMethod;
import io.earshot.avro.VideoFrame;
import io.earshot.domain.Pcm;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Random;

/**
 * Test records: predictions one clip per second, stereo windows, frames, tracks. Public for the ops
 * module's live tests (stream-jobs test-jar).
 */
public final class MonitorRecordsSupplier {

  public static final long HOP_MICROS = 1_000_000L;
  public static final String MODEL = "flip-detector-test-1";

  private MonitorRecordsSupplier() {}

  /** Prediction for clip number {@code clip} (3 s clip starting at clip seconds). */
  public static ClipPrediction prediction(
      String streamId, int clip, Double probability, long nowMillis) {
    return ClipPrediction.newBuilder()
        .setStreamId(streamId)
        .setClipStartMicros(clip * HOP_MICROS)
        .setClipEndMicros(clip * HOP_MICROS + 3 * HOP_MICROS)
        .setStatus(probability == null ? PredictionStatus.NO_SIGNAL : PredictionStatus.SCORED)
        .setFlipProbability(probability)
        .setReason(probability == null ? "silent audio" : null)
        .setModelVersion(MODEL)
        .setNewestIngestTimeMillis(Instant.ofEpochMilli(nowMillis - 1500))
        .setInferenceStartMillis(Instant.ofEpochMilli(nowMillis - 300))
        .setInferenceEndMillis(Instant.ofEpochMilli(nowMillis - 200))
        .setBatchSize(4)
        .build();
  }

  /** Seeded random stereo samples whose left and right differ everywhere. */
  public static short[] stereoSamples(int frames, long seed) {
    Random r = new Random(seed);
    short[] s = new short[frames * 2];
    for (int i = 0; i < frames; i++) {
      s[2 * i] = (short) (r.nextInt(20000) - 10000);
      s[2 * i + 1] = (short) (s[2 * i] + 1 + r.nextInt(1000));
    }
    return s;
  }

  public static AudioWindow window(String streamId, long sequence, short[] interleaved) {
    return AudioWindow.newBuilder()
        .setStreamId(streamId)
        .setSequence(sequence)
        .setStartPtsMicros(sequence * 500_000L)
        .setIngestTimeMillis(Instant.ofEpochMilli(1_700_000_000_000L + sequence * 500))
        .setSampleRate(16000)
        .setChannels(2)
        .setLayout(ChannelLayout.STEREO)
        .setFrameCount(interleaved.length / 2)
        .setPcm(ByteBuffer.wrap(Pcm.toS16le(interleaved)))
        .build();
  }

  public static short[] samples(AudioWindow w) {
    ByteBuffer b = w.getPcm().duplicate();
    byte[] bytes = new byte[b.remaining()];
    b.get(bytes);
    return Pcm.fromS16le(bytes);
  }

  public static VideoFrame frame(String streamId, long sequence, byte[] jpeg) {
    return VideoFrame.newBuilder()
        .setStreamId(streamId)
        .setSequence(sequence)
        .setPtsMicros(sequence * 166_667L)
        .setIngestTimeMillis(Instant.ofEpochMilli(1_700_000_000_000L))
        .setWidth(32)
        .setHeight(18)
        .setSizeBytes(jpeg.length)
        .setEncoding(ImageEncoding.JPEG)
        .setImage(ByteBuffer.wrap(jpeg))
        .build();
  }

  public static SourceTrack track(String streamId, int clip, double x) {
    return SourceTrack.newBuilder()
        .setStreamId(streamId)
        .setClipStartMicros(clip * HOP_MICROS)
        .setClipEndMicros(clip * HOP_MICROS + 3 * HOP_MICROS)
        .setX(x)
        .setConfidence(0.8)
        .setMethod(TrackingMethod.FUSED)
        .setModelVersion(MODEL)
        .build();
  }
}
