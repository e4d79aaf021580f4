package io.earshot.training.data;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RgbFramesTest {

  @Test
  void shouldReverseEveryRowsPixelsKeepingTheirChannelsWhenMirrored() {
    // 2 rows of 3 RGB pixels: pixel p of row r is (10r+p, 10r+p+100, 10r+p+200).
    byte[] src = new byte[2 * 3 * 3];
    for (int r = 0; r < 2; r++) {
      for (int p = 0; p < 3; p++) {
        for (int c = 0; c < 3; c++) {
          src[(r * 3 + p) * 3 + c] = (byte) (10 * r + p + 100 * c);
        }
      }
    }
    byte[] dst = new byte[2 + src.length];

    RgbFrames.mirror(src, dst, 2, 2, 3);

    assertThat(dst[0]).isZero();
    assertThat(dst[1]).isZero();
    for (int r = 0; r < 2; r++) {
      for (int p = 0; p < 3; p++) {
        for (int c = 0; c < 3; c++) {
          assertThat(dst[2 + (r * 3 + p) * 3 + c]).isEqualTo((byte) (10 * r + (2 - p) + 100 * c));
        }
      }
    }
  }
}
