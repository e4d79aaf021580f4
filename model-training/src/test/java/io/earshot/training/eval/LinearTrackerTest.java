package io.earshot.training.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LinearTrackerTest {

  /** x = 0.5 + 0.3 f0 - 0.2 f1 (+ noise), with 6 more features that carry nothing. */
  private static double[] examples(List<double[]> features, int n, double noise, long seed) {
    Random r = new Random(seed);
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      double[] f = new double[8];
      for (int j = 0; j < f.length; j++) {
        f[j] = r.nextGaussian() * 0.5;
      }
      features.add(f);
      x[i] = 0.5 + 0.3 * f[0] - 0.2 * f[1] + noise * r.nextGaussian();
    }
    return x;
  }

  @Test
  void shouldRecoverALinearPositionFromFeaturesAndIgnoreTheRest() {
    List<double[]> train = new ArrayList<>();
    double[] x = examples(train, 400, 0.01, 1);
    LinearTracker tracker = LinearTracker.fit(train, x, 1e-6);

    assertThat(tracker.predict(new double[8]))
        .isCloseTo(0.5, org.assertj.core.data.Offset.offset(0.01));
    double[] f0 = new double[8];
    f0[0] = 1;
    assertThat(tracker.predict(f0)).isCloseTo(0.8, org.assertj.core.data.Offset.offset(0.01));
    List<double[]> test = new ArrayList<>();
    double[] tx = examples(test, 200, 0.01, 2);
    assertThat(tracker.meanAbsoluteError(test, tx)).isLessThan(0.015);
  }

  @Test
  void shouldChooseASmallPenaltyForCleanDataAndAStrongOneForFewNoisyExamples() {
    List<double[]> clean = new ArrayList<>();
    double[] cx = examples(clean, 400, 0.01, 3);
    assertThat(LinearTracker.fitWithValidation(clean, cx, 1e-4, 1e2).lambda()).isEqualTo(1e-4);

    // Positions unrelated to the features: shrinking to the mean is best.
    List<double[]> noise = new ArrayList<>();
    Random r = new Random(4);
    double[] nx = new double[30];
    for (int i = 0; i < nx.length; i++) {
      double[] f = new double[8];
      for (int j = 0; j < f.length; j++) {
        f[j] = r.nextGaussian();
      }
      noise.add(f);
      nx[i] = r.nextDouble();
    }
    assertThat(LinearTracker.fitWithValidation(noise, nx, 1e-6, 1e3).lambda()).isEqualTo(1e3);
  }

  @Test
  void shouldClampToTheFrameAndRejectWrongFeatureCounts() {
    List<double[]> train = new ArrayList<>();
    double[] x = examples(train, 100, 0.0, 5);
    LinearTracker tracker = LinearTracker.fit(train, x, 1e-6);
    double[] far = new double[8];
    far[0] = 100;
    assertThat(tracker.predict(far)).isEqualTo(1.0);
    far[0] = -100;
    assertThat(tracker.predict(far)).isEqualTo(0.0);
    assertThatThrownBy(() -> tracker.predict(new double[3])).hasMessageContaining("8 features");
  }
}
