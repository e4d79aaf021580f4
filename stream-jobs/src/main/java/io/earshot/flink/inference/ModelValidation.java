package io.earshot.flink.inference;

import io.earshot.training.data.Clip;
import io.earshot.training.data.ClipSpec;
import io.earshot.training.data.Split;
import io.earshot.training.data.VideoClips;
import io.earshot.training.eval.FlipScorer;
import io.earshot.training.scene.SceneGenerator;
import io.earshot.training.scene.SceneSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Built-in check a new model must pass before it serves: clips of a generated scene with one
 * sounding object, as recorded and with the channels swapped, must score on the right sides of 0.5
 * on average. Catches models trained on the wrong task, with broken weights, or fed the wrong input
 * layout.
 */
public final class ModelValidation {

  private ModelValidation() {}

  /** Aligned clips and their swapped twins for a clip shape. */
  public static List<Clip> clips(ClipSpec spec) {
    Path dir = null;
    try {
      dir = Files.createTempDirectory("earshot-validation-");
      SceneGenerator.Generated scene =
          new SceneGenerator(
                  SceneSpec.defaults().withSeconds(spec.seconds() + 3).singleDrySource(), 77)
              .generate(dir, "validation", 77);
      List<Clip> aligned = new ArrayList<>();
      VideoClips.forEach(
          scene.video(),
          spec,
          1.0,
          1e-3,
          c -> {
            if (c.audio() != null) {
              aligned.add(c);
            }
          });
      List<Clip> out = new ArrayList<>();
      for (Clip c : aligned) {
        out.add(c);
        float[] swapped = io.earshot.domain.Pcm.swapLeftRight(c.audio());
        out.add(
            new Clip(
                c.videoId(),
                c.index(),
                c.startSeconds(),
                Split.TEST,
                true,
                false,
                spec,
                c.rgb(),
                swapped));
      }
      return out;
    } catch (Exception e) {
      throw new IllegalStateException(
          "cannot build the model validation clips: " + e.getMessage(), e);
    } finally {
      if (dir != null) {
        try (Stream<Path> files = Files.walk(dir)) {
          files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (Exception ignored) {
          // temp dir
        }
      }
    }
  }

  /** Null when the scorer passes, else the reason it fails. */
  public static String check(FlipScorer scorer, List<Clip> clips) {
    double[] p = scorer.score(clips);
    double aligned = 0;
    double swapped = 0;
    int n = 0;
    for (int i = 0; i < clips.size(); i++) {
      if (clips.get(i).swapped()) {
        swapped += p[i];
      } else {
        aligned += p[i];
        n++;
      }
    }
    aligned /= Math.max(1, n);
    swapped /= Math.max(1, clips.size() - n);
    if (!(aligned < 0.5 && swapped >= 0.5)) {
      return String.format(
          "validation failed: mean flip probability %.2f on aligned clips (must be < 0.5) and %.2f on swapped clips (must be >= 0.5)",
          aligned, swapped);
    }
    return null;
  }
}
