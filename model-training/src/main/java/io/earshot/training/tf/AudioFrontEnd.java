package io.earshot.training.tf;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.ndarray.index.Indices;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Builds the stereo log-mel spectrogram inside a TensorFlow graph.
 *
 * <p>Input: PCM {@code float32 [batch, samples, channels]} in [-1, 1] at {@link
 * AudioFrontEndConfig#sampleRate()}. Output: {@code float32 [batch, frames, melBins, channels]},
 * one spectrogram per channel so that inter-channel level and phase-derived differences survive.
 *
 * <p>The STFT is a strided {@code Conv2D} (kernel {@code [1, nFft, 1, 2 * bins]}) with fixed
 * Hann-windowed cosine and sine kernels; squaring gives re² and im², and one matrix product with
 * the mel matrix stacked twice sums them into mel power. Everything is an ordinary op, so the front
 * end lives in the SavedModel and serving feeds raw PCM exactly as training does. Conv2D rather
 * than Conv1D/Conv3D because it is the one with a C++ gradient and a fast CPU kernel; the front end
 * has no variables, so no gradient ever flows into it.
 */
public final class AudioFrontEnd {

  private AudioFrontEnd() {}

  /**
   * Adds the front end to the graph of {@code tf}.
   *
   * @param tf ops of the target graph
   * @param pcm {@code float32 [batch, samples, channels]}
   * @param config STFT and mel parameters
   * @return {@code float32 [batch, frames, melBins, channels]}
   */
  public static Operand<TFloat32> logMel(
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
    return fe.withName("log_mel").linalg.transpose(grouped, fe.constant(new int[] {0, 2, 3, 1}));
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
