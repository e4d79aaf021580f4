package io.earshot.training.bench;

import io.earshot.training.data.Clip;
import io.earshot.training.data.ClipSpec;
import io.earshot.training.data.Split;
import io.earshot.training.eval.SavedModelScorer;
import io.earshot.training.model.NetConfig;
import io.earshot.training.model.SpatialAlignmentNet;
import io.earshot.training.tf.Tensors;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Model throughput at several batch sizes, its FLOPs per clip and achieved GFLOP/s, next to the
 * GFLOP/s of a large matrix multiply run through TensorFlow in the same process: the machine's
 * practical limit, measured side by side so the ratio survives a noisy machine.
 */
public final class ModelBenchmark {

  /** One row of the table. */
  public record Row(String what, int batch, double clipsPerSecond, double gflops) {}

  private ModelBenchmark() {}

  /** FLOPs per clip of a config's inference branch. */
  public static long flopsPerClip(NetConfig config) {
    try (Graph g = new Graph()) {
      return SpatialAlignmentNet.build(Ops.create(g), config).flopsPerClip();
    }
  }

  /** Clips/s of the exported model at each batch size, timed for about {@code seconds} each. */
  public static List<Row> model(Path modelDir, NetConfig config, int[] batches, double seconds) {
    long flops = flopsPerClip(config);
    List<Row> rows = new ArrayList<>();
    try (SavedModelScorer scorer = SavedModelScorer.load(modelDir)) {
      ClipSpec spec = scorer.clipSpec();
      Random random = new Random(1);
      for (int batch : batches) {
        List<Clip> clips = new ArrayList<>();
        for (int i = 0; i < batch; i++) {
          byte[] rgb = new byte[spec.frames() * spec.height() * spec.width() * 3];
          random.nextBytes(rgb);
          float[] audio = new float[spec.samples() * 2];
          for (int k = 0; k < audio.length; k++) {
            audio[k] = (float) (random.nextGaussian() * 0.1);
          }
          clips.add(new Clip("bench", i, 0, Split.TEST, false, false, spec, rgb, audio));
        }
        scorer.score(clips); // warm-up: graph optimisation and allocation
        int runs = 0;
        long start = System.nanoTime();
        while (System.nanoTime() - start < seconds * 1e9 || runs < 3) {
          scorer.score(clips);
          runs++;
        }
        double wall = (System.nanoTime() - start) / 1e9;
        double clipsPerSecond = runs * batch / wall;
        rows.add(
            new Row("model " + config.name(), batch, clipsPerSecond, clipsPerSecond * flops / 1e9));
      }
    }
    return rows;
  }

  /** GFLOP/s of an n x n float matrix multiply through TensorFlow. */
  public static double matmulGflops(int n, double seconds) {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Random random = new Random(2);
      float[] values = new float[n * n];
      for (int i = 0; i < values.length; i++) {
        values[i] = (float) random.nextGaussian();
      }
      try (TFloat32 a = Tensors.floats(Shape.of(n, n), values);
          TFloat32 b = Tensors.floats(Shape.of(n, n), values);
          Session session = new Session(g)) {
        Operand<TFloat32> pa = tf.placeholder(TFloat32.class);
        Operand<TFloat32> pb = tf.placeholder(TFloat32.class);
        // Reduce to a scalar so fetching the result does not time a copy of n^2 floats.
        Operand<TFloat32> product =
            tf.math.mean(tf.linalg.matMul(pa, pb), tf.constant(new int[] {0, 1}));
        try (Result warm = session.runner().feed(pa, a).feed(pb, b).fetch(product).run()) {
          // warm-up
        }
        int runs = 0;
        long start = System.nanoTime();
        while (System.nanoTime() - start < seconds * 1e9 || runs < 3) {
          try (Result r = session.runner().feed(pa, a).feed(pb, b).fetch(product).run()) {
            runs++;
          }
        }
        double wall = (System.nanoTime() - start) / 1e9;
        return runs * 2.0 * n * n * (double) n / wall / 1e9;
      }
    }
  }
}
