package io.earshot.training.train;

import io.earshot.training.model.NetConfig;
import java.nio.file.Path;

/**
 * One training run.
 *
 * @param config network configuration
 * @param out run directory: model/, checkpoints/, history.json, training-curve.png
 * @param epochs passes over the training clips
 * @param batchSize clips per step
 * @param seed seeds sampling, labels and mirroring (the network's initialisers use the config's)
 * @param warmupSteps linear learning-rate warm-up before the cosine decay
 * @param resume continue from the last checkpoint in {@code out}
 * @param learningRate peak learning rate of the schedule (the config's for a run from scratch)
 * @param initFrom a model of the same config to start from (fine-tuning), or null for fresh weights
 * @param freezeInherited train only the layers {@code initFrom}'s network lacks (e.g. a per-cell
 *     head added to a trained model); the others keep their values
 */
public record TrainingOptions(
    NetConfig config,
    Path out,
    int epochs,
    int batchSize,
    long seed,
    int warmupSteps,
    boolean resume,
    float learningRate,
    Path initFrom,
    boolean freezeInherited) {

  public TrainingOptions {
    if (epochs < 1) {
      throw new IllegalArgumentException("--epochs must be at least 1");
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("--batch must be at least 1");
    }
    if (!(learningRate > 0) || !Float.isFinite(learningRate)) {
      throw new IllegalArgumentException("--learning-rate must be a positive number");
    }
    if (freezeInherited && initFrom == null) {
      throw new IllegalArgumentException(
          "--freeze-inherited needs --init-from: the model whose layers stay as they are");
    }
  }

  /** A run that trains every layer. */
  public TrainingOptions(
      NetConfig config,
      Path out,
      int epochs,
      int batchSize,
      long seed,
      int warmupSteps,
      boolean resume,
      float learningRate,
      Path initFrom) {
    this(config, out, epochs, batchSize, seed, warmupSteps, resume, learningRate, initFrom, false);
  }
}
