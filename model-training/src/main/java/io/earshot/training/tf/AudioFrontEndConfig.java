package io.earshot.training.tf;

/**
 * Parameters of the in-graph audio front end (STFT, mel projection, log, and optionally the
 * interaural phase per mel band).
 *
 * <p>Frames are not centred (no padding): a clip of {@code n} samples gives {@code (n - nFft) / hop
 * + 1} spectrogram frames. That keeps the graph a single strided convolution, and training and
 * serving use the same graph, so the choice only has to be made once.
 *
 * @param sampleRate PCM sample rate in Hz
 * @param nFft STFT window and FFT length in samples (a periodic Hann window)
 * @param hop STFT hop in samples (160 at 16 kHz = 100 frames/s)
 * @param melBins number of mel bands
 * @param fMin lowest mel filter edge in Hz
 * @param fMax highest mel filter edge in Hz
 * @param melScale mel formula
 * @param areaNormalized whether each triangle is scaled to unit area (librosa's {@code
 *     norm='slaney'}); otherwise triangles peak at 1
 * @param logEpsilon added to the mel power before the log, so silence maps to a finite floor
 * @param interauralPhase whether stereo input also yields cos and sin of the interaural phase
 *     difference per mel band (two more feature channels after the log-mel ones)
 * @param gccPhat whether stereo input also yields the generalised cross-correlation with phase
 *     transform (GCC-PHAT) of the channels at {@code melBins} interaural lags spanning {@link
 *     #GCC_MAX_LAG_SECONDS} either way (one more feature channel, last), the direct measure of the
 *     interaural time difference that places a source
 */
public record AudioFrontEndConfig(
    int sampleRate,
    int nFft,
    int hop,
    int melBins,
    double fMin,
    double fMax,
    MelScale melScale,
    boolean areaNormalized,
    float logEpsilon,
    boolean interauralPhase,
    boolean gccPhat) {

  /**
   * The GCC-PHAT lags span this much either way: 0.5 ms, beyond the interaural time difference of
   * any source in a 90-degree field of view (about 0.38 ms for a human-sized head).
   */
  public static final double GCC_MAX_LAG_SECONDS = 0.0005;

  /** Mel formulas in common use. */
  public enum MelScale {
    /** {@code 2595 log10(1 + f / 700)}. */
    HTK,
    /** Slaney's Auditory Toolbox scale: linear below 1 kHz, logarithmic above (librosa default). */
    SLANEY
  }

  public AudioFrontEndConfig {
    require(sampleRate > 0, "sampleRate", sampleRate);
    require(nFft >= 2 && nFft % 2 == 0, "nFft", nFft);
    require(hop > 0, "hop", hop);
    require(melBins > 0, "melBins", melBins);
    require(fMin >= 0 && fMin < fMax, "fMin", fMin);
    require(fMax <= sampleRate / 2.0, "fMax", fMax);
    if (melScale == null) {
      throw new IllegalArgumentException("melScale must not be null");
    }
    require(logEpsilon > 0, "logEpsilon", logEpsilon);
  }

  /**
   * 16 kHz, 512-point FFT (32 ms), 10 ms hop, 64 Slaney mel bands from 0 to 8 kHz with area
   * normalisation (librosa's defaults for {@code melspectrogram}), log floor 1e-6; log-mel only
   * (the paper's input).
   */
  public static AudioFrontEndConfig standard() {
    return new AudioFrontEndConfig(
        16_000, 512, 160, 64, 0.0, 8_000.0, MelScale.SLANEY, true, 1e-6f, false, false);
  }

  /** The same front end with or without the interaural phase channels. */
  public AudioFrontEndConfig withInterauralPhase(boolean on) {
    return withStereoChannels(on, gccPhat);
  }

  /** The same front end with or without the GCC-PHAT channel. */
  public AudioFrontEndConfig withGccPhat(boolean on) {
    return withStereoChannels(interauralPhase, on);
  }

  private AudioFrontEndConfig withStereoChannels(boolean phase, boolean gcc) {
    return new AudioFrontEndConfig(
        sampleRate,
        nFft,
        hop,
        melBins,
        fMin,
        fMax,
        melScale,
        areaNormalized,
        logEpsilon,
        phase,
        gcc);
  }

  /**
   * The interaural lag of GCC-PHAT column {@code j}, in samples: {@code melBins} steps from {@code
   * -GCC_MAX_LAG_SECONDS} up to one step short of {@code +GCC_MAX_LAG_SECONDS}, lag 0 at column
   * {@code melBins / 2}.
   */
  public double gccLagSamples(int j) {
    double step = 2 * GCC_MAX_LAG_SECONDS * sampleRate / melBins;
    return (j - melBins / 2) * step;
  }

  /**
   * Feature channels the front end yields for {@code pcmChannels} input channels: one log-mel per
   * channel, plus cos and sin of the interaural phase and the GCC-PHAT when enabled (stereo only).
   */
  public int featureChannels(int pcmChannels) {
    if (interauralPhase && pcmChannels != 2) {
      throw new IllegalArgumentException(
          "interaural phase needs stereo input, got " + pcmChannels + " channels");
    }
    if (gccPhat && pcmChannels != 2) {
      throw new IllegalArgumentException(
          "GCC-PHAT needs stereo input, got " + pcmChannels + " channels");
    }
    return pcmChannels + (interauralPhase ? 2 : 0) + (gccPhat ? 1 : 0);
  }

  /** Number of one-sided frequency bins, {@code nFft / 2 + 1}. */
  public int frequencyBins() {
    return nFft / 2 + 1;
  }

  /**
   * Number of spectrogram frames for a clip of {@code samples} samples (0 if shorter than nFft).
   */
  public int frames(int samples) {
    return samples < nFft ? 0 : (samples - nFft) / hop + 1;
  }

  private static void require(boolean ok, String option, Object value) {
    if (!ok) {
      throw new IllegalArgumentException("invalid " + option + ": " + value);
    }
  }
}
