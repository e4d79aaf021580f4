package io.earshot.training.tf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The GCC-PHAT channel of the in-graph front end: where its peak sits, and its symmetries. */
class GccPhatTest {

  private static final AudioFrontEndConfig CONFIG =
      AudioFrontEndConfig.standard().withInterauralPhase(true).withGccPhat(true);
  private static final int SAMPLES = 8_000;
  private static final int GCC = 4;

  /**
   * [example][frame][lag][feature] for: 0 = noise, right channel 3 samples late (left leads); 1 =
   * example 0 swapped; 2 = silence; 3 = the left channel half a sample late (a two-tap average, a
   * linear-phase half-sample delay), so right leads by 0.5; 4 = the same noise in both channels.
   */
  private static float[][][][] features;

  private static float[][][][] withoutGcc;

  @BeforeAll
  static void runFrontEnd() {
    Random random = new Random(5);
    float[] noise = new float[SAMPLES + 3];
    for (int i = 0; i < noise.length; i++) {
      noise[i] = (float) (0.2 * random.nextGaussian());
    }
    float[][][] pcm = new float[5][SAMPLES][2];
    for (int i = 0; i < SAMPLES; i++) {
      float now = noise[i + 3];
      float late = noise[i];
      pcm[0][i][0] = now;
      pcm[0][i][1] = late;
      pcm[1][i][0] = late;
      pcm[1][i][1] = now;
      pcm[3][i][0] = 0.5f * (now + noise[i + 2]);
      pcm[3][i][1] = now;
      pcm[4][i][0] = now;
      pcm[4][i][1] = now;
    }
    features = FrontEndRuns.features(pcm, CONFIG, 5);
    withoutGcc = FrontEndRuns.features(pcm, CONFIG.withGccPhat(false), 4);
  }

  @Test
  void shouldAddOneChannelAfterTheUnchangedLogMelAndPhaseChannels() {
    assertThat(CONFIG.featureChannels(2)).isEqualTo(5);
    assertThat(CONFIG.withInterauralPhase(false).featureChannels(2)).isEqualTo(3);
    for (int b = 0; b < features.length; b++) {
      for (int f = 0; f < features[b].length; f++) {
        for (int m = 0; m < CONFIG.melBins(); m++) {
          for (int c = 0; c < GCC; c++) {
            assertThat(features[b][f][m][c]).isCloseTo(withoutGcc[b][f][m][c], within(1e-5f));
          }
          assertThat(Math.abs(features[b][f][m][GCC])).isLessThanOrEqualTo(1.0001f);
        }
      }
    }
  }

  @Test
  void shouldPeakAtMinusTheDelayOfTheRightChannelToAQuarterSample() {
    assertThat(CONFIG.gccLagSamples(CONFIG.melBins() / 2)).isZero();
    assertThat(CONFIG.gccLagSamples(1) - CONFIG.gccLagSamples(0)).isCloseTo(0.25, within(1e-12));
    // Left leads by 3 samples: the peak sits at -3, left of centre, and is a clear one.
    assertPeak(features[0], -3.0);
    assertThat(peakValue(features[0])).isGreaterThan(0.8);
    // Right leads by half a sample.
    assertPeak(features[3], 0.5);
    // Identical channels: lag 0.
    assertPeak(features[4], 0.0);
  }

  @Test
  void shouldMirrorTheLagAxisWhenTheChannelsAreSwapped() {
    int lags = CONFIG.melBins();
    for (int f = 0; f < features[0].length; f++) {
      for (int j = 1; j < lags; j++) {
        assertThat(features[1][f][j][GCC])
            .as("frame %d lag %d", f, j)
            .isCloseTo(features[0][f][lags - j][GCC], within(1e-4f));
      }
    }
    assertPeak(features[1], 3.0);
  }

  @Test
  void shouldBeZeroWhenSilent() {
    for (float[][] frame : features[2]) {
      for (float[] lag : frame) {
        assertThat(lag[GCC]).isZero();
      }
    }
  }

  @Test
  void shouldRejectGccPhatForMonoInput() {
    assertThatThrownBy(() -> AudioFrontEndConfig.standard().withGccPhat(true).featureChannels(1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("GCC-PHAT needs stereo");
  }

  /** The lag (samples) of the frame-averaged correlation's maximum is {@code expected}. */
  private static void assertPeak(float[][][] example, double expected) {
    double[] mean = frameMean(example);
    int best = 0;
    for (int j = 1; j < mean.length; j++) {
      if (mean[j] > mean[best]) {
        best = j;
      }
    }
    assertThat(CONFIG.gccLagSamples(best)).isCloseTo(expected, within(1e-9));
  }

  private static double peakValue(float[][][] example) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : frameMean(example)) {
      max = Math.max(max, v);
    }
    return max;
  }

  private static double[] frameMean(float[][][] example) {
    double[] mean = new double[CONFIG.melBins()];
    for (float[][] frame : example) {
      for (int j = 0; j < mean.length; j++) {
        mean[j] += frame[j][GCC] / example.length;
      }
    }
    return mean;
  }
}
