package io.earshot.training.tf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The interaural phase channels of the in-graph front end: cos and sin of the IPD per mel band. */
class InterauralPhaseTest {

  private static final AudioFrontEndConfig CONFIG =
      AudioFrontEndConfig.standard().withInterauralPhase(true);
  private static final int SAMPLES = 8_000;
  private static final int DELAY = 4;
  private static final int COS = 2;
  private static final int SIN = 3;

  /**
   * [example][frame][mel][feature]: 0 = noise with the right channel delayed by {@link #DELAY}
   * samples (left leads), 1 = example 0 with the channels swapped, 2 = silence, 3 = the left
   * channel delayed instead (right leads).
   */
  private static float[][][][] features;

  private static float[][][][] logMelOnly;

  @BeforeAll
  static void runFrontEnd() {
    Random random = new Random(11);
    float[] noise = new float[SAMPLES + DELAY];
    for (int i = 0; i < noise.length; i++) {
      noise[i] = (float) (0.2 * random.nextGaussian());
    }
    float[][][] pcm = new float[4][SAMPLES][2];
    for (int i = 0; i < SAMPLES; i++) {
      float early = noise[i + DELAY];
      float late = noise[i];
      pcm[0][i][0] = early;
      pcm[0][i][1] = late;
      pcm[1][i][0] = late;
      pcm[1][i][1] = early;
      pcm[3][i][0] = late;
      pcm[3][i][1] = early * 0.5f;
    }
    features = FrontEndRuns.features(pcm, CONFIG, 4);
    logMelOnly = FrontEndRuns.features(pcm, AudioFrontEndConfig.standard(), 2);
  }

  @Test
  void shouldAddCosAndSinChannelsAfterTheUnchangedLogMelWhenEnabled() {
    assertThat(CONFIG.featureChannels(2)).isEqualTo(4);
    assertThat(AudioFrontEndConfig.standard().featureChannels(2)).isEqualTo(2);
    assertThat(features[0]).hasNumberOfRows(CONFIG.frames(SAMPLES));
    for (int b = 0; b < features.length; b++) {
      for (int f = 0; f < features[b].length; f++) {
        for (int m = 0; m < CONFIG.melBins(); m++) {
          assertThat(features[b][f][m][0]).isCloseTo(logMelOnly[b][f][m][0], within(1e-5f));
          assertThat(features[b][f][m][1]).isCloseTo(logMelOnly[b][f][m][1], within(1e-5f));
          float cos = features[b][f][m][COS];
          float sin = features[b][f][m][SIN];
          assertThat(cos * cos + sin * sin).isLessThanOrEqualTo(1.0001f);
        }
      }
    }
  }

  @Test
  void shouldGiveThePhaseOfTheDelayPerBandWhenTheRightChannelLags() {
    double[] centres = MelFilterbank.centreFrequencies(CONFIG);
    int checked = 0;
    for (int m = 0; m < centres.length; m++) {
      // A delay of d samples turns L conj(R) by +2 pi f d / fs: positive sin below fs / (2 d).
      double expected = 2 * Math.PI * centres[m] * DELAY / CONFIG.sampleRate();
      if (Math.abs(Math.sin(expected)) < 0.5) {
        continue; // too close to a zero crossing for the width of the band
      }
      double sin = mean(features[0], m, SIN);
      double cos = mean(features[0], m, COS);
      assertThat(Math.signum(sin))
          .as("sin sign of band %d (%.0f Hz)", m, centres[m])
          .isEqualTo(Math.signum(Math.sin(expected)));
      if (centres[m] < 1_000) {
        // Coherent broadband noise: the pooled phase vector has nearly unit length.
        assertThat(Math.atan2(sin, cos)).as("IPD of band %d", m).isCloseTo(expected, within(0.15));
        assertThat(Math.hypot(sin, cos)).isGreaterThan(0.9);
      }
      checked++;
    }
    assertThat(checked).isGreaterThan(30);
    // Right channel leading (and quieter): the low bands turn the other way.
    for (int m = 0; m < centres.length && centres[m] < 1_000; m++) {
      if (centres[m] > 100) {
        assertThat(mean(features[3], m, SIN)).as("band %d", m).isNegative();
      }
    }
  }

  @Test
  void shouldNegateSinKeepCosAndSwapTheLogMelsWhenTheChannelsAreSwapped() {
    float[][][] straight = features[0];
    float[][][] swapped = features[1];
    for (int f = 0; f < straight.length; f++) {
      for (int m = 0; m < CONFIG.melBins(); m++) {
        assertThat(swapped[f][m][0]).isCloseTo(straight[f][m][1], within(1e-5f));
        assertThat(swapped[f][m][1]).isCloseTo(straight[f][m][0], within(1e-5f));
        assertThat(swapped[f][m][COS]).isCloseTo(straight[f][m][COS], within(1e-4f));
        assertThat(swapped[f][m][SIN]).isCloseTo(-straight[f][m][SIN], within(1e-4f));
      }
    }
  }

  @Test
  void shouldGiveZeroPhaseFeaturesWhenSilent() {
    for (float[][] frame : features[2]) {
      for (float[] mel : frame) {
        assertThat(mel[COS]).isZero();
        assertThat(mel[SIN]).isZero();
      }
    }
  }

  @Test
  void shouldRejectInterauralPhaseForMonoInput() {
    assertThatThrownBy(() -> CONFIG.featureChannels(1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("stereo");
  }

  private static double mean(float[][][] example, int mel, int channel) {
    double sum = 0;
    for (float[][] frame : example) {
      sum += frame[mel][channel];
    }
    return sum / example.length;
  }
}
