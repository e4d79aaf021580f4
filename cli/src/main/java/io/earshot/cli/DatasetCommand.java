package io.earshot.cli;

import io.earshot.training.data.ClipDataset;
import io.earshot.training.data.ClipSpec;
import io.earshot.training.data.DatasetConfig;
import io.earshot.training.data.Split;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./earshot dataset}: read a video directory as training clips and report. */
@Command(
    name = "dataset",
    mixinStandardHelpOptions = true,
    description =
        "Read a directory of your videos as self-supervised flip-task clips: splits, labels,"
            + " skipped files with reasons, and reader throughput.")
final class DatasetCommand implements Callable<Integer> {

  @Option(
      names = "--videos",
      required = true,
      description = "Directory of videos (searched recursively).")
  Path videos;

  @Option(names = "--report", description = "Also write the report as JSON here.")
  Path report;

  @Option(
      names = "--seed",
      defaultValue = "1",
      description = "Seed for splits, labels, augmentation.")
  long seed;

  @Option(
      names = "--clip-seconds",
      defaultValue = "3",
      description = "Clip length (default ${DEFAULT-VALUE}).")
  double clipSeconds;

  @Option(
      names = "--fps",
      defaultValue = "6",
      description = "Frames per second (default ${DEFAULT-VALUE}).")
  double fps;

  @Option(
      names = "--size",
      defaultValue = "112",
      description = "Frame width and height (default ${DEFAULT-VALUE}).")
  int size;

  @Override
  public Integer call() {
    DatasetConfig config =
        DatasetConfig.defaults()
            .withSeed(seed)
            .withClip(new ClipSpec(clipSeconds, fps, size, size, 16_000));
    ClipDataset dataset = ClipDataset.open(videos, config);
    AtomicInteger clips = new AtomicInteger();
    AtomicInteger files = new AtomicInteger();
    long start = System.nanoTime();
    try (ProgressBar bar =
        new ProgressBarBuilder()
            .setTaskName("read")
            .setInitialMax(dataset.videos().size())
            .setStyle(ProgressBarStyle.ASCII)
            .setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(System.err))
            .setUnit(" videos", 1)
            .build()) {
      for (Split split : Split.values()) {
        dataset.forEach(
            split,
            0,
            c -> {
              clips.incrementAndGet();
              bar.setExtraMessage(" " + clips.get() + " clips");
            },
            n -> bar.stepTo(files.incrementAndGet()));
      }
    }
    double wall = (System.nanoTime() - start) / 1e9;
    System.out.print(dataset.report().table());
    System.out.printf(
        "read %d clips (%.0f s, %.0f fps, %dx%d) from %d videos in %.1f s: %.1f clips/s%n",
        clips.get(),
        clipSeconds,
        fps,
        size,
        size,
        dataset.videos().size(),
        wall,
        clips.get() / wall);
    if (report != null) {
      dataset.report().write(report);
      System.out.println("report written to " + report);
    }
    return 0;
  }
}
