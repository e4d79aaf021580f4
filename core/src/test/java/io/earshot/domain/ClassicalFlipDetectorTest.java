package io.earshot.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ClassicalFlipDetectorTest {

  private static final int W = 64;
  private static final int H = 48;
  private static final int T = 18;
  private static final int RATE = 16_000;

  /** A bright square moving from x0 to x1 and noise panned with it (or against it). */
  private static Object[] clip(double x0, double x1, boolean swapped, long seed) {
    byte[] rgb = new byte[T * H * W * 3];
    for (int t = 0; t < T; t++) {
      double x = x0 + (x1 - x0) * t / (T - 1);
      int cx = (int) (x * W);
      for (int y = 18; y < 30; y++) {
        for (int c = Math.max(0, cx - 5); c < Math.min(W, cx + 5); c++) {
          int i = ((t * H + y) * W + c) * 3;
          rgb[i] = (byte) 250;
          rgb[i + 1] = (byte) 200;
          rgb[i + 2] = (byte) 40;
        }
      }
    }
    int samples = 3 * RATE;
    float[] audio = new float[samples * 2];
    Random r = new Random(seed);
    for (int i = 0; i < samples; i++) {
      double x = x0 + (x1 - x0) * i / (double) samples;
      double pan = x * Math.PI / 2;
      double s = r.nextGaussian() * 0.2;
      double left = s * Math.cos(pan);
      double right = s * Math.sin(pan);
      audio[2 * i] = (float) (swapped ? right : left);
      audio[2 * i + 1] = (float) (swapped ? left : right);
    }
    return new Object[] {rgb, audio};
  }

  private static ClassicalFlipDetector.Result score(Object[] clip) {
    return new ClassicalFlipDetector(RATE, 6).score((byte[]) clip[0], T, H, W, (float[]) clip[1]);
  }

  @Test
  void shouldScoreLowWhenSoundFollowsTheObject() {
    ClassicalFlipDetector.Result r = score(clip(0.15, 0.85, false, 1));
    assertThat(r.flipProbability()).isLessThan(0.3);
    assertThat(r.agreement()).isPositive();
  }

  @Test
  void shouldScoreHighWhenChannelsAreSwapped() {
    ClassicalFlipDetector.Result r = score(clip(0.15, 0.85, true, 1));
    assertThat(r.flipProbability()).isGreaterThan(0.7);
  }

  @Test
  void shouldLocateTheSoundFromAudioAloneWhenObjectIsOnTheRight() {
    ClassicalFlipDetector.Result right = score(clip(0.8, 0.85, false, 2));
    ClassicalFlipDetector.Result left = score(clip(0.15, 0.2, false, 2));
    assertThat(right.audioPosition()).isGreaterThan(0.65);
    assertThat(left.audioPosition()).isLessThan(0.35);
    assertThat(right.visualPosition()).isCloseTo(0.82, within(0.08));
  }

  @Test
  void shouldSayHalfWhenNothingIsOffCentre() {
    ClassicalFlipDetector.Result r = score(clip(0.5, 0.5, false, 3));
    assertThat(r.flipProbability()).isCloseTo(0.5, within(0.1));
  }

  @Test
  void shouldLateraliseExactlyAsOnePassPerLagDid() {
    ClassicalFlipDetector d = new ClassicalFlipDetector(RATE, 6);
    Random random = new Random(11);
    for (int run = 0; run < 20; run++) {
      float[] audio = new float[2 * 9000];
      int delay = random.nextInt(25) - 12;
      for (int k = 0; k < audio.length / 2; k++) {
        float s = (float) (random.nextGaussian() * 0.2);
        audio[2 * k] = s;
        int j = Math.max(0, Math.min(audio.length / 2 - 1, k + delay));
        audio[2 * j + 1] = (float) (s * 0.7 + random.nextGaussian() * 0.05);
      }
      int from = random.nextInt(3000);
      int to = from + 64 + random.nextInt(5000);

      assertThat(d.lateralisation(audio, from, to)).containsExactly(onePassPerLag(audio, from, to));
    }
  }

  /** The cross-correlation as first written: one pass over the samples per lag. */
  private static double[] onePassPerLag(float[] audio, int from, int to) {
    double el = 0;
    double er = 0;
    float pl = from > 0 ? audio[2 * (from - 1)] : 0;
    float pr = from > 0 ? audio[2 * (from - 1) + 1] : 0;
    int n = to - from;
    float[] hl = new float[n];
    float[] hr = new float[n];
    for (int i = 0; i < n; i++) {
      float l = audio[2 * (from + i)];
      float r = audio[2 * (from + i) + 1];
      hl[i] = l - pl;
      hr[i] = r - pr;
      pl = l;
      pr = r;
      el += hl[i] * (double) hl[i];
      er += hr[i] * (double) hr[i];
    }
    double energy = (el + er) / n;
    if (energy < 1e-10) {
      return new double[] {0, 0};
    }
    double ild = 10 * Math.log10((er + 1e-12) / (el + 1e-12));
    int maxLag = (int) Math.ceil(0.0008 * RATE);
    int bestLag = 0;
    double best = Double.NEGATIVE_INFINITY;
    for (int lag = -maxLag; lag <= maxLag; lag++) {
      double c = 0;
      for (int i = Math.max(0, lag); i < Math.min(n, n + lag); i++) {
        c += hl[i] * (double) hr[i - lag];
      }
      if (c > best) {
        best = c;
        bestLag = lag;
      }
    }
    double itd = bestLag / (double) RATE;
    double lateral = Math.tanh(ild / 6.0) + Math.tanh(itd / (0.0008 / 2));
    return new double[] {lateral, energy};
  }
}
