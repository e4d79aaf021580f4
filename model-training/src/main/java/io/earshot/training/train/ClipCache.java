package io.earshot.training.train;

import io.earshot.domain.Pcm;
import io.earshot.training.data.Clip;
import java.util.ArrayList;
import java.util.List;

/**
 * Training clips held in memory with their audio aligned to their frames (no label applied), so
 * every epoch can draw fresh swap labels and mirrorings: the self-supervised label costs nothing to
 * resample, and decoding once keeps the two cores on the network.
 */
final class ClipCache {

  final List<byte[]> frames = new ArrayList<>();
  final List<float[]> audio = new ArrayList<>();

  void add(Clip clip) {
    frames.add(clip.rgb());
    // The reader swapped the channels for its own label; undo it to get the aligned original.
    audio.add(clip.swapped() ? Pcm.swapLeftRight(clip.audio()) : clip.audio());
  }

  int size() {
    return frames.size();
  }

  /** Copies clip i's frames into dst (mirrored horizontally when asked). */
  static void copyFrames(
      byte[] src, byte[] dst, int offset, int frames, int h, int w, boolean mirror) {
    if (!mirror) {
      System.arraycopy(src, 0, dst, offset, src.length);
      return;
    }
    for (int f = 0; f < frames; f++) {
      for (int y = 0; y < h; y++) {
        int row = (f * h + y) * w * 3;
        for (int x = 0; x < w; x++) {
          int s = row + (w - 1 - x) * 3;
          int d = offset + row + x * 3;
          dst[d] = src[s];
          dst[d + 1] = src[s + 1];
          dst[d + 2] = src[s + 2];
        }
      }
    }
  }
}
