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
 * @param averageFrom 0 for the usual schedule (warm-up, cosine decay) and the best epoch's weights;
 *     or the first epoch (1-based) whose weights are averaged (stochastic weight averaging): the
 *     rate stays at its peak after the warm-up, the weights are sampled {@value
 *     #AVERAGE_SAMPLES_PER_EPOCH} times per epoch from that epoch on, and the model is their mean
 *     with batch-norm statistics recomputed for it
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
    boolean freezeInherited,
    int averageFrom) {

  /** Weight samples per epoch of a run that averages weights. */
  public static final int AVERAGE_SAMPLES_PER_EPOCH = 4;

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
    if (averageFrom < 0 || averageFrom > epochs) {
      throw new IllegalArgumentException(
          "--average-from must be an epoch from 1 to --epochs ("
              + epochs
              + "), or 0 for no averaging; got "
              + averageFrom);
    }
  }

  /** A run without weight averaging. */
  public TrainingOptions(
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
    this(
        config,
        out,
        epochs,
        batchSize,
        seed,
        warmupSteps,
        resume,
        learningRate,
        initFrom,
        freezeInherited,
        0);
  }

  /** True if the run averages its weights from epoch {@link #averageFrom} on. */
  public boolean averages() {
    return averageFrom > 0;
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
