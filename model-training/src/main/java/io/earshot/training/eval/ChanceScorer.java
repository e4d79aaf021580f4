package io.earshot.training.eval;

import io.earshot.training.data.Clip;
import java.util.List;
import java.util.Random;

/** Chance: a seeded coin per clip. The floor every detector must clear. */
public final class ChanceScorer implements FlipScorer {

  private final Random random;

  public ChanceScorer(long seed) {
    this.random = new Random(seed);
  }

  @Override
  public String name() {
    return "chance";
  }

  @Override
  public double[] score(List<Clip> clips) {
    double[] out = new double[clips.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = random.nextDouble();
    }
    return out;
  }
}
