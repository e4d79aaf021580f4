package io.earshot.cli;

import io.earshot.training.data.ClipDataset;
import io.earshot.training.data.DatasetConfig;
import io.earshot.training.data.Split;
import io.earshot.training.eval.ChanceScorer;
import io.earshot.training.eval.ClassicalScorer;
import io.earshot.training.eval.Evaluation;
import io.earshot.training.eval.FlipScorer;
import io.earshot.training.eval.LinearTracker;
import io.earshot.training.eval.SavedModelScorer;
import io.earshot.training.eval.TrackingEvaluation;
import io.earshot.training.model.NetConfig;
import io.earshot.training.release.ModelMetadata;
import io.earshot.training.scene.SceneGenerator;
import io.earshot.training.scene.SceneSpec;
import io.earshot.training.train.RunIdentity;
import io.earshot.training.train.TrainingOptions;
import io.earshot.training.train.TrainingRecipe;
import io.earshot.training.train.TrainingRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ./earshot train}: self-supervised training of the flip detector. */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description =
        "Train the flip detector on your stereo videos or on generated scenes; exports a SavedModel"
            + " with metadata, a training curve and, for generated data, a held-out evaluation.")
final class TrainCommand implements Callable<Integer> {

  @ArgGroup(exclusive = true, multiplicity = "1")
  Source source;

  static final class Source {
    @Option(names = "--videos", description = "Directory of your stereo videos.")
    Path videos;

    @Option(names = "--generate", description = "Generate this many training scenes first.")
    Integer generate;

    @Option(
        names = "--recipe",
        description =
            "Run a staged recipe on generated scenes (JSON: config, seed, stages), e.g."
                + " models/flip-detector-cpu.recipe.json, which reproduces the shipped model."
                + " Rerun the same command to continue: finished stages are kept and the running"
                + " one resumes from its last epoch.")
    Path recipe;
  }

  /** Options a recipe sets itself; giving them next to --recipe is an error, not an override. */
  private static final List<String> RECIPE_SETS =
      List.of(
          "--config",
          "--epochs",
          "--batch",
          "--seed",
          "--seconds",
          "--hop",
          "--eval-scenes",
          "--resume",
          "--init-from",
          "--freeze-inherited",
          "--average-from",
          "--learning-rate");

  @Spec CommandSpec spec;

  @Option(
      names = "--config",
      defaultValue = "cpu",
      description =
          "Network config: cpu (default), cpu-96 (96x96 frames), cpu-t3 (fusion over three time"
              + " steps), cpu-cells (a per-cell head), cpu-map8 (an 8x8 visual map), cpu-gcc (a"
              + " GCC-PHAT audio channel), cpu-wide (twice the visual channels), cpu-logmel"
              + " (without interaural phase), paper, tiny.")
  String config;

  @Option(
      names = "--out",
      required = true,
      description = "Run directory (model/, checkpoints/, training-curve.png).")
  Path out;

  @Option(
      names = "--epochs",
      defaultValue = "12",
      description = "Epochs (default ${DEFAULT-VALUE}).")
  int epochs;

  @Option(
      names = "--batch",
      defaultValue = "16",
      description = "Batch size (default ${DEFAULT-VALUE}).")
  int batch;

  @Option(
      names = "--seed",
      defaultValue = "1",
      description = "Seed of data generation and sampling (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--seconds", defaultValue = "8", description = "Length of generated scenes.")
  double seconds;

  @Option(
      names = "--hop",
      defaultValue = "1",
      description = "Seconds between training clip starts.")
  double hop;

  @Option(
      names = "--eval-scenes",
      defaultValue = "120",
      description = "Held-out scenes evaluated after training on generated data (0 = none).")
  int evalScenes;

  @Option(names = "--resume", description = "Continue from the last checkpoint in --out.")
  boolean resume;

  @Option(
      names = "--init-from",
      description =
          "Start from this model's weights (same --config, or cpu-t3 or cpu-cells from a cpu"
              + " model) instead of fresh ones: fine-tune the shipped model on your own videos, or"
              + " continue a run on more scenes.")
  Path initFrom;

  @Option(
      names = "--freeze-inherited",
      description =
          "Train only the layers the --init-from model lacks (the per-cell head of cpu-cells over"
              + " a cpu model); every other weight and batch-norm statistic stays as it is.")
  boolean freezeInherited;

  @Option(
      names = "--average-from",
      paramLabel = "EPOCH",
      description =
          "Stochastic weight averaging: keep the learning rate at its peak after the warm-up,"
              + " sample the weights 4 times per epoch from this epoch (1-based) on, and export"
              + " their mean with batch-norm statistics recomputed for it (if it beats the"
              + " --init-from model on validation). 0: the usual cosine schedule and best epoch.",
      defaultValue = "0")
  int averageFrom;

  @Option(
      names = "--learning-rate",
      description =
          "Peak learning rate of the warm-up and cosine schedule (default: the config's; lower it"
              + " when fine-tuning with --init-from).")
  Float learningRate;

  @Override
  public Integer call() throws Exception {
    if (source.recipe != null) {
      return runRecipe(source.recipe);
    }
    NetConfig net = NetConfig.byName(config);
    if (initFrom != null) {
      // Before any scene is generated or clip loaded: a wrong model is said at once.
      TrainingRun.startingPoint(initFrom, net);
    }
    Path videos = source.videos;
    String description;
    if (source.generate != null) {
      videos = out.resolve("data");
      // Keeps complete scenes of the same seed, so a rerun or --resume after a killed
      // generation only makes what is missing instead of training on part of the data.
      generate(videos, source.generate, seed, seconds);
      description = generatedScenes(source.generate, seconds, seed);
    } else {
      description = "videos in " + videos.toAbsolutePath();
    }
    DatasetConfig data = dataConfig(net, seed, hop);
    ClipDataset dataset = ClipDataset.open(videos, data);
    if (source.generate != null) {
      // Scenes are sorted by name: the seed's first N, as the description says, even when the
      // directory holds more from a larger run.
      dataset = dataset.first(source.generate);
    }
    Path model =
        train(
            new TrainingOptions(
                net,
                out,
                epochs,
                batch,
                seed,
                200,
                resume,
                learningRate != null ? learningRate : net.learningRate(),
                initFrom,
                freezeInherited,
                averageFrom),
            dataset,
            description);
    if (source.generate != null) {
      fitTrackers(model, videos, data);
      if (evalScenes > 0) {
        heldOut(model, seed, evalScenes, seconds);
      }
    }
    return 0;
  }

  /**
   * Runs every stage of a recipe: stage k (of n) trains in {@code out/stage-k}, the last one in
   * {@code out} itself, so its model, curve and evaluation sit where a plain run puts them. A stage
   * whose model is there already is kept; the others resume from their checkpoints, so rerunning
   * the same command continues an interrupted recipe.
   */
  private Integer runRecipe(Path file) throws Exception {
    for (String name : RECIPE_SETS) {
      if (spec.commandLine().getParseResult().hasMatchedOption(name)) {
        throw new IllegalArgumentException(
            name + " cannot be given with --recipe, which sets it: edit a copy of the recipe");
      }
    }
    TrainingRecipe recipe = TrainingRecipe.read(file);
    List<TrainingRecipe.Stage> stages = recipe.stages();
    Path previous = null;
    Path videos = null;
    DatasetConfig data = null;
    for (int k = 0; k < stages.size(); k++) {
      TrainingRecipe.Stage stage = stages.get(k);
      NetConfig net = recipe.net(stage);
      long seed = recipe.seed(stage);
      // The recipe's own seed keeps the plain name, so runs from before stages had seeds match.
      videos = out.resolve(seed == recipe.seed() ? "data" : "data-seed-" + seed);
      Path stageOut = k == stages.size() - 1 ? out : out.resolve("stage-" + (k + 1));
      Path stageModel = stageOut.resolve("model");
      data = dataConfig(net, seed, stage.hop());
      float rate = stage.learningRate() != null ? stage.learningRate() : net.learningRate();
      String what =
          String.format(
              "recipe stage %d of %d: %d scenes, %d epochs, hop %s s, learning rate %s%s%s%s%s",
              k + 1,
              stages.size(),
              stage.scenes(),
              stage.epochs(),
              stage.hop(),
              rate,
              stage.seed() != null ? ", seed " + seed : "",
              stage.config() != null ? ", config " + net.name() : "",
              stage.frozen() ? ", only the layers it adds" : "",
              stage.averageFrom() != null
                  ? ", weights averaged from epoch " + stage.averageFrom()
                  : "");
      String description =
          String.format(
              "%s (recipe stage %d of %d)",
              generatedScenes(stage.scenes(), recipe.sceneSeconds(), seed), k + 1, stages.size());
      if (Files.isRegularFile(stageModel.resolve(ModelMetadata.FILE_NAME))) {
        // The model this stage started from (a stage may freeze only when there is one).
        ModelMetadata before = previous == null ? null : ModelMetadata.read(previous);
        RunIdentity expected =
            new RunIdentity(
                net.name(),
                description,
                stage.hop(),
                seed,
                recipe.batch(),
                (double) rate,
                stage.epochs(),
                before == null ? "" : before.version(),
                stage.frozen() ? before.config() : "",
                stage.averagingFrom());
        RunIdentity done = RunIdentity.of(ModelMetadata.read(stageModel));
        if (done.data() != null) {
          // Stages finished before the description dropped the recipe's file name still count.
          done =
              done.withData(
                  done.data().replaceFirst("\\(recipe [^,()]+, stage ", "(recipe stage "));
        }
        List<String> differences = expected.differences(done);
        if (!differences.isEmpty()) {
          throw new IllegalArgumentException(
              String.format(
                  "%s holds a model that is not this recipe's stage %d (%s; the model's value"
                      + " first): give a fresh --out",
                  stageModel, k + 1, String.join("; ", differences)));
        }
        System.err.println(what + ": done in an earlier run, continuing from " + stageModel);
      } else {
        System.err.println(what + " -> " + stageOut);
        generate(videos, stage.scenes(), seed, recipe.sceneSeconds());
        train(
            new TrainingOptions(
                net,
                stageOut,
                stage.epochs(),
                recipe.batch(),
                seed,
                200,
                true,
                rate,
                previous,
                stage.frozen(),
                stage.averagingFrom()),
            // Scenes are sorted by name, so these are the seed's first scenes.
            ClipDataset.open(videos, data).first(stage.scenes()),
            description);
      }
      previous = stageModel;
    }
    fitTrackers(previous, videos, data);
    if (recipe.evalScenes() > 0) {
      heldOut(previous, recipe.seed(), recipe.evalScenes(), recipe.sceneSeconds());
    }
    return 0;
  }

  /**
   * How a model's metadata describes its generated training data; a recipe recognises its finished
   * stages by it, so both kinds of run write it here.
   */
  private static String generatedScenes(int count, double seconds, long seed) {
    return String.format("%d generated scenes of %.0f s, seed %d", count, seconds, seed);
  }

  private static DatasetConfig dataConfig(NetConfig net, long seed, double hop) {
    return DatasetConfig.defaults()
        .withClip(TrainingRun.clipSpec(net))
        .withSeed(seed)
        .withSplits(0.9, 0.1)
        .withHop(hop);
  }

  /** Trains, prints the outcome and returns the exported model's directory. */
  private static Path train(TrainingOptions options, ClipDataset dataset, String description)
      throws Exception {
    TrainingRun.Outcome outcome = new TrainingRun(options, dataset, description).run();
    System.out.printf(
        "trained %s: %s; model in %s, curve in %s%n",
        options.config().name(),
        outcome.valAccuracy() >= 0
            ? String.format(
                "best validation accuracy %.1f%% (AUC %.3f)",
                100 * outcome.valAccuracy(), outcome.valAuc())
            : "no validation clips (give more videos to measure it), last weights exported",
        outcome.modelDir(),
        options.out().resolve("training-curve.png"));
    if (!dataset.report().skipped().isEmpty()) {
      System.out.print(dataset.report().table());
    }
    return outcome.modelDir();
  }

  /**
   * Generated scenes come with ground truth: fits the learned tracker (a linear read-out of the
   * audio embedding) on the first 1000 of them and stores it with the model and, when the run kept
   * averaged weights beside it (they did not beat the starting model on validation), with those
   * too, so either can be evaluated and served with its own tracker; both in one pass over the
   * scenes.
   */
  private static void fitTrackers(Path modelDir, Path videos, DatasetConfig data) {
    List<Path> models = new ArrayList<>(List.of(modelDir));
    Path averaged = modelDir.resolveSibling(TrainingRun.AVERAGED_MODEL_DIR);
    if (Files.isDirectory(averaged)) {
      models.add(averaged);
    }
    System.err.printf(
        "fitting the learned tracker%s on up to 1000 training scenes...%n",
        models.size() > 1 ? "s of the model and its weight average" : "");
    try {
      List<LinearTracker> trackers =
          TrackingEvaluation.fitAndStore(
              models,
              ClipDataset.open(videos, data.withAugment(false).withSplits(0, 0)).first(1000),
              videos);
      for (int i = 0; i < models.size(); i++) {
        LinearTracker tracker = trackers.get(i);
        System.out.printf(
            "learned tracker: mean |x error| %.1f %% of frame width on its validation clips (%s)%n",
            100 * tracker.validationError(), models.get(i).resolve(LinearTracker.FILE_NAME));
        System.out.printf(
            "track confidence: Brier score %.3f on its validation clips (%.3f for interaural"
                + " lateralness as the confidence)%n",
            tracker.confidence().validationBrier(), tracker.confidence().validationLateralBrier());
      }
    } catch (IllegalArgumentException e) {
      // Too few single-source clips (a handful of scenes): the model is fine without a tracker,
      // the job then writes classical tracks.
      System.err.println("no learned tracker: " + e.getMessage());
    }
  }

  private static void generate(Path dir, int count, long seed, double seconds) {
    GenerateCommand.generateWithProgress(
        new SceneGenerator(SceneSpec.defaults().withSeconds(seconds), seed),
        dir,
        count,
        seed,
        Runtime.getRuntime().availableProcessors());
  }

  /** Evaluates on scenes generated with a seed never used for training, next to the baselines. */
  private void heldOut(Path modelDir, long seed, int evalScenes, double seconds) throws Exception {
    long evalSeed = seed + 1_000_003L;
    Path dir = out.resolve("heldout");
    // Keeps complete scenes, so this only generates what an interrupted run left out.
    generate(dir, evalScenes, evalSeed, seconds);
    try (SavedModelScorer model = SavedModelScorer.load(modelDir)) {
      DatasetConfig data =
          DatasetConfig.defaults()
              .withClip(model.clipSpec())
              .withSeed(evalSeed)
              .withAugment(false)
              .withSplits(0, 0)
              .withHop(3.0);
      List<FlipScorer> scorers = List.of(model, new ClassicalScorer(), new ChanceScorer(evalSeed));
      List<Evaluation.Row> rows =
          Evaluation.run(
              ClipDataset.open(dir, data),
              List.of(Split.TEST),
              scorers,
              32,
              new io.earshot.training.eval.Decidability(dir));
      System.out.printf(
          "held-out evaluation (%d scenes, seed %d):%n%s%s",
          evalScenes, evalSeed, Evaluation.table(rows), Evaluation.sliceTable(rows));
      Map<String, Object> context = new LinkedHashMap<>();
      context.put("data", evalScenes + " generated scenes, seed " + evalSeed);
      Evaluation.writeJson(rows, context, out.resolve("evaluation.json"));
      ModelMetadata meta = model.metadata();
      Map<String, Double> metrics = new LinkedHashMap<>(meta.metrics());
      metrics.put("heldout_accuracy", rows.get(0).accuracy());
      metrics.put("heldout_roc_auc", rows.get(0).rocAuc());
      metrics.put("heldout_classical_accuracy", rows.get(1).accuracy());
      metrics.put("heldout_classical_roc_auc", rows.get(1).rocAuc());
      metrics.put("heldout_chance_accuracy", rows.get(2).accuracy());
      metrics.put("heldout_decidable_accuracy", rows.get(0).decidableAccuracy());
      metrics.put("heldout_decidable_classical_accuracy", rows.get(1).decidableAccuracy());
      metrics.put(
          "heldout_decidable_fraction",
          rows.get(0).decidableClips() / (double) Math.max(1, rows.get(0).clips()));
      metrics.put("heldout_tellable_accuracy", rows.get(0).tellableAccuracy());
      metrics.put("heldout_ideal_observer_ceiling", rows.get(0).ceiling());
      // Metrics are not among the hashed files, so updating them keeps the release valid.
      meta.withMetrics(metrics).write(modelDir);
    }
  }
}
