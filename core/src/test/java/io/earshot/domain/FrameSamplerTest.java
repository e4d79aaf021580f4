package io.earshot.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrameSamplerTest {

  private static List<Long> sample(double sourceFps, double targetFps, int frames, long start) {
    FrameSampler sampler = new FrameSampler(targetFps);
    List<Long> kept = new ArrayList<>();
    for (int i = 0; i < frames; i++) {
      long pts = start + Math.round(i * 1_000_000.0 / sourceFps);
      if (sampler.accept(pts)) {
        kept.add(pts);
      }
    }
    return kept;
  }

  @Test
  void shouldKeepEveryFifthFrameWhenSampling25FpsAt5Fps() {
    List<Long> kept = sample(25, 5, 100, 0);

    assertThat(kept).hasSize(20);
    assertThat(kept.get(1) - kept.get(0)).isEqualTo(200_000);
  }

  @Test
  void shouldApproximateTargetRateWhenRatesDoNotDivide() {
    // 29.97 fps sampled at 6 fps for 10 s must give 60 frames, spaced 133..200 ms apart.
    List<Long> kept = sample(30000.0 / 1001, 6, 300, 1_000_000);

    assertThat(kept).hasSizeBetween(59, 61);
    for (int i = 1; i < kept.size(); i++) {
      assertThat(kept.get(i) - kept.get(i - 1)).isBetween(133_000L, 201_000L);
    }
  }

  @Test
  void shouldKeepAllFramesWhenSourceIsSlowerThanTarget() {
    assertThat(sample(4, 6, 12, 0)).hasSize(12);
  }

  @Test
  void shouldRestartGridWhenTimestampsGoBackwards() {
    FrameSampler sampler = new FrameSampler(5);
    assertThat(sampler.accept(10_000_000)).isTrue();
    assertThat(sampler.accept(10_040_000)).isFalse();
    assertThat(sampler.accept(0)).isTrue();
    assertThat(sampler.accept(40_000)).isFalse();
    assertThat(sampler.accept(200_000)).isTrue();
  }

  @Test
  void shouldRejectNonPositiveRate() {
    assertThatThrownBy(() -> new FrameSampler(0)).hasMessageContaining("fps");
  }
}
