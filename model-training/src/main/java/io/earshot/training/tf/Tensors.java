package io.earshot.training.tf;

import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TUint8;

/**
 * Copies between flat Java arrays and tensors.
 *
 * <p>Every tensor returned here owns native memory outside the JVM heap: the caller closes it
 * (try-with-resources). Tensors are always filled completely from the given array, because {@code
 * TFloat32.tensorOf(Shape)} alone leaves its memory uninitialised.
 */
public final class Tensors {

  private Tensors() {}

  /** A float tensor of {@code shape} holding {@code values} in row-major order. */
  public static TFloat32 floats(Shape shape, float[] values) {
    checkSize(shape, values.length);
    return TFloat32.tensorOf(shape, DataBuffers.of(values, true, false));
  }

  /**
   * A uint8 tensor of {@code shape} holding {@code values} (read as unsigned) in row-major order.
   */
  public static TUint8 bytes(Shape shape, byte[] values) {
    checkSize(shape, values.length);
    return TUint8.tensorOf(shape, DataBuffers.of(values, true, false));
  }

  /** A copy of a float tensor's values in row-major order. */
  public static float[] toArray(TFloat32 tensor) {
    long size = tensor.shape().size();
    if (size > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("tensor too large for an array: " + tensor.shape());
    }
    float[] values = new float[(int) size];
    tensor.copyTo(DataBuffers.of(values, false, false));
    return values;
  }

  /** A copy of a float tensor's values; fails with a clear message if it is not float. */
  public static float[] toFloatArray(Tensor tensor) {
    if (!(tensor instanceof TFloat32 floats)) {
      throw new IllegalArgumentException("expected a float32 tensor, got " + tensor.dataType());
    }
    return toArray(floats);
  }

  private static void checkSize(Shape shape, int length) {
    if (shape.hasUnknownDimension() || shape.size() != length) {
      throw new IllegalArgumentException(
          "shape " + shape + " does not match " + length + " values");
    }
  }
}
