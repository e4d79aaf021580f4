package io.earshot.cli;

import io.earshot.training.data.Clip;
import io.earshot.training.data.ClipDataset;
import io.earshot.training.data.ClipSpec;
import io.earshot.training.data.DatasetConfig;
import io.earshot.training.data.Split;
import io.earshot.training.eval.ChanceScorer;
import io.earshot.training.eval.ClassicalScorer;
import io.earshot.training.eval.ClipSlice;
import io.earshot.training.eval.Decidability;
import io.earshot.training.eval.Evaluation;
import io.earshot.training.eval.FlipScorer;
import io.earshot.training.eval.GroundTruths;
import io.earshot.training.eval.LinearTracker;
import io.earshot.training.eval.SavedModelScorer;
import io.earshot.training.eval.SymmetricScorer;
import io.earshot.training.eval.TrackConfidence;
import io.earshot.training.eval.TrackingEvaluation;
import io.earshot.training.scene.SceneGenerator;
import io.earshot.training.scene.SceneSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./earshot evaluate}: the model and its baselines on the same held-out clips. */
@Command(
    name = "evaluate",
    mixinStandardHelpOptions = true,
    description =
        "Evaluate a model next to its baselines (chance, classical interaural-cue detector) on the"
            + " same clips: accuracy and ROC AUC, printed and written as a table (.txt) and JSON.")
final class EvaluateCommand implements Callable<Integer> {

  @Option(
      names = "--model",
      required = true,
      description = "Model directory, or 'classical' to evaluate the baselines only.")
  String model;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Source source;

  static final class Source {
    @Option(names = "--videos", description = "Directory of your videos (all splits are used).")
    Path videos;

    @Option(names = "--generate", description = "Generate this many held-out scenes.")
    Integer generate;
  }

  @Option(
      names = "--seed",
      defaultValue = "1000003",
      description = "Seed of generated held-out scenes (never a training seed).")
  long seed;

  @Option(
      names = "--seconds",
      defaultValue = "8",
      description = "Length of generated scenes (8 s, as train generates its own held-out set).")
  double seconds;

  @Option(
      names = "--out",
      description =
          "Write the JSON result here (default: evaluation.json in the model directory or the"
              + " current directory); the printed tables go next to it, as .txt.")
  Path out;

  @Option(
      names = "--tolerance",
      defaultValue = "0.05",
      description =
          "On generated scenes: the resolution, as a fraction of the frame width, of the ideal"
              + " observer whose ceiling is printed (it locates sounds and objects that well and"
              + " guesses where a swapped clip still fits what is in view; default"
              + " ${DEFAULT-VALUE}).")
  double tolerance;

  @Option(
      names = "--clips-out",
      description =
          "Also write every clip as a CSV row (video, start, swapped, decidable, slice, tellable,"
              + " then each scorer's flip probability), to see which clips a model gets wrong.")
  Path clipsOut;

  @Option(
      names = "--size",
      defaultValue = "112",
      description = "Frame size when evaluating baselines only.")
  int size;

  @Option(
      names = "--views",
      defaultValue = "1",
      description =
          "Also score the network with test-time symmetry over this many views (2: the clip and its"
              + " channel swap; 4: also both mirrored), next to the plain network.")
  int views;

  @Option(
      names = "--tracker-fit",
      description =
          "Generated videos (with ground truth, not the evaluated ones) to fit a new linear"
              + " read-out of the network's audio embedding to the source position on (without it, a"
              + " tracker stored with the model is evaluated); its error is reported next to the"
              + " classical estimates.")
  Path trackerFit;

  @Option(
      names = "--fit-fused-confidence",
      paramLabel = "FILE",
      description =
          "Fit the confidence of classical FUSED tracks (which the job gives tracks of models without"
              + " a learned tracker) on every evaluated clip of generated videos, and write it to FILE"
              + " (the file Earshot ships is model-training's "
              + TrackConfidence.FUSED_RESOURCE
              + "); use scenes no held-out check uses.")
  Path fitFusedConfidence;

  /** One report line: how well a track confidence told right positions from wrong ones. */
  private static String confidenceLine(
      String what, String positions, TrackingEvaluation.ConfidenceCheck c) {
    return String.format(
        "%s, all %d clips (%.1f %% of %s positions within %.0f %% of the frame width of a visible"
            + " sounding object): Brier score %.3f, ROC AUC %.3f; interaural lateralness as the"
            + " confidence: %.3f, %.3f%n",
        what,
        c.clips(),
        100 * c.right(),
        positions,
        100 * TrackConfidence.TOLERANCE,
        c.brier(),
        c.rocAuc(),
        c.lateralBrier(),
        c.lateralRocAuc());
  }

  @Override
  public Integer call() throws Exception {
    Path videos = source.videos;
    Path temp = null;
    if (source.generate != null) {
      temp = Files.createTempDirectory("earshot-eval-");
      videos = temp;
      System.err.printf("generating %d held-out scenes (seed %d)...%n", source.generate, seed);
      GenerateCommand.generateWithProgress(
          new SceneGenerator(SceneSpec.defaults().withSeconds(seconds), seed),
          videos,
          source.generate,
          seed,
          Runtime.getRuntime().availableProcessors());
    }
    List<FlipScorer> scorers = new ArrayList<>();
    try {
      FlipScorer main = Scorers.open(model);
      ClipSpec spec =
          main.clipSpec() != null ? main.clipSpec() : new ClipSpec(3, 6, size, size, 16_000);
      if (!(main instanceof ClassicalScorer)) {
        scorers.add(main);
        if (views > 1) {
          scorers.add(new SymmetricScorer(Scorers.open(model), views));
        }
      } else {
        main.close();
      }
      scorers.add(new ClassicalScorer());
      scorers.add(new ChanceScorer(seed));
      DatasetConfig config =
          DatasetConfig.defaults()
              .withClip(spec)
              .withAugment(false)
              .withSplits(0, 0)
              .withSeed(seed);
      ClipDataset dataset = ClipDataset.open(videos, config);
      // Tracking and track confidence ride on the evaluation's pass: each clip is decoded once.
      SavedModelScorer network = scorers.get(0) instanceof SavedModelScorer n ? n : null;
      GroundTruths truths = new GroundTruths(videos);
      TrackingEvaluation.Pass tracked =
          new TrackingEvaluation.Pass(truths, network, trackerFit == null);
      List<Evaluation.Row> rows;
      try (ClipCsv csv = clipsOut == null ? null : new ClipCsv(clipsOut, scorers)) {
        Evaluation.ClipListener listener =
            csv == null
                ? tracked
                : (clip, decidable, slice, tellable, p) -> {
                  csv.scored(clip, decidable, slice, tellable, p);
                  tracked.scored(clip, decidable, slice, tellable, p);
                };
        rows =
            Evaluation.run(
                dataset,
                List.of(Split.TEST),
                scorers,
                16,
                new Decidability(truths, tolerance),
                listener);
      }
      // Printed as it comes and kept for the readable file next to the JSON.
      StringBuilder report = new StringBuilder();
      java.util.function.Consumer<String> say =
          text -> {
            System.out.print(text);
            report.append(text);
          };
      say.accept(Evaluation.table(rows));
      say.accept(Evaluation.sliceTable(rows));
      TrackingEvaluation.Result tracking =
          tracked.result(
              network != null && trackerFit != null ? ClipDataset.open(trackerFit, config) : null,
              trackerFit);
      if (tracking.clips() > 0) {
        say.accept(
            String.format(
                "tracking, %d clips with one visible sounding object: mean |x error| %.1f %% of frame"
                    + " width audio-only (interaural), %.1f %% visual salience, %.1f %% fused%n",
                tracking.clips(), tracking.audioOnly(), tracking.visual(), tracking.fused()));
        if (!Double.isNaN(tracking.learned()) && tracking.learnedFitClips() == 0) {
          say.accept(
              String.format(
                  "learned: %.1f %% of frame width, the model's own tracker (%s, as the job uses it)%n",
                  tracking.learned(), LinearTracker.FILE_NAME));
        } else if (!Double.isNaN(tracking.learned())) {
          say.accept(
              String.format(
                  "learned: %.1f %% of frame width, a linear read-out of the network's audio embedding"
                      + " fitted on %d clips of %s (penalty %.0e)%n",
                  tracking.learned(),
                  tracking.learnedFitClips(),
                  trackerFit,
                  tracking.learnedLambda()));
        }
      }
      TrackingEvaluation.ConfidenceCheck trust = tracked.confidenceCheck();
      if (trust != null && trust.clips() > 0) {
        say.accept(confidenceLine("track confidence", "learned", trust));
      }
      TrackingEvaluation.ConfidenceCheck fusedTrust = null;
      if (fitFusedConfidence != null) {
        TrackConfidence fitted = tracked.fitFusedConfidence();
        TrackConfidence.writeFused(
            fitted,
            String.format(
                "fitted by ./earshot evaluate --model %s --videos %s --fit-fused-confidence on %d"
                    + " clips",
                model, videos, fitted.fitClips()),
            fitFusedConfidence);
        say.accept(
            String.format(
                "FUSED track confidence fitted on %d clips: Brier score %.3f on their last fifth"
                    + " (fitted on the rest), interaural lateralness as the confidence %.3f;"
                    + " written %s%n",
                fitted.fitClips(),
                fitted.validationBrier(),
                fitted.validationLateralBrier(),
                fitFusedConfidence));
      } else {
        fusedTrust = tracked.fusedConfidenceCheck();
        if (fusedTrust.clips() > 0) {
          say.accept(
              confidenceLine(
                  "FUSED track confidence (for models without a learned tracker)",
                  "fused",
                  fusedTrust));
        }
      }
      Map<String, Object> context = new LinkedHashMap<>();
      context.put("model", model);
      context.put(
          "data",
          source.generate != null
              ? "generated " + source.generate + " scenes, seed " + seed
              : videos.toString());
      context.put("skipped", dataset.report().skipped());
      context.put("tracking", tracking);
      if (trust != null) {
        context.put("trackConfidence", trust);
      }
      if (fusedTrust != null && fusedTrust.clips() > 0) {
        context.put("fusedTrackConfidence", fusedTrust);
      }
      Path json =
          out != null
              ? out
              : (Files.isDirectory(Path.of(model))
                  ? Path.of(model, "evaluation.json")
                  : Path.of("evaluation.json"));
      Evaluation.writeJson(rows, context, json);
      Path text =
          json.resolveSibling(json.getFileName().toString().replaceAll("\\.json$", "") + ".txt");
      Files.writeString(text, report);
      System.out.println("written " + json);
      System.out.println("written " + text);
      if (clipsOut != null) {
        System.out.println("written " + clipsOut);
      }
      return 0;
    } finally {
      for (FlipScorer s : scorers) {
        s.close();
      }
      if (temp != null) {
        try (var files = Files.walk(temp)) {
          files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }
  }

  /** The {@code --clips-out} file: one row per clip, one probability column per scorer. */
  static final class ClipCsv implements Evaluation.ClipListener, AutoCloseable {
    private final java.io.BufferedWriter out;
    private final Path file;

    ClipCsv(Path file, List<FlipScorer> scorers) throws java.io.IOException {
      this.file = file;
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      out = Files.newBufferedWriter(file);
      StringBuilder header = new StringBuilder("video,start_s,swapped,decidable,slice,tellable");
      for (FlipScorer s : scorers) {
        header.append(',').append(quote(s.name()));
      }
      out.write(header.append('\n').toString());
    }

    @Override
    public void scored(
        Clip clip, Boolean decidable, ClipSlice slice, Boolean tellable, double[] p) {
      StringBuilder row =
          new StringBuilder(quote(clip.videoId()))
              .append(',')
              .append(String.format(java.util.Locale.ROOT, "%.3f", clip.startSeconds()))
              .append(',')
              .append(clip.swapped() ? 1 : 0)
              .append(',')
              .append(decidable == null ? "" : decidable ? "1" : "0")
              .append(',')
              .append(slice == null ? "" : slice.key())
              .append(',')
              .append(tellable == null ? "" : tellable ? "1" : "0");
      for (double v : p) {
        row.append(',').append(String.format(java.util.Locale.ROOT, "%.5f", v));
      }
      try {
        out.write(row.append('\n').toString());
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException("cannot write " + file, e);
      }
    }

    private static String quote(String field) {
      return field.contains(",") || field.contains("\"")
          ? '"' + field.replace("\"", "\"\"") + '"'
          : field;
    }

    @Override
    public void close() throws java.io.IOException {
      out.close();
    }
  }
}
