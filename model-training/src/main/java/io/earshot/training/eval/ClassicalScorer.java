package io.earshot.training.eval;

import io.earshot.domain.ClassicalFlipDetector;
import io.earshot.training.data.Clip;
import java.util.List;

/** The no-learning baseline: interaural cues against the moving or salient object's position. */
public final class ClassicalScorer implements FlipScorer {

  @Override
  public String name() {
    return "classical (ILD + ITD vs motion/salience)";
  }

  @Override
  public double[] score(List<Clip> clips) {
    double[] out = new double[clips.size()];
    for (int i = 0; i < clips.size(); i++) {
      Clip c = clips.get(i);
      ClassicalFlipDetector detector =
          new ClassicalFlipDetector(c.spec().sampleRate(), c.spec().fps());
      out[i] =
          detector
              .score(c.rgb(), c.spec().frames(), c.spec().height(), c.spec().width(), c.audio())
              .flipProbability();
    }
    return out;
  }
}
