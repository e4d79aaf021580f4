package io.earshot.cli;

import io.earshot.training.scene.SceneGenerator;
import io.earshot.training.scene.SceneSpec;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./earshot generate}: synthetic spatial audio-visual scenes with ground truth. */
@Command(
    name = "generate",
    mixinStandardHelpOptions = true,
    description =
        "Generate spatial audio-visual scenes (H.264 + stereo AAC) with a ground-truth JSON per"
            + " video, for training, tests and tracking evaluation.")
final class GenerateCommand implements Callable<Integer> {

  @Option(names = "--out", required = true, description = "Output directory.")
  Path out;

  @Option(names = "--count", required = true, description = "Number of videos.")
  int count;

  @Option(
      names = "--seconds",
      defaultValue = "8",
      description = "Length of each video (default ${DEFAULT-VALUE}).")
  double seconds;

  @Option(
      names = "--seed",
      defaultValue = "1",
      description = "Seed; same seed, same scenes (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--hrtf",
      description = "Spatialise with this SOFA HRTF file instead of the spherical-head model.")
  Path hrtf;

  @Option(names = "--threads", description = "Worker threads (default: available cores).")
  Integer threads;

  /** Generates scenes with a progress bar on stderr; shared by generate, train and evaluate. */
  static void generateWithProgress(
      SceneGenerator generator, Path out, int count, long seed, int workers) {
    try (ProgressBar bar =
        new ProgressBarBuilder()
            .setTaskName("generate")
            .setInitialMax(count)
            .setStyle(ProgressBarStyle.ASCII)
            .setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(System.err))
            .setUnit(" videos", 1)
            .showSpeed()
            .build()) {
      generator.generateAll(out, count, seed, workers, bar::stepTo);
    }
  }

  @Override
  public Integer call() {
    if (count < 1) {
      throw new IllegalArgumentException("--count must be at least 1");
    }
    SceneSpec spec = SceneSpec.defaults().withSeconds(seconds).withHrtf(hrtf);
    SceneGenerator generator = new SceneGenerator(spec, seed);
    int workers = threads != null ? threads : Runtime.getRuntime().availableProcessors();
    long start = System.nanoTime();
    generateWithProgress(generator, out, count, seed, workers);
    double wall = (System.nanoTime() - start) / 1e9;
    System.out.printf(
        "generated %d scenes of %.1f s into %s in %.1f s: %.2f videos/s, %.1f media-seconds/s"
            + " (%d threads; audio: %s; speech: %s)%n",
        count,
        seconds,
        out,
        wall,
        count / wall,
        count * seconds / wall,
        workers,
        generator.spatializerName(),
        generator.realSpeech() ? "espeak-ng" : "formant babble");
    return 0;
  }
}
