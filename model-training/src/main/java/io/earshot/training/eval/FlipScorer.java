package io.earshot.training.eval;

import io.earshot.training.data.Clip;
import java.util.List;

/** Anything that gives a flip probability per clip: the network or a baseline. */
public interface FlipScorer extends AutoCloseable {

  String name();

  /** The clip shape this scorer needs, or null when any shape works (baselines). */
  default io.earshot.training.data.ClipSpec clipSpec() {
    return null;
  }

  /** Probability that each clip's channels are swapped, in order. */
  double[] score(List<Clip> clips);

  @Override
  default void close() {}
}
