package io.earshot.training.tf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TUint8;

class FrameNormalizerTest {

  private static final int BATCH = 2;
  private static final int T = 3;
  private static final int H = 4;
  private static final int W = 5;

  @Test
  void shouldFoldFramesIntoBatchAndStandardiseEachChannelWhenFedUint8Frames() {
    // Given every byte value 0..255 in a known position, including values above 127 that a signed
    // interpretation would get wrong.
    byte[] pixels = new byte[BATCH * T * H * W * 3];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (byte) ((i * 37) % 256);
    }
    FrameNormalizer normalizer = FrameNormalizer.imageNet();

    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TUint8> frames =
          tf.placeholder(TUint8.class, Placeholder.shape(Shape.of(-1, T, H, W, 3)));
      Operand<TFloat32> out = normalizer.apply(tf, frames);

      // When
      try (Session session = new Session(g);
          TUint8 input = Tensors.bytes(Shape.of(BATCH, T, H, W, 3), pixels);
          Result result = session.runner().feed(frames, input).fetch(out).run()) {
        TFloat32 normalized = (TFloat32) result.get(0);

        // Then
        assertThat(normalized.shape().asArray()).containsExactly(BATCH * T, H, W, 3);
        float[] values = Tensors.toArray(normalized);
        for (int i = 0; i < values.length; i++) {
          float expected = normalizer.normalize(Byte.toUnsignedInt(pixels[i]), i % 3);
          assertThat(values[i]).as("element %d", i).isCloseTo(expected, within(1e-5f));
        }
      }
    }
  }

  @Test
  void shouldMapImageNetMeanColourToZeroWhenNormalising() {
    FrameNormalizer normalizer = FrameNormalizer.imageNet();
    assertThat(normalizer.normalize(124, 0)).isCloseTo(0f, within(0.02f));
    assertThat(normalizer.normalize(0, 2)).isCloseTo(-0.406f / 0.225f, within(1e-6f));
  }

  @Test
  void shouldRejectFramesWhenSpatialSizeIsUnknown() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TUint8> frames =
          tf.placeholder(TUint8.class, Placeholder.shape(Shape.of(-1, T, -1, -1, 3)));
      assertThatThrownBy(() -> FrameNormalizer.imageNet().apply(tf, frames))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("known H, W");
    }
  }
}
