package io.earshot.training.data;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AugmentTest {

  @Test
  void shouldMirrorFramesAndKeepColoursWhenMirroring() {
    // 1 frame, 4x1 pixels: red, green, blue, white.
    byte[] src = {
      (byte) 255, 0, 0, 0, (byte) 255, 0, 0, 0, (byte) 255, (byte) 255, (byte) 255, (byte) 255
    };
    byte[] out = Augment.cropAndColor(src, 1, 4, 1, 0, 0, 4, 1, true, 0, 1, 1);

    assertThat(out)
        .containsExactly(
            (byte) 255,
            (byte) 255,
            (byte) 255,
            0,
            0,
            (byte) 255,
            0,
            (byte) 255,
            0,
            (byte) 255,
            0,
            0);
  }

  @Test
  void shouldCropTheRequestedWindow() {
    byte[] src = new byte[4 * 4 * 3];
    for (int i = 0; i < 16; i++) {
      src[i * 3] = (byte) i;
    }
    byte[] out = Augment.cropAndColor(src, 1, 4, 4, 1, 2, 2, 2, false, 0, 1, 1);

    assertThat(new int[] {out[0], out[3], out[6], out[9]}).containsExactly(9, 10, 13, 14);
  }

  @Test
  void shouldSwapChannelsWhenAsked() {
    assertThat(io.earshot.domain.Pcm.swapLeftRight(new float[] {1, 2, 3, 4}))
        .containsExactly(2, 1, 4, 3);
  }
}
