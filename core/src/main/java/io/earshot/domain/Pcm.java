package io.earshot.domain;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Conversions and measurements on interleaved signed 16-bit PCM. */
public final class Pcm {

  private Pcm() {}

  /** Encodes samples as signed 16-bit little-endian bytes. */
  public static byte[] toS16le(short[] samples) {
    ByteBuffer buf = ByteBuffer.allocate(samples.length * 2).order(ByteOrder.LITTLE_ENDIAN);
    buf.asShortBuffer().put(samples);
    return buf.array();
  }

  /** Decodes signed 16-bit little-endian bytes. */
  public static short[] fromS16le(byte[] bytes) {
    if (bytes.length % 2 != 0) {
      throw new IllegalArgumentException(
          "s16le PCM must have an even byte count, got " + bytes.length);
    }
    short[] out = new short[bytes.length / 2];
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(out);
    return out;
  }

  /** Root-mean-square of one channel of interleaved samples, in full-scale units (0..1). */
  public static double rms(short[] interleaved, int channels, int channel) {
    if (channel < 0 || channel >= channels) {
      throw new IllegalArgumentException("channel " + channel + " out of 0.." + (channels - 1));
    }
    double sum = 0;
    int n = 0;
    for (int i = channel; i < interleaved.length; i += channels) {
      double v = interleaved[i] / 32768.0;
      sum += v * v;
      n++;
    }
    return n == 0 ? 0 : Math.sqrt(sum / n);
  }

  /** Returns a copy of interleaved stereo float samples with left and right exchanged. */
  public static float[] swapLeftRight(float[] stereo) {
    float[] out = new float[stereo.length];
    for (int i = 0; i + 1 < stereo.length; i += 2) {
      out[i] = stereo[i + 1];
      out[i + 1] = stereo[i];
    }
    return out;
  }

  /** Returns a copy with the first two channels of every frame exchanged (left/right swap). */
  public static short[] swapLeftRight(short[] interleaved, int channels) {
    if (channels < 2) {
      throw new IllegalArgumentException("need at least 2 channels to swap, got " + channels);
    }
    short[] out = interleaved.clone();
    for (int i = 0; i + 1 < out.length; i += channels) {
      short l = out[i];
      out[i] = out[i + 1];
      out[i + 1] = l;
    }
    return out;
  }
}
