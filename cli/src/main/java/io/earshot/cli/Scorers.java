package io.earshot.cli;

import io.earshot.training.eval.ClassicalScorer;
import io.earshot.training.eval.FlipScorer;
import java.nio.file.Files;
import java.nio.file.Path;

/** Opens a scorer by name: "classical" for the baseline, otherwise a model directory. */
final class Scorers {

  static final String CLASSICAL = "classical";

  private Scorers() {}

  static FlipScorer open(String model) {
    if (CLASSICAL.equals(model)) {
      return new ClassicalScorer();
    }
    Path dir = Path.of(model);
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException(
          "--model must be a model directory (from ./earshot train) or 'classical', got " + model);
    }
    return ModelScorers.open(dir);
  }
}
