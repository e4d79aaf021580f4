package io.earshot.training.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class BinaryMetricsTest {

  @Test
  void shouldGivePerfectAucWhenScoresSeparateClasses() {
    BinaryMetrics m = new BinaryMetrics();
    m.add(true, 0.9);
    m.add(true, 0.6);
    m.add(false, 0.4);
    m.add(false, 0.1);
    assertThat(m.rocAuc()).isEqualTo(1.0);
    assertThat(m.accuracy()).isEqualTo(1.0);
  }

  @Test
  void shouldGiveHalfWhenScoresAreConstant() {
    BinaryMetrics m = new BinaryMetrics();
    for (int i = 0; i < 10; i++) {
      m.add(i % 2 == 0, 0.5);
    }
    assertThat(m.rocAuc()).isCloseTo(0.5, within(1e-9));
  }

  @Test
  void shouldCountMisrankedPairsWhenScoresOverlap() {
    BinaryMetrics m = new BinaryMetrics();
    m.add(true, 0.8);
    m.add(true, 0.3);
    m.add(false, 0.5);
    m.add(false, 0.2);
    // Pairs (pos, neg): (0.8,0.5) ok, (0.8,0.2) ok, (0.3,0.5) wrong, (0.3,0.2) ok -> 3/4.
    assertThat(m.rocAuc()).isCloseTo(0.75, within(1e-9));
    // At threshold 0.5: 0.8 and 0.2 right, 0.3 (positive) and 0.5 (negative, >= 0.5) wrong.
    assertThat(m.accuracy()).isCloseTo(0.5, within(1e-9));
  }
}
