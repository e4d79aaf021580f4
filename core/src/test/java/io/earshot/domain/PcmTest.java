package io.earshot.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PcmTest {

  @Test
  void shouldRoundTripS16leWhenEncodedAndDecoded() {
    short[] samples = {0, 1, -1, Short.MAX_VALUE, Short.MIN_VALUE, 1234};
    byte[] bytes = Pcm.toS16le(samples);

    assertThat(bytes).hasSize(12);
    assertThat(bytes[2]).isEqualTo((byte) 1); // little-endian: low byte first
    assertThat(Pcm.fromS16le(bytes)).containsExactly(samples);
  }

  @Test
  void shouldMeasureEachChannelSeparatelyWhenComputingRms() {
    short[] stereo = {16384, 0, -16384, 0, 16384, 0, -16384, 0};

    assertThat(Pcm.rms(stereo, 2, 0)).isCloseTo(0.5, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(Pcm.rms(stereo, 2, 1)).isZero();
  }

  @Test
  void shouldExchangeLeftAndRightWhenSwapping() {
    short[] quad = {1, 2, 3, 4, 5, 6, 7, 8};
    assertThat(Pcm.swapLeftRight(quad, 4)).containsExactly(2, 1, 3, 4, 6, 5, 7, 8);
    assertThatThrownBy(() -> Pcm.swapLeftRight(new short[] {1}, 1))
        .hasMessageContaining("2 channels");
  }
}
