package io.earshot.cli;

import io.earshot.training.data.Clip;
import io.earshot.training.data.ClipSpec;
import io.earshot.training.data.UnusableVideoException;
import io.earshot.training.data.VideoClips;
import io.earshot.training.eval.FlipScorer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ./earshot score}: flip probability per sliding clip of one video, no Kafka. */
@Command(
    name = "score",
    mixinStandardHelpOptions = true,
    description =
        "Score a whole video in sliding clips without Kafka: one JSON line per clip with its flip"
            + " probability, then a summary line.")
final class ScoreCommand implements Callable<Integer> {

  @Option(
      names = "--model",
      required = true,
      description = "Model directory, or 'classical' for the no-learning baseline.")
  String model;

  @Parameters(index = "0", paramLabel = "<video>", description = "Video file.")
  Path video;

  @Option(
      names = "--hop",
      defaultValue = "1.0",
      description = "Seconds between clip starts (default ${DEFAULT-VALUE}).")
  double hop;

  @Option(
      names = "--size",
      defaultValue = "112",
      description = "Frame size for the classical detector (default ${DEFAULT-VALUE}).")
  int size;

  @Override
  public Integer call() throws Exception {
    if (!Files.isRegularFile(video)) {
      System.err.println("earshot: video not found: " + video);
      return EarshotCli.EXIT_BAD_INPUT;
    }
    try (FlipScorer scorer = Scorers.open(model)) {
      ClipSpec spec = specFor(scorer);
      List<Clip> clips = new ArrayList<>();
      VideoClips.Summary summary;
      try {
        summary = VideoClips.forEach(video, spec, hop, 1e-3, clips::add);
      } catch (UnusableVideoException e) {
        System.err.println("earshot: cannot score " + video + ": " + e.getMessage());
        return EarshotCli.EXIT_BAD_INPUT;
      }
      List<Clip> audible = clips.stream().filter(c -> c.audio() != null).toList();
      if (audible.isEmpty()) {
        System.err.println(
            "earshot: "
                + video
                + " is silent: no clip has audible sound, so left and right cannot be compared");
        return EarshotCli.EXIT_BAD_INPUT;
      }
      double[] p = scorer.score(audible);
      int k = 0;
      int flipped = 0;
      double sum = 0;
      for (Clip c : clips) {
        double end = c.startSeconds() + spec.seconds();
        if (c.audio() == null) {
          System.out.printf(
              Locale.ROOT,
              "{\"start_s\":%.2f,\"end_s\":%.2f,\"flip_probability\":null,\"note\":\"silent\"}%n",
              c.startSeconds(),
              end);
          continue;
        }
        double prob = p[k++];
        sum += prob;
        flipped += prob >= 0.5 ? 1 : 0;
        System.out.printf(
            Locale.ROOT,
            "{\"start_s\":%.2f,\"end_s\":%.2f,\"flip_probability\":%.4f}%n",
            c.startSeconds(),
            end,
            prob);
      }
      System.out.printf(
          Locale.ROOT,
          "{\"summary\":true,\"video\":\"%s\",\"model\":\"%s\",\"clips\":%d,\"silent_clips\":%d,"
              + "\"mean_flip_probability\":%.4f,\"clips_flipped\":%d,\"verdict\":\"%s\"%s}%n",
          video.toString().replace("\"", "\\\""),
          scorer.name(),
          audible.size(),
          summary.silentClips(),
          sum / audible.size(),
          flipped,
          sum / audible.size() >= 0.5 ? "SWAPPED" : "OK",
          summary.warning() == null
              ? ""
              : ",\"warning\":\"" + summary.warning().replace("\"", "'") + "\"");
      return 0;
    }
  }

  private ClipSpec specFor(FlipScorer scorer) {
    return scorer.clipSpec() != null ? scorer.clipSpec() : new ClipSpec(3, 6, size, size, 16_000);
  }
}
