package io.earshot.training.tf;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.BiFunction;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/** Runs the in-graph front end on stereo PCM for the front-end tests. */
final class FrontEndRuns {

  private FrontEndRuns() {}

  /**
   * {@code pcm} [example][sample][left, right] through {@link AudioFrontEnd#features}, as
   * [example][frame][mel][feature]; asserts the output shape has {@code channels} features.
   */
  static float[][][][] features(float[][][] pcm, AudioFrontEndConfig config, int channels) {
    return run(pcm, config, channels, (tf, input) -> AudioFrontEnd.features(tf, input, config));
  }

  /**
   * {@code pcm} [example][sample][left, right] through the front-end op {@code frontEnd} builds
   * (e.g. {@link AudioFrontEnd#logMel}), as [example][frame][mel][feature]; asserts the output
   * shape has {@code channels} features.
   */
  static float[][][][] run(
      float[][][] pcm,
      AudioFrontEndConfig config,
      int channels,
      BiFunction<Ops, Operand<TFloat32>, Operand<TFloat32>> frontEnd) {
    int batch = pcm.length;
    int samples = pcm[0].length;
    float[] flat = new float[batch * samples * 2];
    int i = 0;
    for (float[][] example : pcm) {
      for (float[] sample : example) {
        for (float v : sample) {
          flat[i++] = v;
        }
      }
    }
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> input =
          tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, -1, 2)));
      Operand<TFloat32> out = frontEnd.apply(tf, input);
      try (Session session = new Session(g);
          TFloat32 pcmTensor = Tensors.floats(Shape.of(batch, samples, 2), flat);
          Result result = session.runner().feed(input, pcmTensor).fetch(out).run()) {
        TFloat32 t = (TFloat32) result.get(0);
        int frames = (int) t.shape().get(1);
        assertThat(t.shape().asArray()).containsExactly(batch, frames, config.melBins(), channels);
        float[] values = Tensors.toArray(t);
        float[][][][] shaped = new float[batch][frames][config.melBins()][channels];
        int j = 0;
        for (int b = 0; b < batch; b++) {
          for (int f = 0; f < frames; f++) {
            for (int m = 0; m < config.melBins(); m++) {
              System.arraycopy(values, j, shaped[b][f][m], 0, channels);
              j += channels;
            }
          }
        }
        return shaped;
      }
    }
  }
}
