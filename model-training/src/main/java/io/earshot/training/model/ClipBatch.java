package io.earshot.training.model;

import io.earshot.training.tf.Tensors;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TUint8;

/**
 * A batch of clips as flat row-major arrays, the Java-side form of the network's inputs.
 *
 * <p>The arrays are not copied: a batch is a short-lived transfer object between a data source and
 * {@link TfTrainer}.
 *
 * @param size number of clips
 * @param frames {@code uint8 [size, T, H, W, 3]} RGB
 * @param audio {@code float32 [size, samples, channels]} PCM in [-1, 1], interleaved per sample
 * @param labels {@code [size]}, 1 when the audio channels are swapped, else 0; may be null when
 *     only predicting
 */
public record ClipBatch(int size, byte[] frames, float[] audio, float[] labels) {

  public ClipBatch {
    if (size <= 0) {
      throw new IllegalArgumentException("size must be positive: " + size);
    }
    if (labels != null && labels.length != size) {
      throw new IllegalArgumentException(
          "labels has " + labels.length + " entries for " + size + " clips");
    }
  }

  /** The frames as a tensor shaped for {@code config}; the caller closes it. */
  public TUint8 framesTensor(NetConfig config) {
    return Tensors.bytes(
        Shape.of(size, config.framesPerClip(), config.frameSize(), config.frameSize(), 3), frames);
  }

  /** The audio as a tensor shaped for {@code config}; the caller closes it. */
  public TFloat32 audioTensor(NetConfig config) {
    return Tensors.floats(
        Shape.of(size, config.samplesPerClip(), config.inputAudioChannels()), audio);
  }

  /** The labels as a tensor; the caller closes it. */
  public TFloat32 labelsTensor() {
    if (labels == null) {
      throw new IllegalStateException("batch has no labels");
    }
    return Tensors.floats(Shape.of(size), labels);
  }
}
