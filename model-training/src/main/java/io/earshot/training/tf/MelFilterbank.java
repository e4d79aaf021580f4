package io.earshot.training.tf;

/**
 * Triangular mel filterbank and windowed DFT kernels as plain Java arrays.
 *
 * <p>These are the constants of the in-graph front end ({@link AudioFrontEnd}); they are computed
 * in Java so that tests can apply exactly the same matrices to a reference FFT.
 */
public final class MelFilterbank {

  private MelFilterbank() {}

  /**
   * The mel projection matrix, shape {@code [frequencyBins][melBins]}: {@code mel = power x M}.
   *
   * <p>Edges are spaced evenly on the mel scale between {@code fMin} and {@code fMax}; weights are
   * computed on the exact FFT bin frequencies (as librosa does), so no filter is empty as long as
   * neighbouring mel centres are further apart than half an FFT bin.
   */
  public static float[][] matrix(AudioFrontEndConfig config) {
    int bins = config.frequencyBins();
    int mels = config.melBins();
    double melMin = hzToMel(config.fMin(), config.melScale());
    double melMax = hzToMel(config.fMax(), config.melScale());
    double[] edges = new double[mels + 2];
    for (int i = 0; i < edges.length; i++) {
      edges[i] = melToHz(melMin + (melMax - melMin) * i / (mels + 1), config.melScale());
    }
    float[][] weights = new float[bins][mels];
    for (int m = 0; m < mels; m++) {
      double lower = edges[m];
      double centre = edges[m + 1];
      double upper = edges[m + 2];
      double scale = config.areaNormalized() ? 2.0 / (upper - lower) : 1.0;
      for (int k = 0; k < bins; k++) {
        double f = (double) k * config.sampleRate() / config.nFft();
        double rising = (f - lower) / (centre - lower);
        double falling = (upper - f) / (upper - centre);
        double w = Math.max(0.0, Math.min(rising, falling));
        weights[k][m] = (float) (w * scale);
      }
    }
    return weights;
  }

  /** Centre frequency in Hz of every mel band. */
  public static double[] centreFrequencies(AudioFrontEndConfig config) {
    double melMin = hzToMel(config.fMin(), config.melScale());
    double melMax = hzToMel(config.fMax(), config.melScale());
    double[] centres = new double[config.melBins()];
    for (int m = 0; m < centres.length; m++) {
      centres[m] =
          melToHz(melMin + (melMax - melMin) * (m + 1) / (config.melBins() + 1), config.melScale());
    }
    return centres;
  }

  /** The periodic Hann window of length {@code n} (as used by librosa and torch.stft). */
  public static double[] hann(int n) {
    double[] w = new double[n];
    for (int i = 0; i < n; i++) {
      w[i] = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / n);
    }
    return w;
  }

  /**
   * Windowed DFT kernels, shape {@code [nFft][2 * frequencyBins]}: column {@code k} is {@code w[n]
   * cos(2 pi k n / N)} (real part of bin k) and column {@code bins + k} is {@code -w[n] sin(2 pi k
   * n / N)} (imaginary part).
   */
  public static float[][] dftKernels(AudioFrontEndConfig config) {
    int n = config.nFft();
    int bins = config.frequencyBins();
    double[] window = hann(n);
    float[][] kernels = new float[n][2 * bins];
    for (int t = 0; t < n; t++) {
      for (int k = 0; k < bins; k++) {
        // Reduce k*t modulo n before scaling so the angle stays accurate for large products.
        double angle = 2 * Math.PI * ((long) k * t % n) / n;
        kernels[t][k] = (float) (window[t] * Math.cos(angle));
        kernels[t][bins + k] = (float) (-window[t] * Math.sin(angle));
      }
    }
    return kernels;
  }

  static double hzToMel(double hz, AudioFrontEndConfig.MelScale scale) {
    return switch (scale) {
      case HTK -> 2595.0 * Math.log10(1.0 + hz / 700.0);
      case SLANEY ->
          hz < SLANEY_BREAK_HZ
              ? hz / SLANEY_LINEAR_STEP
              : SLANEY_BREAK_MEL + Math.log(hz / SLANEY_BREAK_HZ) / SLANEY_LOG_STEP;
    };
  }

  static double melToHz(double mel, AudioFrontEndConfig.MelScale scale) {
    return switch (scale) {
      case HTK -> 700.0 * (Math.pow(10.0, mel / 2595.0) - 1.0);
      case SLANEY ->
          mel < SLANEY_BREAK_MEL
              ? mel * SLANEY_LINEAR_STEP
              : SLANEY_BREAK_HZ * Math.exp(SLANEY_LOG_STEP * (mel - SLANEY_BREAK_MEL));
    };
  }

  private static final double SLANEY_LINEAR_STEP = 200.0 / 3.0;
  private static final double SLANEY_BREAK_HZ = 1000.0;
  private static final double SLANEY_BREAK_MEL = SLANEY_BREAK_HZ / SLANEY_LINEAR_STEP;
  private static final double SLANEY_LOG_STEP = Math.log(6.4) / 27.0;
}
