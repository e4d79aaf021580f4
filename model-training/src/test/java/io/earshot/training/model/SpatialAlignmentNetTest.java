package io.earshot.training.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.Graph;
import org.tensorflow.op.Ops;

class SpatialAlignmentNetTest {

  private static final Logger LOG = LoggerFactory.getLogger(SpatialAlignmentNetTest.class);

  @Test
  void shouldProduceOneProbabilityAndPerFrameEmbeddingsPerClipWhenRun() {
    NetConfig config = NetConfig.tiny();
    ClipBatch batch = new ToyClipSupplier(config, 2).next(3);
    try (TfTrainer trainer = TfTrainer.create(config)) {
      float[] probabilities = trainer.predict(batch);
      assertThat(probabilities).hasSize(3);
      for (float p : probabilities) {
        assertThat(p).isBetween(0f, 1f);
      }
      assertThat(trainer.fetch(trainer.net().visualEmbedding(), batch))
          .hasSize(3 * config.framesPerClip() * config.visualFeatureSize());
      assertThat(trainer.fetch(trainer.net().audioEmbedding(), batch))
          .hasSize(3 * config.framesPerClip() * config.audioFeatureSize());
    }
  }

  @Test
  void shouldScoreAClipTheSameWhenAloneOrInABatchAfterTraining() {
    // Batch normalisation uses batch statistics only while training; inference must not let the
    // other clips of a batch change a clip's score.
    NetConfig config = NetConfig.tiny();
    ToyClipSupplier data = new ToyClipSupplier(config, 4);
    ClipBatch batch = data.next(4);
    try (TfTrainer trainer = TfTrainer.create(config)) {
      trainer.train(data.next(8), 5);
      float[] together = trainer.predict(batch);
      ClipBatch first = firstClip(config, batch);
      float[] alone = trainer.predict(first);
      assertThat(alone[0]).isCloseTo(together[0], within(1e-5f));
    }
  }

  @Test
  void shouldFeedTheInterauralPhaseToTheAudioStreamOfCpuAndPaperButNotCpuLogMel() {
    assertThat(NetConfig.cpu().audioFeatureChannels()).isEqualTo(4);
    assertThat(NetConfig.paper().audioFeatureChannels()).isEqualTo(4);
    assertThat(NetConfig.tiny().audioFeatureChannels()).isEqualTo(4);
    NetConfig logMel = NetConfig.byName("cpu-logmel");
    assertThat(logMel.audioFeatureChannels()).isEqualTo(2);
    // The same network otherwise, and the same PCM input contract (stereo).
    assertThat(logMel.withName("cpu").withFrontEnd(NetConfig.cpu().frontEnd()))
        .isEqualTo(NetConfig.cpu());
    assertThat(NetConfig.cpu().inputAudioChannels()).isEqualTo(2);
    try (Graph graph = new Graph()) {
      SpatialAlignmentNet withPhase = SpatialAlignmentNet.build(Ops.create(graph), NetConfig.cpu());
      try (Graph other = new Graph()) {
        SpatialAlignmentNet without = SpatialAlignmentNet.build(Ops.create(other), logMel);
        // Only the input batch norm (2 more channels) and the stem (2 x 9 x 16 more weights) grow.
        assertThat(withPhase.parameterCount() - without.parameterCount())
            .isEqualTo(2 * 2 + 2 * 9 * 16);
        assertThat(withPhase.flopsPerClip()).isGreaterThan(without.flopsPerClip());
      }
    }
  }

  @Test
  void shouldFeedTheGccPhatAsOneMoreAudioChannelOfCpuGccAndCountItsFlops() {
    NetConfig gcc = NetConfig.byName("cpu-gcc");
    assertThat(gcc.audioFeatureChannels()).isEqualTo(5);
    assertThat(gcc.inputAudioChannels()).isEqualTo(2);
    // The same network otherwise; not a widening of cpu (the stem's input changes).
    assertThat(gcc.withName("cpu").withFrontEnd(NetConfig.cpu().frontEnd()))
        .isEqualTo(NetConfig.cpu());
    assertThat(gcc.widens(NetConfig.cpu())).isFalse();
    var fe = gcc.frontEnd();
    try (Graph graph = new Graph()) {
      SpatialAlignmentNet with = SpatialAlignmentNet.build(Ops.create(graph), gcc);
      try (Graph other = new Graph()) {
        SpatialAlignmentNet without = SpatialAlignmentNet.build(Ops.create(other), NetConfig.cpu());
        // One more input batch-norm channel and 9 x 16 more stem weights.
        assertThat(with.parameterCount() - without.parameterCount()).isEqualTo(2 + 9 * 16);
        // The [2K, lags] correlation per spectrogram frame, plus the stem's extra input channel.
        long gccFlops = 2L * gcc.spectrogramFrames() * 2 * fe.frequencyBins() * fe.melBins();
        assertThat(with.flopsPerClip() - without.flopsPerClip()).isGreaterThan(gccFlops);
        assertThat(with.flopsPerClip() - without.flopsPerClip())
            .isLessThan(gccFlops + gccFlops / 2);
      }
    }
  }

  @Test
  void shouldDoubleOnlyTheVisualChannelsAndCountTheirCostWhenUsingCpuWide() {
    NetConfig cpu = NetConfig.cpu();
    NetConfig wide = NetConfig.byName("cpu-wide");
    assertThat(wide.visualChannels()).containsExactly(32, 64, 64, 96);
    assertThat(wide.withName("cpu").withVisualChannels(cpu.visualChannels())).isEqualTo(cpu);
    assertThat(wide.visualMapSize()).isEqualTo(4);
    assertThat(wide.visualFeatureSize()).isEqualTo(4 * 4 * 96);
    try (Graph graph = new Graph();
        Graph other = new Graph()) {
      SpatialAlignmentNet net = SpatialAlignmentNet.build(Ops.create(graph), wide);
      SpatialAlignmentNet base = SpatialAlignmentNet.build(Ops.create(other), cpu);
      assertThat(net.visualEmbedding().shape().asArray()).containsExactly(-1, 18, 4 * 4 * 96);
      // 3x3 stride-2 convolutions on 64x64 frames: outputs 32, 16, 8 and 4 pixels wide.
      int[] sides = {32, 16, 8, 4};
      long visualWide = visualFlops(sides, 3, wide.visualChannels());
      long visualCpu = visualFlops(sides, 3, cpu.visualChannels());
      // Per frame, times 18 frames, plus the first fusion layer's 768 more inputs per time step.
      long fusionInputs = wide.visualFeatureSize() - cpu.visualFeatureSize();
      long expected = 18 * (visualWide - visualCpu) + 2L * 18 * fusionInputs * 128;
      assertThat(net.flopsPerClip() - base.flopsPerClip()).isEqualTo(expected);
      // Kernels plus a batch-norm scale and offset per channel, and the fusion's wider kernel.
      long params = 0;
      int in = 3;
      int inBase = 3;
      for (int i = 0; i < 4; i++) {
        int c = wide.visualChannels().get(i);
        int cBase = cpu.visualChannels().get(i);
        params += 9L * in * c + 2L * c - (9L * inBase * cBase + 2L * cBase);
        in = c;
        inBase = cBase;
      }
      params += fusionInputs * 128;
      assertThat(net.parameterCount() - base.parameterCount()).isEqualTo(params);
    }
  }

  private static long visualFlops(int[] sides, int inChannels, List<Integer> channels) {
    long total = 0;
    int in = inChannels;
    for (int i = 0; i < sides.length; i++) {
      total += 2L * sides[i] * sides[i] * 9 * in * channels.get(i);
      in = channels.get(i);
    }
    return total;
  }

  @Test
  void shouldDeriveThePapersClipGeometryWhenUsingThePaperConfig() {
    NetConfig paper = NetConfig.paper();
    assertThat(paper.framesPerClip()).isEqualTo(18);
    assertThat(paper.samplesPerClip()).isEqualTo(48_000);
    assertThat(paper.spectrogramFrames()).isEqualTo(297);
    assertThat(paper.audioTimeSteps()).isGreaterThanOrEqualTo(paper.framesPerClip());
    assertThat(paper.visualMapSize()).isEqualTo(8);
    assertThat(paper.visualFeatureSize()).isEqualTo(8 * 8 * 512);
  }

  @Test
  void shouldKeepCpusStreamsAndFlattenASixBySixMapWhenFramesAre96Pixels() {
    NetConfig cpu = NetConfig.cpu();
    NetConfig big = NetConfig.byName("cpu-96");
    assertThat(big.frameSize()).isEqualTo(96);
    assertThat(big.visualMapSize()).isEqualTo(6);
    assertThat(big.visualFeatureSize()).isEqualTo(6 * 6 * 48);
    assertThat(big.audioFeatureSize()).isEqualTo(cpu.audioFeatureSize());
    assertThat(big.framesPerClip()).isEqualTo(cpu.framesPerClip());
    try (Graph graph = new Graph()) {
      SpatialAlignmentNet net = SpatialAlignmentNet.build(Ops.create(graph), big);
      assertThat(net.visualEmbedding().shape().asArray()).containsExactly(-1, 18, 6 * 6 * 48);
      assertThat(net.flipProbability().shape().asArray()).containsExactly(-1);
    }
  }

  @Test
  void shouldBuildPaperSizedGraphWhenUsingThePaperConfig() {
    // Building adds ops only; no variable is initialised, so this is cheap.
    try (Graph graph = new Graph()) {
      SpatialAlignmentNet net = SpatialAlignmentNet.build(Ops.create(graph), NetConfig.paper());
      LOG.info("paper-sized prototype: {} trainable parameters", net.parameterCount());
      assertThat(net.flipProbability().shape().asArray()).containsExactly(-1);
      assertThat(net.visualEmbedding().shape().asArray()).containsExactly(-1, 18, 32_768);
      assertThat(net.parameterCount()).isGreaterThan(10_000_000);
    }
  }

  @Test
  void shouldRejectConfigWhenAudioStreamIsTooCoarseForTheFrameRate() {
    NetConfig cpu = NetConfig.tiny();
    assertThatThrownBy(
            () ->
                new NetConfig(
                    "bad",
                    32,
                    1.0,
                    30.0,
                    2,
                    cpu.frontEnd(),
                    cpu.visualChannels(),
                    List.of(8, 8, 8, 8),
                    4,
                    cpu.fusionChannels(),
                    1,
                    0.01f,
                    0.9f,
                    0f,
                    0.9f,
                    1L))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("time steps");
  }

  private static ClipBatch firstClip(NetConfig config, ClipBatch batch) {
    int frameBytes = config.framesPerClip() * config.frameSize() * config.frameSize() * 3;
    int audioFloats = config.samplesPerClip() * config.inputAudioChannels();
    byte[] frames = java.util.Arrays.copyOf(batch.frames(), frameBytes);
    float[] audio = java.util.Arrays.copyOf(batch.audio(), audioFloats);
    return new ClipBatch(1, frames, audio, new float[] {batch.labels()[0]});
  }
}
