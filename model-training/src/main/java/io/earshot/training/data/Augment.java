package io.earshot.training.data;

/** The paper's clip augmentations, on raw RGB bytes and interleaved stereo floats. */
final class Augment {

  private Augment() {}

  /**
   * Crops every frame at (ox, oy), optionally mirrors it, and shifts brightness, contrast and
   * saturation by the same amounts for the whole clip.
   */
  static byte[] cropAndColor(
      byte[] src,
      int frames,
      int srcW,
      int srcH,
      int ox,
      int oy,
      int w,
      int h,
      boolean mirror,
      double brightness,
      double contrast,
      double saturation) {
    byte[] out = new byte[frames * w * h * 3];
    boolean color = brightness != 0 || contrast != 1 || saturation != 1;
    for (int f = 0; f < frames; f++) {
      int srcBase = f * srcW * srcH * 3;
      int dstBase = f * w * h * 3;
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          int sx = ox + (mirror ? w - 1 - x : x);
          int s = srcBase + ((oy + y) * srcW + sx) * 3;
          int d = dstBase + (y * w + x) * 3;
          if (!color) {
            out[d] = src[s];
            out[d + 1] = src[s + 1];
            out[d + 2] = src[s + 2];
            continue;
          }
          double r = (src[s] & 0xff) / 255.0;
          double g = (src[s + 1] & 0xff) / 255.0;
          double b = (src[s + 2] & 0xff) / 255.0;
          double grey = 0.299 * r + 0.587 * g + 0.114 * b;
          r = grey + (r - grey) * saturation;
          g = grey + (g - grey) * saturation;
          b = grey + (b - grey) * saturation;
          r = (r - 0.5) * contrast + 0.5 + brightness;
          g = (g - 0.5) * contrast + 0.5 + brightness;
          b = (b - 0.5) * contrast + 0.5 + brightness;
          out[d] = clamp(r);
          out[d + 1] = clamp(g);
          out[d + 2] = clamp(b);
        }
      }
    }
    return out;
  }

  private static byte clamp(double v) {
    return (byte) Math.max(0, Math.min(255, (int) Math.round(v * 255)));
  }
}
