package io.earshot.training.scene;

import java.util.Random;

/**
 * Synthesises the dry mono signal of a sound source, with on/off activity so sources are not always
 * sounding. Each kind has a different spectrum and rhythm, so a model cannot rely on one kind of
 * sound to find left and right.
 */
final class SoundSynth {

  private final double rate;
  private final SpeechBank speech;

  SoundSynth(double rate, SpeechBank speech) {
    this.rate = rate;
    this.speech = speech;
  }

  float[] synth(SoundKind kind, int n, Random random, boolean alwaysOn) {
    float[] x =
        switch (kind) {
          case SPEECH -> speech.speech(n, random);
          case TAPPING -> tapping(n, random);
          case BRUSHING -> brushing(n, random);
          case CRINKLING -> crinkling(n, random);
          case TONE -> tone(n, random);
          case MUSIC -> music(n, random);
        };
    if (!alwaysOn) {
      applyActivity(x, random);
    }
    return Dsp.normalize(x, 0.5f);
  }

  /** Alternating sounding and silent stretches of 1-4 s, with short fades. */
  private void applyActivity(float[] x, Random random) {
    int pos = 0;
    boolean on = random.nextDouble() < 0.8;
    int fade = (int) (0.02 * rate);
    while (pos < x.length) {
      int len = (int) ((1 + random.nextDouble() * 3) * rate);
      if (!on) {
        for (int i = pos; i < Math.min(x.length, pos + len); i++) {
          int edge = Math.min(i - pos, pos + len - i);
          x[i] *= edge < fade ? (float) (1 - edge / (double) fade) : 0f;
        }
      }
      pos += len;
      on = !on || random.nextDouble() < 0.3;
    }
  }

  private float[] tapping(int n, Random random) {
    float[] x = new float[n];
    double interval = 0.15 + random.nextDouble() * 0.35;
    double resonance = 400 + random.nextDouble() * 2500;
    double decay = 0.01 + random.nextDouble() * 0.03;
    double t = random.nextDouble() * interval;
    while (t * rate < n) {
      int start = (int) (t * rate);
      double amp = 0.5 + random.nextDouble() * 0.5;
      for (int i = 0; i < (int) (decay * 8 * rate) && start + i < n; i++) {
        double tt = i / rate;
        x[start + i] +=
            (float)
                (amp
                    * Math.exp(-tt / decay)
                    * (Math.sin(2 * Math.PI * resonance * tt) + 0.5 * (random.nextDouble() - 0.5)));
      }
      t += interval * (0.7 + random.nextDouble() * 0.6);
    }
    return x;
  }

  private float[] brushing(int n, Random random) {
    float[] x = Dsp.pinkNoise(n, random);
    double strokes = 0.6 + random.nextDouble() * 1.5;
    for (int i = 0; i < n; i++) {
      double env = Math.pow(Math.abs(Math.sin(Math.PI * strokes * i / rate)), 0.7);
      x[i] *= (float) env;
    }
    return x;
  }

  private float[] crinkling(int n, Random random) {
    float[] x = new float[n];
    double density = 40 + random.nextDouble() * 200;
    for (int i = 0; i < n; i++) {
      if (random.nextDouble() < density / rate) {
        int len = (int) (0.001 * rate + random.nextDouble() * 0.004 * rate);
        double amp = random.nextDouble();
        for (int k = 0; k < len && i + k < n; k++) {
          x[i + k] += (float) (amp * (random.nextDouble() * 2 - 1) * (1 - k / (double) len));
        }
      }
    }
    return x;
  }

  private float[] tone(int n, Random random) {
    float[] x = new float[n];
    double f = 150 + random.nextDouble() * 900;
    double vibrato = random.nextDouble() * 6;
    double phase = 0;
    for (int i = 0; i < n; i++) {
      phase += 2 * Math.PI * f * (1 + 0.01 * Math.sin(2 * Math.PI * vibrato * i / rate)) / rate;
      x[i] = (float) (Math.sin(phase) + 0.4 * Math.sin(2 * phase) + 0.2 * Math.sin(3 * phase));
    }
    return x;
  }

  private float[] music(int n, Random random) {
    float[] x = new float[n];
    double root = 110 * Math.pow(2, random.nextInt(24) / 12.0);
    int[] scale = {0, 3, 5, 7, 10, 12, 15};
    double noteLength = 0.12 + random.nextDouble() * 0.25;
    int pos = 0;
    while (pos < n) {
      double f = root * Math.pow(2, scale[random.nextInt(scale.length)] / 12.0);
      int len = (int) (noteLength * rate);
      for (int i = 0; i < len && pos + i < n; i++) {
        double t = i / rate;
        double env = Math.exp(-t / (noteLength * 0.6));
        x[pos + i] +=
            (float) (env * (Math.sin(2 * Math.PI * f * t) + 0.3 * Math.sin(4 * Math.PI * f * t)));
      }
      pos += len;
    }
    return x;
  }
}
