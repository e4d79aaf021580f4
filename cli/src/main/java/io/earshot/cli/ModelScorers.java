package io.earshot.cli;

import io.earshot.training.eval.FlipScorer;
import io.earshot.training.eval.SavedModelScorer;
import java.nio.file.Path;

/** Opens a trained model directory as a scorer. */
final class ModelScorers {

  private ModelScorers() {}

  static FlipScorer open(Path dir) {
    return SavedModelScorer.load(dir);
  }
}
