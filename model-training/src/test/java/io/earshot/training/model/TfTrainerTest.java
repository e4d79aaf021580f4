package io.earshot.training.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class TfTrainerTest {

  private static final Logger LOG = LoggerFactory.getLogger(TfTrainerTest.class);
  private static final int BATCH = 16;
  private static final int STEPS = 150;

  @Test
  void shouldTellSwappedChannelsWellAboveChanceWhenTrainedOnToyClips() {
    // Given a fresh batch of toy clips per step: the label is independent of the square's side and
    // of which channel is louder taken alone, so only audio-visual agreement predicts it.
    NetConfig config = NetConfig.tiny();
    ToyClipSupplier data = new ToyClipSupplier(config, 1);
    ClipBatch heldOut = new ToyClipSupplier(config, 99).next(64);
    float[] losses = new float[STEPS];
    try (TfTrainer trainer = TfTrainer.create(config)) {
      double before = accuracy(trainer.predict(heldOut), heldOut.labels());

      // When
      long start = System.nanoTime();
      for (int i = 0; i < STEPS; i++) {
        losses[i] = trainer.step(data.next(BATCH), config.learningRate());
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      double after = accuracy(trainer.predict(heldOut), heldOut.labels());

      // Then
      double firstLoss = mean(losses, 0, 20);
      double lastLoss = mean(losses, STEPS - 20, STEPS);
      LOG.info(
          "{} steps of {} clips in {} s; mean loss first 20 steps {}, last 20 {}; held-out"
              + " accuracy {} before, {} after",
          STEPS,
          BATCH,
          String.format("%.1f", seconds),
          String.format("%.3f", firstLoss),
          String.format("%.3f", lastLoss),
          before,
          after);
      // Measured: loss 0.66 -> 0.10, held-out accuracy 1.0 (64 clips) after 150 steps in ~11 s.
      assertThat(lastLoss).isLessThan(firstLoss / 3);
      assertThat(after).isGreaterThanOrEqualTo(0.9);
    }
  }

  @Test
  void shouldSetBatchNormStatisticsToTheMeanOverBatchesAndLeaveTheWeights() {
    // Given a trainer a few steps in, so its moving statistics are those of its last batches
    NetConfig config = NetConfig.tiny();
    ToyClipSupplier data = new ToyClipSupplier(config, 7);
    ClipBatch a = data.next(8);
    ClipBatch b = data.next(8);
    try (TfTrainer trainer = TfTrainer.create(config)) {
      for (int i = 0; i < 5; i++) {
        trainer.step(data.next(8), config.learningRate());
      }
      var statistics = trainer.net().statistics();
      float[][] weights = trainer.values(trainer.net().trainable());
      float[][] trained = trainer.values(statistics);

      // When the statistics are computed from batch a, from b, then from both
      assertThat(trainer.preciseStatistics(List.of(a))).isEqualTo(1);
      float[][] onA = trainer.values(statistics);
      float[] predictedOnA = trainer.predict(a);
      trainer.preciseStatistics(List.of(b));
      float[][] onB = trainer.values(statistics);
      assertThat(trainer.preciseStatistics(List.of(a, b))).isEqualTo(2);
      float[][] onBoth = trainer.values(statistics);

      // Then each moving mean and variance is the mean of the two batches' own
      assertThat(statistics).hasSizeGreaterThan(2);
      double spread = 0;
      double changed = 0;
      for (int i = 0; i < onBoth.length; i++) {
        for (int k = 0; k < onBoth[i].length; k++) {
          double mean = (onA[i][k] + onB[i][k]) / 2.0;
          assertThat((double) onBoth[i][k])
              .isCloseTo(mean, org.assertj.core.data.Offset.offset(1e-5 * (1 + Math.abs(mean))));
          spread = Math.max(spread, Math.abs(onA[i][k] - onB[i][k]));
          changed = Math.max(changed, Math.abs(onA[i][k] - trained[i][k]));
        }
      }
      assertThat(spread).as("the two batches' statistics differ").isGreaterThan(1e-3);
      assertThat(changed).as("they replace the trained moving averages").isGreaterThan(1e-3);
      // The inference branch reads them; no weight moved.
      assertThat(trainer.predict(a)).isNotEqualTo(predictedOnA);
      assertThat(trainer.values(trainer.net().trainable())).isDeepEqualTo(weights);
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> trainer.preciseStatistics(List.of()))
          .hasMessageContaining("no batches");
    }
  }

  @Test
  void shouldAssignVariablesAndRefuseValuesOfTheWrongSize() {
    NetConfig config = NetConfig.tiny();
    try (TfTrainer trainer = TfTrainer.create(config)) {
      var kernels = trainer.net().kernels();
      float[][] values = trainer.values(kernels);
      float[][] halved = new float[values.length][];
      for (int i = 0; i < values.length; i++) {
        halved[i] = values[i].clone();
        for (int k = 0; k < halved[i].length; k++) {
          halved[i][k] /= 2;
        }
      }
      trainer.assign(kernels, halved);
      assertThat(trainer.values(kernels)).isDeepEqualTo(halved);
      // And back, through the same assign ops.
      trainer.assign(kernels, values);
      assertThat(trainer.values(kernels)).isDeepEqualTo(values);

      float[][] wrong = values.clone();
      wrong[0] = new float[values[0].length + 1];
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> trainer.assign(kernels, wrong))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(kernels.get(0).op().name())
          .hasMessageContaining("not " + (values[0].length + 1));
    }
  }

  @Test
  void shouldFitAFixedBatchWhenTrainedForNSteps() {
    NetConfig config = NetConfig.tiny();
    ClipBatch batch = new ToyClipSupplier(config, 5).next(8);
    try (TfTrainer trainer = TfTrainer.create(config)) {
      List<Float> losses = trainer.train(batch, 30);
      assertThat(losses).hasSize(30);
      assertThat(losses.get(29)).isLessThan(losses.get(0) / 2);
    }
  }

  @Test
  void shouldLeaveWeightsUnchangedWhenTheFedLearningRateIsZero() {
    // Given a trainer that has taken one real step (so momentum is non-zero)
    NetConfig config = NetConfig.tiny();
    ClipBatch batch = new ToyClipSupplier(config, 3).next(4);
    try (TfTrainer trainer = TfTrainer.create(config)) {
      var kernel = trainer.net().kernels().get(0);
      trainer.step(batch, 0.01f);
      float[] before = trainer.fetch(kernel, null);

      // When a schedule feeds 0
      trainer.step(batch, 0f);
      float[] frozen = trainer.fetch(kernel, null);
      trainer.step(batch, 0.01f);
      float[] moved = trainer.fetch(kernel, null);

      // Then the placeholder really drives the update
      assertThat(frozen).containsExactly(before);
      assertThat(moved).isNotEqualTo(before);
    }
  }

  private static double accuracy(float[] probabilities, float[] labels) {
    int correct = 0;
    for (int i = 0; i < probabilities.length; i++) {
      if ((probabilities[i] > 0.5f) == (labels[i] > 0.5f)) {
        correct++;
      }
    }
    return (double) correct / probabilities.length;
  }

  private static double mean(float[] values, int from, int to) {
    double sum = 0;
    for (int i = from; i < to; i++) {
      sum += values[i];
    }
    return sum / (to - from);
  }
}
