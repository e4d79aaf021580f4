package io.earshot.training.tf;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.ndarray.index.Indices;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Stack;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Builds the stereo log-mel spectrogram, and optionally the interaural phase per mel band and the
 * GCC-PHAT over interaural lags, inside a TensorFlow graph.
 *
 * <p>Input: PCM {@code float32 [batch, samples, channels]} in [-1, 1] at {@link
 * AudioFrontEndConfig#sampleRate()}. Output of {@link #features}: {@code float32 [batch, frames,
 * melBins, featureChannels]}: one log-mel spectrogram per channel, so that inter-channel level
 * differences survive, then, with {@link AudioFrontEndConfig#interauralPhase()}, {@code cos} and
 * {@code sin} of the interaural phase difference (IPD) of every mel band.
 *
 * <p>The STFT is a strided {@code Conv2D} (kernel {@code [1, nFft, 1, 2 * bins]}) with fixed
 * Hann-windowed cosine and sine kernels; squaring gives re² and im², and one matrix product with
 * the mel matrix stacked twice sums them into mel power. The IPD comes from the cross-spectrum
 * {@code L conj(R)} of every bin: its real and imaginary parts and {@code |L| |R|} are pooled into
 * the mel bands with the same mel weights, and {@code cos = sum Re / (sum |L||R| + eps)}, {@code
 * sin = sum Im / (sum |L||R| + eps)}. That is the magnitude-weighted mean of the per-bin phase
 * vectors: loud bins dominate, a band with incoherent channels shrinks towards 0, silence is 0.
 * {@code sin > 0} where the left channel leads (a source on the left at low frequencies); swapping
 * the channels swaps the log-mel channels and negates {@code sin}. Level differences alone (ILD)
 * are weak below ~1.5 kHz, where the time difference (ITD, seen as IPD) is the main cue.
 *
 * <p>Everything is an ordinary op, so the front end lives in the SavedModel and serving feeds raw
 * PCM exactly as training does. Conv2D rather than Conv1D/Conv3D because it is the one with a C++
 * gradient and a fast CPU kernel; the front end has no variables, so no gradient ever flows into
 * it.
 */
public final class AudioFrontEnd {

  private AudioFrontEnd() {}

  /**
   * Adds the log-mel part of the front end to the graph of {@code tf}, whatever {@link
   * AudioFrontEndConfig#interauralPhase()} says.
   *
   * @param tf ops of the target graph
   * @param pcm {@code float32 [batch, samples, channels]}
   * @param config STFT and mel parameters
   * @return {@code float32 [batch, frames, melBins, channels]}
   */
  public static Operand<TFloat32> logMel(
      Ops tf, Operand<TFloat32> pcm, AudioFrontEndConfig config) {
    return features(tf, pcm, config.withInterauralPhase(false));
  }

  /**
   * Adds the front end to the graph of {@code tf}.
   *
   * @param tf ops of the target graph
   * @param pcm {@code float32 [batch, samples, channels]}; exactly 2 channels (left, right) when
   *     the config asks for the interaural phase
   * @param config STFT, mel and feature parameters
   * @return {@code float32 [batch, frames, melBins, featureChannels]}: log-mel of every channel,
   *     then cos(IPD) and sin(IPD) when {@link AudioFrontEndConfig#interauralPhase()}
   */
  public static Operand<TFloat32> features(
      Ops tf, Operand<TFloat32> pcm, AudioFrontEndConfig config) {
    Ops fe = tf.withSubScope("audio_front_end");
    int bins = config.frequencyBins();
    int mels = config.melBins();

    Operand<TInt32> dims = fe.shape(pcm);
    Operand<TInt32> batch = fe.stridedSlice(dims, Indices.at(0));
    Operand<TInt32> samples = fe.stridedSlice(dims, Indices.at(1));
    Operand<TInt32> channels = fe.stridedSlice(dims, Indices.at(2));

    // [B, S, C] -> [B, C, S] -> [B*C, 1, S, 1]: every channel becomes its own 1-high image.
    Operand<TFloat32> perChannel = fe.linalg.transpose(pcm, fe.constant(new int[] {0, 2, 1}));
    Operand<TFloat32> images =
        fe.reshape(
            perChannel,
            fe.stack(List.of(fe.constant(-1), fe.constant(1), samples, fe.constant(1))));

    Operand<TFloat32> kernels =
        fe.constant(
            Shape.of(1, config.nFft(), 1, 2L * bins),
            DataBuffers.of(flatten(MelFilterbank.dftKernels(config)), true, false));
    Operand<TFloat32> spectrum =
        fe.nn.conv2d(images, kernels, List.of(1L, 1L, (long) config.hop(), 1L), "VALID");

    // [B*C, 1, F, 2K] -> squares -> [B*C*F, 2K] x [2K, M]: re² and im² share the mel weights.
    Operand<TFloat32> squares =
        fe.reshape(fe.math.square(spectrum), fe.constant(new int[] {-1, 2 * bins}));
    float[][] mel = MelFilterbank.matrix(config);
    float[][] stacked = new float[2 * bins][];
    for (int k = 0; k < bins; k++) {
      stacked[k] = mel[k];
      stacked[bins + k] = mel[k];
    }
    Operand<TFloat32> melMatrix =
        fe.constant(Shape.of(2L * bins, mels), DataBuffers.of(flatten(stacked), true, false));
    Operand<TFloat32> melPower = fe.linalg.matMul(squares, melMatrix);
    Operand<TFloat32> logMel = fe.math.log(fe.math.add(melPower, fe.constant(config.logEpsilon())));

    // [B*C*F, M] -> [B, C, F, M] -> [B, F, M, C]
    Operand<TFloat32> grouped =
        fe.reshape(logMel, fe.stack(List.of(batch, channels, fe.constant(-1), fe.constant(mels))));
    if (!config.interauralPhase() && !config.gccPhat()) {
      return fe.withName("log_mel").linalg.transpose(grouped, fe.constant(new int[] {0, 2, 3, 1}));
    }
    List<Operand<TFloat32>> parts = new ArrayList<>();
    parts.add(fe.linalg.transpose(grouped, fe.constant(new int[] {0, 2, 3, 1})));
    Cross cross = crossSpectrum(fe, spectrum, batch, bins);
    if (config.interauralPhase()) {
      parts.add(interauralPhase(fe, cross, batch, bins, mel, config));
    }
    if (config.gccPhat()) {
      parts.add(gccPhat(fe, cross, batch, bins, config));
    }
    return fe.withName("features").concat(parts, fe.constant(3));
  }

  /**
   * The cross-spectrum {@code L conj(R)} of every bin, {@code [B, F, K]} each, and {@code |L||R|}.
   */
  private record Cross(Operand<TFloat32> re, Operand<TFloat32> im, Operand<TFloat32> magnitude) {}

  /** From the STFT {@code [B*2, 1, F, 2K]} (rows alternate left, right; columns re then im). */
  private static Cross crossSpectrum(
      Ops fe, Operand<TFloat32> spectrum, Operand<TInt32> batch, int bins) {
    Ops cs = fe.withSubScope("cross_spectrum");
    // [B*2, 1, F, 2K] -> [B, 2, F, 2K]; a non-stereo input fails here at run time.
    Operand<TFloat32> pairs =
        cs.reshape(
            spectrum,
            cs.stack(List.of(batch, cs.constant(2), cs.constant(-1), cs.constant(2 * bins))));
    Operand<TFloat32> left = cs.stridedSlice(pairs, Indices.all(), Indices.at(0));
    Operand<TFloat32> right = cs.stridedSlice(pairs, Indices.all(), Indices.at(1));
    Operand<TFloat32> reL = cs.stridedSlice(left, Indices.ellipsis(), Indices.sliceTo(bins));
    Operand<TFloat32> imL = cs.stridedSlice(left, Indices.ellipsis(), Indices.sliceFrom(bins));
    Operand<TFloat32> reR = cs.stridedSlice(right, Indices.ellipsis(), Indices.sliceTo(bins));
    Operand<TFloat32> imR = cs.stridedSlice(right, Indices.ellipsis(), Indices.sliceFrom(bins));
    // L conj(R) = (reL reR + imL imR) + i (imL reR - reL imR); |L||R| = sqrt(|L|² |R|²).
    Operand<TFloat32> crossRe = cs.math.add(cs.math.mul(reL, reR), cs.math.mul(imL, imR));
    Operand<TFloat32> crossIm = cs.math.sub(cs.math.mul(imL, reR), cs.math.mul(reL, imR));
    Operand<TFloat32> powerL = cs.math.add(cs.math.square(reL), cs.math.square(imL));
    Operand<TFloat32> powerR = cs.math.add(cs.math.square(reR), cs.math.square(imR));
    return new Cross(crossRe, crossIm, cs.math.sqrt(cs.math.mul(powerL, powerR)));
  }

  /** cos and sin of the interaural phase per mel band, {@code [B, F, M, 2]}. */
  private static Operand<TFloat32> interauralPhase(
      Ops fe,
      Cross spectrum,
      Operand<TInt32> batch,
      int bins,
      float[][] mel,
      AudioFrontEndConfig config) {
    Ops ipd = fe.withSubScope("interaural_phase");
    int mels = config.melBins();
    // [B, F, 3K] -> [B*F*3, K] x [K, M] -> [B, F, 3, M]: the three parts share the mel weights.
    Operand<TFloat32> parts =
        ipd.reshape(
            ipd.stack(List.of(spectrum.re(), spectrum.im(), spectrum.magnitude()), Stack.axis(2L)),
            ipd.constant(new int[] {-1, bins}));
    Operand<TFloat32> melMatrix =
        ipd.constant(Shape.of(bins, mels), DataBuffers.of(flatten(mel), true, false));
    Operand<TFloat32> pooled =
        ipd.reshape(
            ipd.linalg.matMul(parts, melMatrix),
            ipd.stack(List.of(batch, ipd.constant(-1), ipd.constant(3), ipd.constant(mels))));
    Operand<TFloat32> cross =
        ipd.stridedSlice(pooled, Indices.ellipsis(), Indices.sliceTo(2), Indices.all());
    Operand<TFloat32> norm =
        ipd.math.add(
            ipd.stridedSlice(pooled, Indices.ellipsis(), Indices.slice(2, 3), Indices.all()),
            ipd.constant(config.logEpsilon()));
    // [B, F, 2, M] / [B, F, 1, M] -> [B, F, M, 2]: channel 0 cos, channel 1 sin.
    return ipd.linalg.transpose(ipd.math.div(cross, norm), ipd.constant(new int[] {0, 1, 3, 2}));
  }

  /**
   * GCC-PHAT at the config's lags, {@code [B, F, M, 1]}: every bin's cross-spectrum scaled to unit
   * magnitude (the phase transform, so that every frequency votes equally and reverberant loud
   * bands do not dominate), then one matrix product evaluates {@code r(tau) = sum_k Re(C_k / |C_k|
   * e^(i w_k tau))} at fractional lags ({@link #gccKernel}). A source whose sound reaches the left
   * ear {@code d} samples before the right peaks at {@code tau = -d}: left of the lag axis's
   * centre. Swapping the channels mirrors the lag axis; silence is 0.
   */
  private static Operand<TFloat32> gccPhat(
      Ops fe, Cross cross, Operand<TInt32> batch, int bins, AudioFrontEndConfig config) {
    Ops g = fe.withSubScope("gcc_phat");
    int lags = config.melBins();
    Operand<TFloat32> norm = g.math.add(cross.magnitude(), g.constant(config.logEpsilon()));
    // [B, F, K] twice -> [B, F, 2K] -> [B*F, 2K] x [2K, lags] -> [B, F, lags, 1]
    Operand<TFloat32> unit =
        g.reshape(
            g.concat(
                List.of(g.math.div(cross.re(), norm), g.math.div(cross.im(), norm)), g.constant(2)),
            g.constant(new int[] {-1, 2 * bins}));
    Operand<TFloat32> kernel =
        g.constant(
            Shape.of(2L * bins, lags), DataBuffers.of(flatten(gccKernel(config)), true, false));
    return g.reshape(
        g.linalg.matMul(unit, kernel),
        g.stack(List.of(batch, g.constant(-1), g.constant(lags), g.constant(1))));
  }

  /**
   * {@code [2K, lags]}: rows {@code k} hold {@code cos(w_k tau_j)}, rows {@code K + k} hold {@code
   * -sin(w_k tau_j)}, with {@code w_k = 2 pi k / nFft} and {@code tau_j} from {@link
   * AudioFrontEndConfig#gccLagSamples}; the DC bin is left out (it carries no delay) and the rest
   * are averaged, so the correlation lies in [-1, 1].
   */
  static float[][] gccKernel(AudioFrontEndConfig config) {
    int bins = config.frequencyBins();
    int lags = config.melBins();
    float[][] kernel = new float[2 * bins][lags];
    for (int k = 1; k < bins; k++) {
      double w = 2 * Math.PI * k / config.nFft();
      for (int j = 0; j < lags; j++) {
        double angle = w * config.gccLagSamples(j);
        kernel[k][j] = (float) (Math.cos(angle) / (bins - 1));
        kernel[bins + k][j] = (float) (-Math.sin(angle) / (bins - 1));
      }
    }
    return kernel;
  }

  static float[] flatten(float[][] rows) {
    int cols = rows[0].length;
    float[] flat = new float[rows.length * cols];
    for (int r = 0; r < rows.length; r++) {
      if (rows[r].length != cols) {
        throw new IllegalArgumentException("ragged matrix at row " + r);
      }
      System.arraycopy(rows[r], 0, flat, r * cols, cols);
    }
    return flat;
  }
}
