package io.earshot.training.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;

class WidenFusionTest {

  private static final NetConfig TINY = NetConfig.tiny();
  private static final NetConfig TINY_T3 = TINY.withName("tiny-t3").withFusionSteps(3);

  @Test
  void shouldWidenOnlyAlongTheFusionsTimeSteps() {
    assertThat(NetConfig.byName("cpu-t3").widens(NetConfig.cpu())).isTrue();
    assertThat(NetConfig.cpu().widens(NetConfig.cpu())).isTrue();
    // Narrowing would drop weights; another frame size or front end changes other layers.
    assertThat(NetConfig.cpu().widens(NetConfig.byName("cpu-t3"))).isFalse();
    assertThat(NetConfig.byName("cpu-96").widens(NetConfig.cpu())).isFalse();
    assertThat(NetConfig.byName("cpu-t3").widens(NetConfig.cpuLogMel())).isFalse();
    assertThatThrownBy(() -> NetConfig.cpu().withFusionSteps(2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("fusionSteps");
  }

  @Test
  void shouldGiveTheFusionKernelsThreeTimeStepsAndCountTheirFlops() {
    try (Graph one = new Graph();
        Graph three = new Graph()) {
      SpatialAlignmentNet narrow = SpatialAlignmentNet.build(Ops.create(one), NetConfig.cpu());
      SpatialAlignmentNet wide =
          SpatialAlignmentNet.build(Ops.create(three), NetConfig.byName("cpu-t3"));
      long fusionWeights = 0;
      var channels = NetConfig.cpu().fusionChannels();
      long in = NetConfig.cpu().visualFeatureSize() + NetConfig.cpu().audioFeatureSize();
      for (int c : channels) {
        fusionWeights += in * c;
        in = c;
      }
      // Two more time steps of every fusion kernel, nothing else.
      assertThat(wide.parameterCount() - narrow.parameterCount()).isEqualTo(2 * fusionWeights);
      assertThat(wide.flopsPerClip() - narrow.flopsPerClip())
          .isEqualTo(2 * 2 * fusionWeights * NetConfig.cpu().framesPerClip());
    }
  }

  @Test
  void shouldScoreEveryClipAsTheNarrowModelDidWhenWidenedAndThenLearnOverTime(@TempDir Path dir) {
    ToyClipSupplier data = new ToyClipSupplier(TINY, 7);
    ClipBatch probe = data.next(6);
    Path prefix = dir.resolve("variables");
    float[] narrow;
    try (TfTrainer trainer = TfTrainer.create(TINY)) {
      trainer.train(data.next(8), 6);
      narrow = trainer.predict(probe);
      trainer.saveCheckpoint(prefix);
    }
    try (TfTrainer wide = TfTrainer.create(TINY_T3)) {
      float[] fresh = wide.predict(probe);
      wide.widenFrom(prefix, TINY);
      float[] widened = wide.predict(probe);
      for (int i = 0; i < narrow.length; i++) {
        assertThat(widened[i]).as("clip %d", i).isCloseTo(narrow[i], within(1e-5f));
      }
      assertThat(fresh).isNotEqualTo(widened);
      // The new time steps start at zero and are trained: the widened net learns across steps.
      var kernel = kernel(wide, "fusion/conv0/kernel");
      float[] before = wide.fetch(kernel, null);
      long perStep = kernel.shape().get(2) * kernel.shape().get(3);
      assertThat(maxAbs(before, 0, perStep)).isZero();
      assertThat(maxAbs(before, perStep, 2 * perStep)).isPositive();
      wide.train(data.next(8), 3);
      float[] after = wide.fetch(kernel, null);
      assertThat(maxAbs(after, 0, perStep)).isPositive();
      assertThat(maxAbs(after, 2 * perStep, 3 * perStep)).isPositive();
    }
  }

  @Test
  void shouldRefuseToWidenIntoAnotherNetworkAndNameTheMismatch(@TempDir Path dir) {
    Path prefix = dir.resolve("variables");
    try (TfTrainer wide = TfTrainer.create(TINY_T3)) {
      wide.saveCheckpoint(prefix);
    }
    try (TfTrainer narrow = TfTrainer.create(TINY)) {
      assertThatThrownBy(() -> narrow.widenFrom(prefix, TINY_T3))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'tiny' network cannot start from a 'tiny-t3' model");
    }
    assertThatThrownBy(
            () ->
                TfTrainer.widen(
                    "x/kernel", new float[8], Shape.of(2, 2, 1, 2), Shape.of(4, 2, 1, 2)))
        .hasMessageContaining("x/kernel is [2, 2, 1, 2], cannot widen into [4, 2, 1, 2]");
    float[] centred =
        TfTrainer.widen("k", new float[] {1, 2}, Shape.of(1, 1, 1, 2), Shape.of(3, 1, 1, 2));
    assertThat(centred).containsExactly(0, 0, 1, 2, 0, 0);
  }

  private static org.tensorflow.op.core.Variable<org.tensorflow.types.TFloat32> kernel(
      TfTrainer trainer, String name) {
    return trainer.net().kernels().stream()
        .filter(v -> v.op().name().equals(name))
        .findFirst()
        .orElseThrow();
  }

  private static float maxAbs(float[] values, long from, long to) {
    float max = 0;
    for (long i = from; i < to; i++) {
      max = Math.max(max, Math.abs(values[(int) i]));
    }
    return max;
  }
}
