package io.earshot.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AudioWindowerTest {

  @Test
  void shouldTileTimelineWithFixedWindowsWhenChunksHaveOddSizes() {
    AudioWindower windower = new AudioWindower(16_000, 2, 8000, 50_000);
    List<AudioWindower.Window> windows = new ArrayList<>();
    int frame = 0;
    int[] sizes = {1024, 333, 4000, 1, 7000, 5642};
    for (int size : sizes) {
      short[] chunk = new short[size * 2];
      for (int i = 0; i < size; i++) {
        chunk[2 * i] = (short) (frame + i); // left carries the frame index
        chunk[2 * i + 1] = (short) -(frame + i);
      }
      long pts = 2_000_000L + frame * 1_000_000L / 16_000;
      windows.addAll(windower.add(pts, chunk, 0, chunk.length));
      frame += size;
    }
    windows.addAll(windower.flush());

    assertThat(frame).isEqualTo(18_000);
    assertThat(windows)
        .extracting(AudioWindower.Window::frameCount)
        .containsExactly(8000, 8000, 2000);
    assertThat(windows)
        .extracting(AudioWindower.Window::startPtsMicros)
        .containsExactly(2_000_000L, 2_500_000L, 3_000_000L);
    AudioWindower.Window second = windows.get(1);
    assertThat(second.interleaved()[0]).isEqualTo((short) 8000);
    assertThat(second.interleaved()[1]).isEqualTo((short) -8000);
  }

  @Test
  void shouldReanchorAndFlushPartialWindowWhenTimestampsJump() {
    AudioWindower windower = new AudioWindower(16_000, 2, 1600, 50_000);
    assertThat(windower.add(0, new short[800 * 2], 0, 1600)).isEmpty();

    List<AudioWindower.Window> out = windower.add(5_000_000, new short[1600 * 2], 0, 3200);

    assertThat(out).hasSize(2);
    assertThat(out.get(0).frameCount()).isEqualTo(800);
    assertThat(out.get(0).startPtsMicros()).isZero();
    assertThat(out.get(1).startPtsMicros()).isEqualTo(5_000_000);
    assertThat(out.get(1).frameCount()).isEqualTo(1600);
  }
}
