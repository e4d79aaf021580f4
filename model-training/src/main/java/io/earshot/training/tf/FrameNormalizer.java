package io.earshot.training.tf;

import java.util.Arrays;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TUint8;

/**
 * Converts decoded video frames to the network's input inside the graph.
 *
 * <p>Input: {@code uint8 [batch, T, H, W, 3]} RGB. Output: {@code float32 [batch * T, H, W, 3]},
 * each channel scaled to [0, 1] and then standardised with a per-channel mean and standard
 * deviation. Frames are folded into the batch axis so that the visual stream is a plain per-frame
 * Conv2D stack (the paper uses spatial convolutions only, no temporal ones).
 */
public final class FrameNormalizer {

  private static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};
  private static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};

  private final float[] mean;
  private final float[] std;

  /**
   * @param mean per-channel mean of pixel values scaled to [0, 1] (R, G, B)
   * @param std per-channel standard deviation, all positive
   */
  public FrameNormalizer(float[] mean, float[] std) {
    if (mean.length != 3 || std.length != 3) {
      throw new IllegalArgumentException("mean and std need 3 channels (RGB)");
    }
    for (float s : std) {
      if (!(s > 0)) {
        throw new IllegalArgumentException("std must be positive: " + Arrays.toString(std));
      }
    }
    this.mean = mean.clone();
    this.std = std.clone();
  }

  /** The ImageNet statistics used by torchvision models (and by the paper's ResNet-18). */
  public static FrameNormalizer imageNet() {
    return new FrameNormalizer(IMAGENET_MEAN, IMAGENET_STD);
  }

  /** The normalised value of one 8-bit sample of channel {@code channel}; for tests and docs. */
  public float normalize(int value, int channel) {
    return (value / 255f - mean[channel]) / std[channel];
  }

  /**
   * Adds the conversion to the graph of {@code tf}.
   *
   * @param frames {@code uint8 [batch, T, H, W, 3]}; H and W must be known statically
   * @return {@code float32 [batch * T, H, W, 3]}
   */
  public Operand<TFloat32> apply(Ops tf, Operand<TUint8> frames) {
    Shape shape = frames.shape();
    if (shape.numDimensions() != 5
        || shape.isUnknown()
        || shape.get(2) < 0
        || shape.get(3) < 0
        || shape.get(4) != 3) {
      throw new IllegalArgumentException("frames must be [batch, T, H, W, 3] with known H, W");
    }
    Ops fn = tf.withSubScope("frame_normalizer");
    // Fold 1/255 into the affine map: (x / 255 - mean) / std = x * a + b, per channel.
    float[] scale = new float[3];
    float[] offset = new float[3];
    for (int c = 0; c < 3; c++) {
      scale[c] = 1f / (255f * std[c]);
      offset[c] = -mean[c] / std[c];
    }
    Operand<TFloat32> pixels = fn.dtypes.cast(frames, TFloat32.class);
    Operand<TFloat32> normalized =
        fn.math.add(fn.math.mul(pixels, fn.constant(scale)), fn.constant(offset));
    return fn.withName("frames_normalized")
        .reshape(
            normalized, fn.constant(new int[] {-1, (int) shape.get(2), (int) shape.get(3), 3}));
  }
}
