package io.earshot.training.tf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.jtransforms.fft.DoubleFFT_1D;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class AudioFrontEndTest {

  private static final Logger LOG = LoggerFactory.getLogger(AudioFrontEndTest.class);

  private static final AudioFrontEndConfig CONFIG = AudioFrontEndConfig.standard();
  private static final int SAMPLES = 8_000;
  private static final int CHANNELS = 2;
  private static final int BATCH = 2;

  /** Graph output and pure-Java reference, both [batch][frame][mel][channel]. */
  private static float[][][][] graph;

  private static double[][][][] reference;

  @BeforeAll
  static void runFrontEndOnKnownSignals() {
    // Example 0: left = 1 kHz sine, right = white noise. Example 1: left = 3 kHz sine, right = 0.
    float[][][] pcm = new float[BATCH][SAMPLES][CHANNELS];
    Random random = new Random(7);
    for (int i = 0; i < SAMPLES; i++) {
      double t = (double) i / CONFIG.sampleRate();
      pcm[0][i][0] = (float) (0.5 * Math.sin(2 * Math.PI * 1_000 * t));
      pcm[0][i][1] = (float) (0.1 * random.nextGaussian());
      pcm[1][i][0] = (float) (0.3 * Math.sin(2 * Math.PI * 3_000 * t));
      pcm[1][i][1] = 0f;
    }
    graph = runGraph(pcm);
    reference = referenceLogMel(pcm);
  }

  @Test
  void shouldProduceBatchFramesMelsChannelsWhenFedStereoPcm() {
    assertThat(graph).hasNumberOfRows(BATCH);
    assertThat(graph[0]).hasNumberOfRows(CONFIG.frames(SAMPLES));
    assertThat(CONFIG.frames(SAMPLES)).isEqualTo((SAMPLES - 512) / 160 + 1);
    assertThat(graph[0][0]).hasNumberOfRows(CONFIG.melBins());
    assertThat(graph[0][0][0]).hasSize(CHANNELS);
  }

  @Test
  void shouldMatchJTransformsReferenceWhenFedSineAndNoise() {
    double maxAbs = 0;
    double maxRel = 0;
    for (int b = 0; b < BATCH; b++) {
      for (int f = 0; f < graph[b].length; f++) {
        for (int m = 0; m < CONFIG.melBins(); m++) {
          for (int c = 0; c < CHANNELS; c++) {
            double expected = reference[b][f][m][c];
            double error = Math.abs(graph[b][f][m][c] - expected);
            maxAbs = Math.max(maxAbs, error);
            maxRel = Math.max(maxRel, error / Math.max(1.0, Math.abs(expected)));
          }
        }
      }
    }
    LOG.info(
        "front end vs JTransforms reference: max abs error {}, max relative {}", maxAbs, maxRel);
    // Measured ~2e-6 on log values around -14..+8: float32 DFT-by-convolution is that close.
    assertThat(maxAbs).isLessThan(1e-4);
    assertThat(maxRel).isLessThan(1e-5);
  }

  @Test
  void shouldPeakInTheMelBandOfTheToneWhenFedA1kHzSine() {
    assertThat(peakBand(graph[0], 0)).isEqualTo(nearestBand(1_000));
    assertThat(peakBand(graph[1], 0)).isEqualTo(nearestBand(3_000));
  }

  @Test
  void shouldKeepChannelsSeparateWhenOnlyOneChannelHasSound() {
    float floor = (float) Math.log(CONFIG.logEpsilon());
    for (float[][] frame : graph[1]) {
      for (float[] mel : frame) {
        assertThat(mel[1]).isCloseTo(floor, within(1e-4f));
      }
    }
    // The noise channel of example 0 is broadband: no band sits at the log floor, and its peak is
    // not the sine's band.
    for (float[][] frame : graph[0]) {
      for (float[] mel : frame) {
        assertThat(mel[1]).isGreaterThan(floor + 5);
      }
    }
  }

  private static int peakBand(float[][][] example, int channel) {
    double[] mean = new double[CONFIG.melBins()];
    for (float[][] frame : example) {
      for (int m = 0; m < mean.length; m++) {
        mean[m] += frame[m][channel];
      }
    }
    int best = 0;
    for (int m = 1; m < mean.length; m++) {
      if (mean[m] > mean[best]) {
        best = m;
      }
    }
    return best;
  }

  private static int nearestBand(double hz) {
    double[] centres = MelFilterbank.centreFrequencies(CONFIG);
    int best = 0;
    for (int m = 1; m < centres.length; m++) {
      if (Math.abs(centres[m] - hz) < Math.abs(centres[best] - hz)) {
        best = m;
      }
    }
    return best;
  }

  private static float[][][][] runGraph(float[][][] pcm) {
    return FrontEndRuns.run(
        pcm, CONFIG, CHANNELS, (tf, input) -> AudioFrontEnd.logMel(tf, input, CONFIG));
  }

  /** Double-precision STFT with JTransforms, then the same mel matrix and log. */
  private static double[][][][] referenceLogMel(float[][][] pcm) {
    int n = CONFIG.nFft();
    int bins = CONFIG.frequencyBins();
    int frames = CONFIG.frames(SAMPLES);
    double[] window = MelFilterbank.hann(n);
    float[][] mel = MelFilterbank.matrix(CONFIG);
    DoubleFFT_1D fft = new DoubleFFT_1D(n);
    double[][][][] out = new double[BATCH][frames][CONFIG.melBins()][CHANNELS];
    double[] buffer = new double[n];
    double[] power = new double[bins];
    for (int b = 0; b < BATCH; b++) {
      for (int c = 0; c < CHANNELS; c++) {
        for (int f = 0; f < frames; f++) {
          for (int t = 0; t < n; t++) {
            buffer[t] = pcm[b][f * CONFIG.hop() + t][c] * window[t];
          }
          fft.realForward(buffer);
          // JTransforms packing for even n: [Re0, Re(n/2), Re1, Im1, Re2, Im2, ...].
          power[0] = buffer[0] * buffer[0];
          power[bins - 1] = buffer[1] * buffer[1];
          for (int k = 1; k < bins - 1; k++) {
            power[k] = buffer[2 * k] * buffer[2 * k] + buffer[2 * k + 1] * buffer[2 * k + 1];
          }
          for (int m = 0; m < CONFIG.melBins(); m++) {
            double sum = 0;
            for (int k = 0; k < bins; k++) {
              sum += power[k] * mel[k][m];
            }
            out[b][f][m][c] = Math.log(sum + CONFIG.logEpsilon());
          }
        }
      }
    }
    return out;
  }
}
