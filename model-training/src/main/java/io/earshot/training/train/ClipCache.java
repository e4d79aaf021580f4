package io.earshot.training.train;

import io.earshot.training.data.Clip;
import java.util.ArrayList;
import java.util.List;

/**
 * Training clips held in memory with their audio aligned to their frames (no label applied), so
 * every epoch can draw fresh swap labels and mirrorings: the self-supervised label costs nothing to
 * resample, and decoding once keeps the two cores on the network.
 *
 * <p>Audio is kept as 16-bit PCM, as the media carried it: half the bytes of floats (a 3 s clip at
 * 64x64 takes 0.41 MB instead of 0.60), which is what let the default model's 9000 scenes (2 s hop)
 * fit a 24 GiB machine. Quantising the decoder's float output to 16 bits adds noise 96 dB below
 * full scale, under the front end's log floor (1e-6 of mel power).
 */
final class ClipCache {

  private static final float SCALE = 32767f;

  final List<byte[]> frames = new ArrayList<>();
  private final List<short[]> audio = new ArrayList<>();

  void add(Clip clip) {
    frames.add(clip.rgb());
    // The reader swapped the channels for its own label; undo it to get the aligned original.
    audio.add(quantize(clip.audio(), clip.swapped()));
  }

  int size() {
    return frames.size();
  }

  /** Bytes one clip takes in this cache: its frames plus 16-bit samples. */
  static long bytes(Clip clip) {
    return (long) clip.rgb().length + 2L * clip.audio().length;
  }

  /**
   * Writes clip i's interleaved stereo audio, as floats, into dst at offset, with left and right
   * exchanged when asked.
   */
  void copyAudio(int i, float[] dst, int offset, boolean swap) {
    short[] src = audio.get(i);
    for (int k = 0; k + 1 < src.length; k += 2) {
      float left = src[k] / SCALE;
      float right = src[k + 1] / SCALE;
      dst[offset + k] = swap ? right : left;
      dst[offset + k + 1] = swap ? left : right;
    }
  }

  /** Interleaved stereo floats to 16-bit PCM (clipped to full scale), optionally swapping L/R. */
  static short[] quantize(float[] stereo, boolean swap) {
    short[] out = new short[stereo.length];
    for (int k = 0; k + 1 < stereo.length; k += 2) {
      out[k] = toShort(stereo[swap ? k + 1 : k]);
      out[k + 1] = toShort(stereo[swap ? k : k + 1]);
    }
    return out;
  }

  private static short toShort(float v) {
    return (short) Math.round(Math.max(-1f, Math.min(1f, v)) * SCALE);
  }

  /** Copies clip i's frames into dst (mirrored horizontally when asked). */
  static void copyFrames(
      byte[] src, byte[] dst, int offset, int frames, int h, int w, boolean mirror) {
    if (!mirror) {
      System.arraycopy(src, 0, dst, offset, src.length);
      return;
    }
    io.earshot.training.data.RgbFrames.mirror(src, dst, offset, frames * h, w);
  }
}
