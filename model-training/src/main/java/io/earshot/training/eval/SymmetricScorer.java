package io.earshot.training.eval;

import io.earshot.domain.Pcm;
import io.earshot.training.data.Clip;
import io.earshot.training.data.ClipSpec;
import java.util.List;

/**
 * Test-time symmetry: a clip's flip probability from several views of it whose answers are known
 * relative to each other. Swapping the channels inverts the answer; mirroring the frames together
 * with swapping the channels keeps it (the scene is the same, seen in a mirror). The views are
 * scored in one batch and averaged: {@code p = mean(p(x), 1 - p(swap x), p(mirror swap x), 1 -
 * p(mirror x))} for 4 views, the first two for 2.
 */
public final class SymmetricScorer implements FlipScorer {

  private final FlipScorer inner;
  private final int views;

  /**
   * @param views 2 (the clip and its channel swap) or 4 (also both mirrored)
   */
  public SymmetricScorer(FlipScorer inner, int views) {
    if (views != 2 && views != 4) {
      throw new IllegalArgumentException("views must be 2 or 4, not " + views);
    }
    this.inner = inner;
    this.views = views;
  }

  @Override
  public String name() {
    return inner.name() + " (" + views + " symmetric views)";
  }

  @Override
  public ClipSpec clipSpec() {
    return inner.clipSpec();
  }

  @Override
  public double[] score(List<Clip> clips) {
    int n = clips.size();
    // Views in blocks of n: x, swap x, then mirror swap x, mirror x. Each clip's swapped audio and
    // mirrored frames are made once and shared by the views that use them.
    Clip[] all = new Clip[n * views];
    for (int i = 0; i < n; i++) {
      Clip c = clips.get(i);
      float[] swapped = Pcm.swapLeftRight(c.audio());
      all[i] = c;
      all[n + i] = withAudio(c, c.rgb(), swapped);
      if (views == 4) {
        byte[] mirrored = mirror(c);
        all[2 * n + i] = withAudio(c, mirrored, swapped);
        all[3 * n + i] = withAudio(c, mirrored, c.audio());
      }
    }
    double[] p = inner.score(List.of(all));
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      double sum = p[i] + (1 - p[n + i]);
      if (views == 4) {
        sum += p[2 * n + i] + (1 - p[3 * n + i]);
      }
      out[i] = sum / views;
    }
    return out;
  }

  private static Clip withAudio(Clip c, byte[] rgb, float[] audio) {
    return new Clip(
        c.videoId(),
        c.index(),
        c.startSeconds(),
        c.split(),
        c.swapped(),
        c.mirrored(),
        c.spec(),
        rgb,
        audio);
  }

  static byte[] mirror(Clip c) {
    ClipSpec s = c.spec();
    byte[] out = new byte[c.rgb().length];
    io.earshot.training.data.RgbFrames.mirror(c.rgb(), out, 0, s.frames() * s.height(), s.width());
    return out;
  }

  @Override
  public void close() {
    inner.close();
  }
}
