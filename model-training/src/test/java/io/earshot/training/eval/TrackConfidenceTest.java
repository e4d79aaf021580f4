package io.earshot.training.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrackConfidenceTest {

  /** Clips whose learned position is right more often the closer it is to the interaural one. */
  private record Clips(List<double[]> features, boolean[] right, double[] lateral, double[] p) {}

  private static Clips clips(int n, long seed) {
    Random random = new Random(seed);
    List<double[]> features = new ArrayList<>();
    boolean[] right = new boolean[n];
    double[] lateral = new double[n];
    double[] p = new double[n];
    for (int i = 0; i < n; i++) {
      double learned = random.nextDouble();
      double audio = Math.min(1, Math.max(0, learned + random.nextGaussian() * 0.2));
      double visual = random.nextDouble() < 0.2 ? Double.NaN : random.nextDouble();
      double[] f = TrackConfidence.features(learned, audio, visual);
      // True model: right often when learned and audio agree, less often when audio is lateral.
      p[i] = 1 / (1 + Math.exp(-(1.5 - 8 * f[0] - 1.0 * f[2])));
      right[i] = random.nextDouble() < p[i];
      lateral[i] = f[2];
      features.add(f);
    }
    return new Clips(features, right, lateral, p);
  }

  @Test
  void shouldRecoverTheProbabilityThatAPositionIsRightAndBeatLateralnessAsAConfidence() {
    Clips c = clips(20000, 1);

    TrackConfidence fitted =
        TrackConfidence.fitWithValidation(c.features(), c.right(), c.lateral());

    assertThat(fitted.fitClips()).isEqualTo(20000);
    assertThat(fitted.weights()[0]).isCloseTo(-8, org.assertj.core.data.Offset.offset(1.0));
    assertThat(fitted.weights()[2]).isNegative();
    // Calibrated: the fitted probability is close to the true one over fresh clips.
    Clips fresh = clips(2000, 2);
    double worst = 0;
    for (int i = 0; i < 2000; i++) {
      double[] f = fresh.features().get(i);
      double q = 1 / (1 + Math.exp(-(fitted.bias() + dot(fitted.weights(), f))));
      worst = Math.max(worst, Math.abs(q - fresh.p()[i]));
    }
    assertThat(worst).isLessThan(0.05);
    // Lateralness points the wrong way on such clips; the fitted probability does not.
    assertThat(fitted.validationBrier()).isLessThan(fitted.validationLateralBrier());
  }

  @Test
  void shouldGiveNoConfidenceWithoutAPositionAndUseTheSameFeaturesItWasFittedOn() {
    Clips c = clips(2000, 3);
    TrackConfidence fitted = TrackConfidence.fit(c.features(), c.right());

    assertThat(fitted.probability(Double.NaN, 0.5, 0.5)).isZero();
    assertThat(fitted.probability(0.3, 0.3, Double.NaN))
        .isGreaterThan(fitted.probability(0.3, 0.8, Double.NaN))
        .isBetween(0.0, 1.0);
    assertThatThrownBy(() -> new TrackConfidence(new double[2], 0, 0.1, 1, 0, 0))
        .hasMessageContaining("takes 5 weights, got 2");
  }

  @Test
  void shouldShipAFusedCalibrationThatBeatsLateralnessOnItsHeldBackClips() throws Exception {
    TrackConfidence fused = TrackConfidence.fused();
    // Fitted on the clips of 1000 generated scenes, checked on the last fifth of them.
    assertThat(fused.fitClips()).isGreaterThan(1000);
    assertThat(fused.tolerance()).isEqualTo(TrackConfidence.TOLERANCE);
    assertThat(fused.validationBrier()).isLessThan(fused.validationLateralBrier());
    // Probabilities, not scores; a position far from where the sound is heard is trusted less.
    double agreeing = fused.probability(0.3, 0.32, 0.3);
    double disagreeing = fused.probability(0.3, 0.8, 0.3);
    assertThat(agreeing).isStrictlyBetween(0.0, 1.0);
    assertThat(disagreeing).isLessThan(agreeing);
  }

  @Test
  void shouldWriteAFusedCalibrationWithItsInputNamesThatReadsBackTheSame(@TempDir Path dir)
      throws Exception {
    Clips c = clips(500, 5);
    TrackConfidence fitted = TrackConfidence.fitWithValidation(c.features, c.right, c.lateral);
    Path file = dir.resolve(TrackConfidence.FUSED_RESOURCE);
    TrackConfidence.writeFused(fitted, "test fit", file);
    TrackConfidence.FusedFile back =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readValue(file.toFile(), TrackConfidence.FusedFile.class);
    assertThat(back.description()).isEqualTo("test fit");
    assertThat(back.features()).isEqualTo(TrackConfidence.FEATURES);
    assertThat(back.confidence().weights()).containsExactly(fitted.weights());
    assertThat(back.confidence().bias()).isEqualTo(fitted.bias());
    assertThat(back.confidence().validationBrier()).isEqualTo(fitted.validationBrier());
  }

  @Test
  void shouldTravelWithTheTrackerFileAndBeAbsentFromOlderOnes(@TempDir Path dir) throws Exception {
    Clips c = clips(500, 4);
    List<double[]> embeddings = new ArrayList<>();
    double[] x = new double[500];
    Random random = new Random(5);
    for (int i = 0; i < 500; i++) {
      embeddings.add(new double[] {random.nextDouble(), random.nextDouble()});
      x[i] = embeddings.get(i)[0];
    }
    TrackConfidence fitted = TrackConfidence.fit(c.features(), c.right());
    LinearTracker.fit(embeddings, x, 1e-3).withConfidence(fitted).write(dir, 500);

    TrackConfidence read = LinearTracker.read(dir).confidence();

    assertThat(read.weights()).containsExactly(fitted.weights());
    assertThat(read.probability(0.2, 0.25, 0.6)).isEqualTo(fitted.probability(0.2, 0.25, 0.6));
    // A tracker file from before confidences: the tracker loads, without one.
    Files.writeString(
        dir.resolve(LinearTracker.FILE_NAME),
        "{\"input\": \"x\", \"weights\": [0.5, 0.1], \"bias\": 0.2, \"lambda\": 0.001,"
            + " \"fitClips\": 500, \"validationError\": 0.07}");
    assertThat(LinearTracker.read(dir).confidence()).isNull();
    assertThat(LinearTracker.read(dir).features()).isEqualTo(2);
  }

  private static double dot(double[] w, double[] f) {
    double s = 0;
    for (int i = 0; i < w.length; i++) {
      s += w[i] * f[i];
    }
    return s;
  }
}
