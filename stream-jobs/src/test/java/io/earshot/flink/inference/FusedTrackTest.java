package io.earshot.flink.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.earshot.training.eval.TrackConfidence;
import org.junit.jupiter.api.Test;

class FusedTrackTest {

  @Test
  void shouldFollowTheVisualPositionWhenTheSoundIsCentred() {
    assertThat(InferenceFunction.fusedX(new ClipModel.Scored(0.1, 0.5, 0.8, 0.5)))
        .isCloseTo(0.8, within(1e-9));
  }

  @Test
  void shouldFollowTheSoundWhenItIsFullyLateral() {
    assertThat(InferenceFunction.fusedX(new ClipModel.Scored(0.1, 1.0, 0.2, 0.5)))
        .isCloseTo(1.0, within(1e-9));
    assertThat(InferenceFunction.fusedX(new ClipModel.Scored(0.1, 0.75, 0.25, 0.5)))
        .isCloseTo(0.5, within(1e-9));
  }

  @Test
  void shouldUseTheSoundAloneWhenNothingIsSeen() {
    assertThat(InferenceFunction.fusedX(new ClipModel.Scored(0.1, 0.3, Double.NaN, 0)))
        .isEqualTo(0.3);
  }

  @Test
  void shouldTrustALearnedPositionAsItsCalibrationSaysAndAFusedOneAsTheShippedCalibrationSays() {
    // Calibrated learned track: its probability, whatever the interaural estimate says.
    assertThat(
            InferenceFunction.trackConfidence(
                new ClipModel.Scored(0.1, 0.95, 0.5, 0.5, 0.62, 0.71)))
        .isEqualTo(0.71);
    // A learned position from a tracker fitted before calibration: lateralness of the sound.
    assertThat(
            InferenceFunction.trackConfidence(
                new ClipModel.Scored(0.1, 0.95, 0.5, 0.5, 0.62, Double.NaN)))
        .isCloseTo(0.9, within(1e-9));
    // No learned position: the FUSED one, trusted as the calibration shipped with Earshot says.
    ClipModel.Scored lateral = new ClipModel.Scored(0.1, 0.95, 0.5, 0.5);
    double fusedX = InferenceFunction.fusedX(lateral);
    assertThat(InferenceFunction.trackConfidence(lateral))
        .isEqualTo(TrackConfidence.fused().probability(fusedX, 0.95, 0.5));
    // On generated scenes a very lateral sound's fused position is right less often than not;
    // the lateralness (0.9 here) said the opposite.
    assertThat(InferenceFunction.trackConfidence(lateral)).isLessThan(0.5);
    // Nothing seen: the interaural position alone, still a probability.
    ClipModel.Scored unseen = new ClipModel.Scored(0.1, 0.3, Double.NaN, 0);
    assertThat(InferenceFunction.trackConfidence(unseen))
        .isEqualTo(TrackConfidence.fused().probability(0.3, 0.3, Double.NaN))
        .isStrictlyBetween(0.0, 1.0);
  }
}
