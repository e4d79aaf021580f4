package io.earshot.training.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

class CellHeadTest {

  private static final NetConfig TINY = NetConfig.tiny();
  private static final NetConfig TINY_CELLS =
      TINY.withName("tiny-cells").withCellChannels(List.of(16, 8));

  @Test
  void shouldWidenACpuModelIntoCpuCellsOnlyAndCountTheHeadsWeightsAndFlops() {
    NetConfig cells = NetConfig.byName("cpu-cells");
    assertThat(cells.widens(NetConfig.cpu())).isTrue();
    assertThat(NetConfig.cpu().widens(cells)).isFalse();
    assertThat(cells.widens(NetConfig.cpuLogMel())).isFalse();
    assertThat(cells.withCellChannels(List.of(8)).widens(cells)).isFalse();
    try (Graph a = new Graph();
        Graph b = new Graph()) {
      SpatialAlignmentNet plain = SpatialAlignmentNet.build(Ops.create(a), NetConfig.cpu());
      SpatialAlignmentNet head = SpatialAlignmentNet.build(Ops.create(b), cells);
      int t = cells.framesPerClip();
      int k = SpatialAlignmentNet.CELL_STEPS;
      long depth = 48; // the last visual layer's channels
      long audio = cells.audioFeatureSize();
      long cellCount = (long) cells.visualMapSize() * cells.visualMapSize();
      // visual, audio and position projections to 64 (each with a bias), 64 -> 32, 32 -> 1.
      long weights =
          (k * depth * 64 + 64) + (k * audio * 64 + 64) + (2 * 64 + 64) + (64 * 32 + 32) + (32 + 1);
      assertThat(head.parameterCount() - plain.parameterCount()).isEqualTo(weights);
      long flops =
          2L * t * cellCount * k * depth * 64
              + 2L * t * k * audio * 64
              + 2L * cellCount * 2 * 64
              + 2L * t * cellCount * 64 * 32
              + 2L * t * cellCount * 32;
      assertThat(head.flopsPerClip() - plain.flopsPerClip()).isEqualTo(flops);
    }
  }

  @Test
  void shouldStartAnsweringAsTheModelItWidensAndTrainOnlyTheHeadWhenFrozen(@TempDir Path dir) {
    ToyClipSupplier data = new ToyClipSupplier(TINY, 11);
    ClipBatch probe = data.next(6);
    Path prefix = dir.resolve("variables");
    float[] plain;
    try (TfTrainer trainer = TfTrainer.create(TINY)) {
      trainer.train(data.next(8), 6);
      plain = trainer.predict(probe);
      trainer.saveCheckpoint(prefix);
    }
    try (TfTrainer cells = TfTrainer.createFrozen(TINY_CELLS, TINY)) {
      assertThat(cells.frozen()).isEqualTo(TINY);
      cells.widenFrom(prefix, TINY);
      float[] widened = cells.predict(probe);
      for (int i = 0; i < plain.length; i++) {
        assertThat(widened[i]).as("clip %d", i).isCloseTo(plain[i], within(1e-6f));
      }
      Variable<TFloat32> visual = variable(cells, "visual_net/conv0/kernel");
      Variable<TFloat32> mean = variable(cells, "visual_net/conv0/bn/moving_mean");
      Variable<TFloat32> score = variable(cells, "fusion/cells/score/kernel");
      Variable<TFloat32> first = variable(cells, "fusion/cells/visual/kernel");
      float[] visualBefore = cells.fetch(visual, null);
      float[] meanBefore = cells.fetch(mean, null);
      float[] firstBefore = cells.fetch(first, null);
      assertThat(cells.fetch(score, null)).containsOnly(0f);
      cells.train(data.next(8), 4);
      // The inherited layers, statistics included, are where they were; the head has moved.
      assertThat(cells.fetch(visual, null)).containsExactly(visualBefore);
      assertThat(cells.fetch(mean, null)).containsExactly(meanBefore);
      assertThat(maxAbs(cells.fetch(score, null))).isPositive();
      assertThat(cells.fetch(first, null)).isNotEqualTo(firstBefore);
      assertThat(cells.predict(probe)).isNotEqualTo(widened);
    }
  }

  @Test
  void shouldRefuseToFreezeANetworkThatLeavesNothingToTrainOrIsNotInside() {
    assertThatThrownBy(() -> TfTrainer.createFrozen(TINY, TINY))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("has no layer a 'tiny' one lacks");
    assertThatThrownBy(() -> TfTrainer.createFrozen(TINY, TINY_CELLS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("a 'tiny' network does not extend a 'tiny-cells' one");
  }

  private static Variable<TFloat32> variable(TfTrainer trainer, String name) {
    return trainer.net().variables().stream()
        .filter(v -> v.op().name().equals(name))
        .findFirst()
        .orElseThrow();
  }

  private static float maxAbs(float[] values) {
    float max = 0;
    for (float v : values) {
      max = Math.max(max, Math.abs(v));
    }
    return max;
  }
}
