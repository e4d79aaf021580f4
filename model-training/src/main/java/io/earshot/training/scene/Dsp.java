package io.earshot.training.scene;

import java.util.Random;

/** Small signal helpers for the scene generator. */
final class Dsp {

  private Dsp() {}

  /** Linear-interpolation resampling; adequate for synthetic training material. */
  static float[] resample(float[] in, double from, double to) {
    if (from == to) {
      return in.clone();
    }
    int n = (int) Math.round(in.length * to / from);
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      double pos = i * from / to;
      int i0 = (int) pos;
      double f = pos - i0;
      float a = i0 < in.length ? in[i0] : 0;
      float b = i0 + 1 < in.length ? in[i0 + 1] : 0;
      out[i] = (float) (a + (b - a) * f);
    }
    return out;
  }

  static float[] normalize(float[] x, float peak) {
    float max = 1e-9f;
    for (float v : x) {
      max = Math.max(max, Math.abs(v));
    }
    float g = peak / max;
    for (int i = 0; i < x.length; i++) {
      x[i] *= g;
    }
    return x;
  }

  static double rms(float[] x, int from, int to) {
    double s = 0;
    for (int i = from; i < to; i++) {
      s += x[i] * (double) x[i];
    }
    return to > from ? Math.sqrt(s / (to - from)) : 0;
  }

  /** One-pole low-pass in place. */
  static void lowpass(float[] x, double cutoff, double rate) {
    double a = Math.exp(-2 * Math.PI * cutoff / rate);
    double y = 0;
    for (int i = 0; i < x.length; i++) {
      y = (1 - a) * x[i] + a * y;
      x[i] = (float) y;
    }
  }

  /** Pink-ish noise (Voss-McCartney-like sum of held random values). */
  static float[] pinkNoise(int n, Random random) {
    float[] out = new float[n];
    double[] rows = new double[8];
    for (int i = 0; i < n; i++) {
      for (int r = 0; r < rows.length; r++) {
        if ((i & ((1 << r) - 1)) == 0) {
          rows[r] = random.nextDouble() * 2 - 1;
        }
      }
      double s = 0;
      for (double v : rows) {
        s += v;
      }
      out[i] = (float) (s / rows.length + (random.nextDouble() * 2 - 1) * 0.1);
    }
    return out;
  }
}
