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
}
