package io.earshot.cli;

import io.earshot.training.eval.FlipScorer;
import java.nio.file.Path;

/** Opens a trained model directory as a scorer. */
final class ModelScorers {

  private ModelScorers() {}

  static FlipScorer open(Path dir) {
    throw new IllegalArgumentException(
        dir
            + ": scoring with a trained network needs the TensorFlow runtime, which is not built"
            + " yet; use --model classical for the baseline detector");
  }
}
