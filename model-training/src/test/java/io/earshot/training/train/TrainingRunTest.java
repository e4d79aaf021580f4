package io.earshot.training.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.earshot.training.data.ClipDataset;
import io.earshot.training.data.DatasetConfig;
import io.earshot.training.eval.LinearTracker;
import io.earshot.training.eval.SavedModelScorer;
import io.earshot.training.model.NetConfig;
import io.earshot.training.release.ModelFiles;
import io.earshot.training.release.ModelMetadata;
import io.earshot.training.scene.SceneGenerator;
import io.earshot.training.scene.SceneSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole training loop on a few generated scenes with the tiny network. */
class TrainingRunTest {

  @TempDir static Path dir;
  static Path videos;

  @BeforeAll
  static void scenes() {
    videos = dir.resolve("videos");
    new SceneGenerator(SceneSpec.defaults().withSeconds(4), 3)
        .generateAll(videos, 8, 3, 2, n -> {});
  }

  private static ClipDataset dataset(NetConfig net) {
    return ClipDataset.open(
        videos,
        DatasetConfig.defaults()
            .withClip(TrainingRun.clipSpec(net))
            .withSplits(0.75, 0.25)
            .withHop(0.5)
            .withSeed(3));
  }

  @Test
  void shouldExportAVerifiableModelWithCurveAndHistoryWhenTrained() throws Exception {
    NetConfig net = NetConfig.tiny();
    Path out = dir.resolve("run");

    TrainingRun.Outcome outcome =
        new TrainingRun(
                new TrainingOptions(net, out, 2, 8, 1, 5, false, net.learningRate(), null),
                dataset(net),
                "test scenes")
            .run();

    assertThat(outcome.history()).hasSize(2);
    assertThat(out.resolve("training-curve.png")).isNotEmptyFile();
    assertThat(out.resolve("history.json")).isNotEmptyFile();
    // The decoded clips were kept in files next to the run while it trained, gone when it ended.
    assertThat(out.resolve("clips-train.cache")).doesNotExist();
    assertThat(out.resolve("clips-validation.cache")).doesNotExist();
    ModelMetadata meta = ModelFiles.verify(outcome.modelDir(), null);
    assertThat(meta.config()).isEqualTo("tiny");
    assertThat(meta.input().frames()).isEqualTo(net.framesPerClip());
    assertThat(meta.training()).containsEntry("data", "test scenes");
    // The metadata names the run as its run file does, so a recipe can recognise it.
    RunIdentity named = RunIdentity.of(meta);
    assertThat(named.differences(RunIdentity.read(out))).isEmpty();
    assertThat(List.of(named.hopSeconds(), named.batch(), named.epochs(), named.initFrom()))
        .containsExactly(0.5, 8, 2, "");
    assertThat(meta.metrics()).containsKey("validation_accuracy");
    io.earshot.training.eval.TrackingEvaluation.Result separate;
    try (SavedModelScorer scorer = SavedModelScorer.load(outcome.modelDir())) {
      assertThat(scorer.clipSpec().width()).isEqualTo(net.frameSize());
      // A linear read-out of the audio embedding can be fitted and scored against ground truth.
      ClipDataset all =
          ClipDataset.open(
              videos,
              DatasetConfig.defaults()
                  .withClip(TrainingRun.clipSpec(net))
                  .withAugment(false)
                  .withSplits(0, 0)
                  .withHop(0.5)
                  .withSeed(3));
      io.earshot.training.eval.TrackingEvaluation.Result tracking =
          io.earshot.training.eval.TrackingEvaluation.run(all, videos, scorer, all, videos);
      separate = tracking;
      assertThat(tracking.clips()).isPositive();
      assertThat(tracking.learnedFitClips()).isEqualTo(tracking.clips());
      assertThat(tracking.learned()).isBetween(0.0, 100.0);
      assertThat(scorer.audioEmbeddings(java.util.List.of()).size()).isZero();
      assertThat(scorer.hasTracker()).isFalse();
    }

    // The tracker stored with the model: covered by the digests, one pass gives both outputs.
    io.earshot.training.eval.LinearTracker tracker =
        io.earshot.training.eval.TrackingEvaluation.fitAndStore(
            outcome.modelDir(), ClipDataset.open(videos, all(net)), videos);
    assertThat(tracker.validationError()).isBetween(0.0, 1.0);
    assertThat(tracker.confidence().validationBrier()).isBetween(0.0, 1.0);
    ModelMetadata signed = ModelFiles.verify(outcome.modelDir(), null);
    assertThat(signed.files()).containsKey(io.earshot.training.eval.LinearTracker.FILE_NAME);
    assertThat(signed.metrics())
        .containsKeys(
            "tracking_x_mae_validation",
            "tracking_confidence_brier_validation",
            "tracking_lateral_brier_validation");
    // The stored fit decodes each clip once, keeping embeddings, not clips: the same penalty and
    // single-source clips as the separate fit above, and for two models in one pass (a run's model
    // and its weight average) each gets the tracker it gets alone.
    assertThat(tracker.lambda()).isEqualTo(separate.learnedLambda());
    assertThat(
            new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(outcome.modelDir().resolve(LinearTracker.FILE_NAME).toFile())
                .get("fitClips")
                .asInt())
        .isEqualTo(separate.learnedFitClips());
    Path twin = dir.resolve("twin-model");
    copyTree(outcome.modelDir(), twin);
    List<LinearTracker> both =
        io.earshot.training.eval.TrackingEvaluation.fitAndStore(
            List.of(outcome.modelDir(), twin), ClipDataset.open(videos, all(net)), videos);
    for (LinearTracker t : both) {
      assertThat(t.lambda()).isEqualTo(tracker.lambda());
      assertThat(t.validationError()).isCloseTo(tracker.validationError(), within(1e-9));
      assertThat(t.confidence().weights())
          .containsExactly(tracker.confidence().weights(), within(1e-9));
      assertThat(t.confidence().fitClips()).isEqualTo(tracker.confidence().fitClips());
    }
    assertThat(ModelFiles.verify(twin, null).metrics())
        .containsEntry("tracking_x_mae_validation", both.get(1).validationError());
    try (SavedModelScorer scorer = SavedModelScorer.load(outcome.modelDir())) {
      assertThat(scorer.hasTracker()).isTrue();
      java.util.List<io.earshot.training.data.Clip> clips = new java.util.ArrayList<>();
      ClipDataset.open(videos, all(net))
          .forEach(io.earshot.training.data.Split.TEST, 0, clips::add, n -> {});
      // Calibrated on every clip of the fit videos, not just the single-source ones.
      assertThat(tracker.confidence().fitClips()).isEqualTo(clips.size());
      assertThat(scorer.trackConfidence().weights())
          .containsExactly(tracker.confidence().weights());
      java.util.List<io.earshot.training.data.Clip> some = clips.subList(0, 5);
      SavedModelScorer.Located located = scorer.scoreAndLocate(some);
      double[] plain = scorer.score(some);
      for (int i = 0; i < some.size(); i++) {
        assertThat(located.flipProbability()[i])
            .isCloseTo(plain[i], org.assertj.core.data.Offset.offset(1e-6));
        assertThat(located.x()[i]).isBetween(0.0, 1.0);
      }
      // evaluate's one pass (tracking fed by the evaluation's clips) equals the separate passes.
      // Its ground truth is read once per video, shared with the pass's decidability.
      io.earshot.training.eval.GroundTruths truths =
          new io.earshot.training.eval.GroundTruths(videos);
      io.earshot.training.eval.TrackingEvaluation.Pass pass =
          new io.earshot.training.eval.TrackingEvaluation.Pass(truths, scorer, true);
      List<io.earshot.training.eval.Evaluation.Row> shared =
          io.earshot.training.eval.Evaluation.run(
              ClipDataset.open(videos, all(net)),
              List.of(io.earshot.training.data.Split.TEST),
              List.of(scorer),
              16,
              new io.earshot.training.eval.Decidability(
                  truths, io.earshot.training.eval.IdealObserver.TOLERANCE),
              pass);
      String someVideo = clips.get(0).videoId();
      assertThat(truths.of(someVideo)).isNotNull().isSameAs(truths.of(someVideo));
      assertThat(truths.of("no-such-video.mp4")).isNull();
      // The same verdicts as a decidability reading ground truth on its own (timing aside).
      assertThat(shared.get(0).decidableClips()).isPositive();
      assertThat(shared)
          .usingRecursiveFieldByFieldElementComparatorIgnoringFields("clipsPerSecond")
          .isEqualTo(
              io.earshot.training.eval.Evaluation.run(
                  ClipDataset.open(videos, all(net)),
                  List.of(io.earshot.training.data.Split.TEST),
                  List.of(scorer),
                  16,
                  new io.earshot.training.eval.Decidability(videos)));
      io.earshot.training.eval.TrackingEvaluation.ConfidenceCheck check = pass.confidenceCheck();
      assertThat(check.clips()).isEqualTo(clips.size());
      assertThat(check)
          .isEqualTo(
              io.earshot.training.eval.TrackingEvaluation.checkConfidence(
                  scorer, ClipDataset.open(videos, all(net)), videos));
      io.earshot.training.eval.TrackingEvaluation.Result tracked = pass.result(null, null);
      assertThat(tracked.clips()).isPositive();
      assertThat(tracked.learned()).isBetween(0.0, 100.0);
      assertThat(tracked)
          .isEqualTo(
              io.earshot.training.eval.TrackingEvaluation.run(
                  ClipDataset.open(videos, all(net)), videos, scorer, null, null));
    }
    // A tampered tracker is caught by the digest check.
    Files.writeString(
        outcome.modelDir().resolve(io.earshot.training.eval.LinearTracker.FILE_NAME), "{}");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> ModelFiles.verify(outcome.modelDir(), null))
        .hasMessageContaining("tracker.json");
  }

  private static DatasetConfig all(NetConfig net) {
    return DatasetConfig.defaults()
        .withClip(TrainingRun.clipSpec(net))
        .withAugment(false)
        .withSplits(0, 0)
        .withHop(0.5)
        .withSeed(3);
  }

  /** A fresh one-epoch run in {@code out} (batch 8, seed 1, data "d"), for resume tests. */
  private static void trainOneEpoch(NetConfig net, Path out) throws Exception {
    new TrainingRun(
            new TrainingOptions(net, out, 1, 8, 1, 5, false, net.learningRate(), null),
            dataset(net),
            "d")
        .run();
  }

  @Test
  void shouldContinueFromTheLastCheckpointWhenResumed() throws Exception {
    NetConfig net = NetConfig.tiny();
    Path out = dir.resolve("resume");
    trainOneEpoch(net, out);

    TrainingRun.Outcome resumed =
        new TrainingRun(
                new TrainingOptions(net, out, 2, 8, 1, 5, true, net.learningRate(), null),
                dataset(net),
                "d")
            .run();

    // Epoch 1 comes from the first run's history; only epoch 2 ran now.
    assertThat(resumed.history()).extracting(TrainingRun.Epoch::epoch).containsExactly(1, 2);
    assertThat(Files.exists(out.resolve("checkpoints/last.index"))).isTrue();
  }

  @Test
  void shouldRefuseToResumeCheckpointsOfAnotherRunAndSayWhatDiffers() throws Exception {
    NetConfig net = NetConfig.tiny();
    Path out = dir.resolve("resume-other");
    trainOneEpoch(net, out);
    String history = Files.readString(out.resolve("history.json"));
    RunIdentity started = RunIdentity.read(out);
    assertThat(started)
        .isEqualTo(new RunIdentity("tiny", "d", 0.5, 1L, 8, (double) net.learningRate(), 1, ""));

    // Another batch size and learning rate: both named, with the checkpoints' value first.
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                new TrainingRun(
                        new TrainingOptions(net, out, 2, 4, 1, 5, true, 0.5f, null),
                        dataset(net),
                        "d")
                    .run())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot resume " + out)
        .hasMessageContaining("batch: 8 vs 4")
        .hasMessageContaining("learning rate: " + (double) net.learningRate() + " vs 0.5")
        .hasMessageNotContaining("epochs")
        .hasMessageEndingWith("give a fresh --out");
    // The same options on fewer clips: caught by the steps an epoch takes.
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                new TrainingRun(
                        new TrainingOptions(net, out, 2, 8, 1, 5, true, net.learningRate(), null),
                        dataset(net).first(4),
                        "d")
                    .run())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the training data changed since it started");
    // Neither refused attempt touched the run.
    assertThat(Files.readString(out.resolve("history.json"))).isEqualTo(history);
    assertThat(RunIdentity.read(out)).isEqualTo(started);
  }

  @Test
  void shouldStartFromAModelsWeightsWhenInitialisedFromIt() throws Exception {
    NetConfig net = NetConfig.tiny();
    TrainingRun.Outcome base =
        new TrainingRun(
                new TrainingOptions(
                    net, dir.resolve("base"), 1, 8, 1, 5, false, net.learningRate(), null),
                dataset(net),
                "d")
            .run();
    java.util.List<io.earshot.training.data.Clip> clips = new java.util.ArrayList<>();
    ClipDataset.open(videos, all(net))
        .forEach(io.earshot.training.data.Split.TEST, 0, clips::add, n -> {});
    java.util.List<io.earshot.training.data.Clip> some = clips.subList(0, 6);

    // The exported variables restore into a fresh training graph and give the model's answers.
    double[] exported;
    try (SavedModelScorer scorer = SavedModelScorer.load(base.modelDir())) {
      exported = scorer.score(some);
    }
    try (io.earshot.training.model.TfTrainer fresh =
        io.earshot.training.model.TfTrainer.create(net)) {
      float[] before = fresh.predict(batch(net, some));
      TrainingRun.restoreWeights(fresh, TrainingRun.startingPoint(base.modelDir(), net));
      float[] after = fresh.predict(batch(net, some));
      double moved = 0;
      for (int i = 0; i < some.size(); i++) {
        assertThat((double) after[i])
            .isCloseTo(exported[i], org.assertj.core.data.Offset.offset(1e-5));
        moved = Math.max(moved, Math.abs(after[i] - before[i]));
      }
      assertThat(moved).as("fresh weights answer differently").isGreaterThan(1e-4);
    }
    // A network that widens it (fusion over three time steps) starts from it too, and answers
    // as the model did until it trains.
    NetConfig wide = net.withName("tiny-t3").withFusionSteps(3);
    try (io.earshot.training.model.TfTrainer widened =
        io.earshot.training.model.TfTrainer.create(wide)) {
      TrainingRun.restoreWeights(widened, TrainingRun.startingPoint(base.modelDir(), wide));
      float[] after = widened.predict(batch(wide, some));
      for (int i = 0; i < some.size(); i++) {
        assertThat((double) after[i])
            .isCloseTo(exported[i], org.assertj.core.data.Offset.offset(1e-5));
      }
    }

    // A run started from it records where it came from and its own learning rate.
    TrainingRun.Outcome tuned =
        new TrainingRun(
                new TrainingOptions(
                    net, dir.resolve("tuned"), 1, 8, 2, 5, false, 0.004f, base.modelDir()),
                dataset(net),
                "more")
            .run();
    ModelMetadata meta = ModelFiles.verify(tuned.modelDir(), null);
    assertThat(meta.training())
        .containsEntry("initFrom", ModelFiles.verify(base.modelDir(), null).version())
        .containsEntry("initFromData", "d")
        .containsEntry("learningRate", 0.004);
    // It scored the starting model on its validation clips first and exported whichever of the
    // start and its epochs did best there: never a model worse than the one it continued.
    double start = ((Number) meta.training().get("startValidationAccuracy")).doubleValue();
    assertThat(start).isBetween(0.0, 1.0);
    assertThat(meta.metrics().get("validation_accuracy")).isGreaterThanOrEqualTo(start);
    assertThat(meta.training().get("exportedEpoch")).isIn(0, 1);
    assertThat(dir.resolve("tuned").resolve(TrainingRun.START_FILE)).isNotEmptyFile();

    // A per-cell head added to it trains alone (--freeze-inherited); the model says so, and a
    // later run of every layer starts from it (its momentum covers the head only) with its answers.
    NetConfig cells = net.withName("tiny-cells").withCellChannels(List.of(8));
    TrainingRun.Outcome head =
        new TrainingRun(
                new TrainingOptions(
                    cells, dir.resolve("head"), 1, 8, 2, 5, false, 0.02f, base.modelDir(), true),
                dataset(cells),
                "head")
            .run();
    assertThat(ModelFiles.verify(head.modelDir(), null).training())
        .containsEntry("frozen", "tiny")
        .containsEntry("initFrom", ModelFiles.verify(base.modelDir(), null).version());
    // Its run file holds it to those frozen layers if it is resumed.
    assertThat(RunIdentity.read(dir.resolve("head")).frozen()).isEqualTo("tiny");
    double[] headScores;
    try (SavedModelScorer scorer = SavedModelScorer.load(head.modelDir())) {
      headScores = scorer.score(some);
    }
    try (io.earshot.training.model.TfTrainer all =
        io.earshot.training.model.TfTrainer.create(cells)) {
      TrainingRun.restoreWeights(all, TrainingRun.startingPoint(head.modelDir(), cells));
      float[] after = all.predict(batch(cells, some));
      double apart = 0;
      for (int i = 0; i < some.size(); i++) {
        assertThat((double) after[i])
            .isCloseTo(headScores[i], org.assertj.core.data.Offset.offset(1e-5));
        apart = Math.max(apart, Math.abs(headScores[i] - exported[i]));
      }
      assertThat(apart).as("the trained head changes the answers").isGreaterThan(1e-5);
    }
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> new TrainingOptions(cells, dir, 1, 8, 2, 5, false, 0.02f, null, true))
        .hasMessageContaining("--freeze-inherited needs --init-from");

    // Another network's weights cannot be restored: said before any clip is loaded.
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> TrainingRun.startingPoint(base.modelDir(), NetConfig.cpu()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("holds a 'tiny' network")
        .hasMessageContaining("--config tiny");
    // Nor a directory that is not a model.
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> TrainingRun.startingPoint(dir.resolve("nothing"), net))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not a usable Earshot model");
  }

  @Test
  void shouldExportTheMeanOfTheSampledWeightsWhenAveraging() throws Exception {
    NetConfig net = NetConfig.tiny();
    Path out = dir.resolve("average");

    TrainingRun.Outcome outcome =
        new TrainingRun(
                new TrainingOptions(
                    net, out, 2, 8, 1, 5, false, net.learningRate(), null, false, 2),
                dataset(net),
                "d")
            .run();

    // Epoch 2's four samples, with batch-norm statistics of training batches under their mean.
    java.util.Map<?, ?> averaged =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readValue(out.resolve(TrainingRun.AVERAGED_FILE).toFile(), java.util.Map.class);
    assertThat(averaged.get("samples")).isEqualTo(4);
    assertThat(averaged.get("fromEpoch")).isEqualTo(2);
    assertThat(((Number) averaged.get("statisticBatches")).intValue()).isPositive();
    ModelMetadata meta = ModelFiles.verify(outcome.modelDir(), null);
    assertThat(meta.training())
        .containsEntry("averageFrom", 2)
        .containsEntry("averagedSamples", 4)
        .containsEntry("averagedExported", true)
        .containsEntry("exportedEpoch", 2);
    assertThat(meta.metrics().get("validation_accuracy"))
        .isEqualTo(((Number) averaged.get("valAccuracy")).doubleValue());
    assertThat(RunIdentity.read(out).averageFrom()).isEqualTo(2);
    assertThat(RunIdentity.of(meta).differences(RunIdentity.read(out))).isEmpty();
    // No starting model to beat, so model/ is the average, not the last epoch's weights.
    assertThat(out.resolve(TrainingRun.AVERAGED_MODEL_DIR)).doesNotExist();
    java.util.List<io.earshot.training.data.Clip> clips = new java.util.ArrayList<>();
    ClipDataset.open(videos, all(net))
        .forEach(io.earshot.training.data.Split.TEST, 0, clips::add, n -> {});
    java.util.List<io.earshot.training.data.Clip> some = clips.subList(0, 6);
    double[] exported;
    try (SavedModelScorer scorer = SavedModelScorer.load(outcome.modelDir())) {
      exported = scorer.score(some);
    }
    try (io.earshot.training.model.TfTrainer last =
        io.earshot.training.model.TfTrainer.create(net)) {
      last.restoreCheckpoint(out.resolve("checkpoints/last"));
      float[] lastScores = last.predict(batch(net, some));
      double apart = 0;
      for (int i = 0; i < some.size(); i++) {
        apart = Math.max(apart, Math.abs(lastScores[i] - exported[i]));
      }
      assertThat(apart)
          .as("the average answers otherwise than its last sample")
          .isGreaterThan(1e-5);
    }

    // Resumed with averaging from another epoch: refused, as the schedule and average differ.
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                new TrainingRun(
                        new TrainingOptions(
                            net, out, 3, 8, 1, 5, true, net.learningRate(), null, false, 1),
                        dataset(net),
                        "d")
                    .run())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("weights averaged from epoch: 2 vs 1");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> new TrainingOptions(net, out, 2, 8, 1, 5, false, 0.02f, null, false, 3))
        .hasMessageContaining("--average-from must be an epoch from 1 to --epochs (2)");
  }

  @Test
  void shouldContinueTheSameAverageWhenAnAveragingRunIsResumed() throws Exception {
    NetConfig net = NetConfig.tiny();
    Path out = dir.resolve("average-resume");
    new TrainingRun(
            new TrainingOptions(net, out, 1, 8, 1, 5, false, net.learningRate(), null, false, 1),
            dataset(net),
            "d")
        .run();
    assertThat(out.resolve("checkpoints").resolve(TrainingRun.AVERAGE_FILE)).isNotEmptyFile();

    new TrainingRun(
            new TrainingOptions(net, out, 2, 8, 1, 5, true, net.learningRate(), null, false, 1),
            dataset(net),
            "d")
        .run();

    // The first run's four samples were kept, and the second epoch's added to them.
    java.util.Map<?, ?> averaged =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readValue(out.resolve(TrainingRun.AVERAGED_FILE).toFile(), java.util.Map.class);
    assertThat(averaged.get("samples")).isEqualTo(8);
  }

  @Test
  void shouldSampleFourEvenlySpacedStepsPerEpochAndHoldTheRateWhenAveraging() {
    for (int steps : new int[] {4, 7, 10, 333}) {
      java.util.List<Integer> sampled = new java.util.ArrayList<>();
      for (int s = 0; s < steps; s++) {
        if (TrainingRun.sampleStep(s, steps)) {
          sampled.add(s);
        }
      }
      assertThat(sampled).as("%d steps", steps).hasSize(4).endsWith(steps - 1);
    }
    assertThat(java.util.stream.IntStream.range(0, 3).filter(s -> TrainingRun.sampleStep(s, 3)))
        .containsExactly(0, 1, 2);
    assertThat(TrainingRun.averagingRate(0.01f, 0, 5))
        .isCloseTo(0.002f, org.assertj.core.data.Offset.offset(1e-7f));
    assertThat(TrainingRun.averagingRate(0.01f, 4, 5)).isEqualTo(0.01f);
    assertThat(TrainingRun.averagingRate(0.01f, 5000, 5)).isEqualTo(0.01f);
  }

  private static io.earshot.training.model.ClipBatch batch(
      NetConfig net, java.util.List<io.earshot.training.data.Clip> clips) {
    int frameBytes = net.framesPerClip() * net.frameSize() * net.frameSize() * 3;
    int audioFloats = net.samplesPerClip() * 2;
    byte[] f = new byte[clips.size() * frameBytes];
    float[] a = new float[clips.size() * audioFloats];
    for (int i = 0; i < clips.size(); i++) {
      System.arraycopy(clips.get(i).rgb(), 0, f, i * frameBytes, frameBytes);
      System.arraycopy(clips.get(i).audio(), 0, a, i * audioFloats, audioFloats);
    }
    return new io.earshot.training.model.ClipBatch(clips.size(), f, a, null);
  }

  @Test
  void shouldKeepClipsOnDiskAs16BitPcmAlignedAndSwapThemOnTheWayOut(@TempDir Path tmp) {
    // As read: the reader swapped the first clip's channels for its own label.
    float[] read = {-0.25f, 0.5f, -2f, 1.5f, 0f, 1e-3f};
    // Two frames of one row of two pixels: mirroring exchanges the pixels of each row.
    byte[] rgb = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    Path file = tmp.resolve("clips.cache");
    float lsb = 1f / 32767;
    try (ClipCache cache = new ClipCache(file, 2, 2, read.length)) {
      cache.add(clip(rgb, read, true));
      cache.add(clip(new byte[12], new float[] {0.1f, -0.1f, 0f, 0f, 0f, 0f}, false));

      assertThat(cache.size()).isEqualTo(2);
      assertThat(cache.bytesOnDisk()).isEqualTo(2 * (12 + 2 * 6));
      assertThat(cache.swapped(0)).isTrue();
      assertThat(cache.swapped(1)).isFalse();
      ClipCache.Reader reader = cache.reader();
      float[] aligned = new float[8];
      reader.read(0).copyAudio(aligned, 2, false);
      assertThat(aligned[2]).isCloseTo(0.5f, org.assertj.core.data.Offset.offset(lsb));
      assertThat(aligned[3]).isCloseTo(-0.25f, org.assertj.core.data.Offset.offset(lsb));
      assertThat(aligned[4]).isEqualTo(1f); // clipped to full scale
      assertThat(aligned[5]).isEqualTo(-1f);
      assertThat(aligned[6]).isCloseTo(1e-3f, org.assertj.core.data.Offset.offset(lsb));
      // Exactly the 16-bit codes: 0.5 -> 16384, 1e-3 -> 33 (of 32767).
      assertThat(aligned[2]).isEqualTo(16384 / 32767f);
      assertThat(aligned[6]).isEqualTo(33 / 32767f);
      float[] swapped = new float[6];
      reader.copyAudio(swapped, 0, true);
      assertThat(swapped[0]).isEqualTo(aligned[3]);
      assertThat(swapped[1]).isEqualTo(aligned[2]);
      byte[] frames = new byte[14];
      reader.copyFrames(frames, 1, false);
      assertThat(frames).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0);
      reader.copyFrames(frames, 1, true);
      assertThat(frames).containsExactly(0, 4, 5, 6, 1, 2, 3, 10, 11, 12, 7, 8, 9, 0);
      // Reading another clip replaces what the reader holds.
      reader.read(1).copyAudio(swapped, 0, false);
      assertThat(swapped[0]).isCloseTo(0.1f, org.assertj.core.data.Offset.offset(lsb));
      assertThat(swapped[1]).isCloseTo(-0.1f, org.assertj.core.data.Offset.offset(lsb));
      reader.copyFrames(frames, 0, false);
      assertThat(frames).startsWith(0, 0, 0, 0);

      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> cache.add(clip(new byte[3], read, false)))
          .hasMessageContaining("3 frame bytes")
          .hasMessageContaining("holds 12");
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> reader.read(2))
          .isInstanceOf(IndexOutOfBoundsException.class);
    }
    assertThat(file).doesNotExist();
  }

  private static io.earshot.training.data.Clip clip(byte[] rgb, float[] audio, boolean swapped) {
    return new io.earshot.training.data.Clip(
        "v", 0, 0, io.earshot.training.data.Split.TRAIN, swapped, false, null, rgb, audio);
  }

  @Test
  void shouldWarmUpThenDecayTheLearningRate() {
    assertThat(TrainingRun.learningRate(0.1f, 0, 100, 10)).isEqualTo(0.01f);
    assertThat(TrainingRun.learningRate(0.1f, 10, 100, 10)).isEqualTo(0.1f);
    assertThat(TrainingRun.learningRate(0.1f, 99, 100, 10)).isLessThan(0.01f);
  }

  @Test
  void shouldRefuseToLoadClipsThatWillNotFitOnTheDiskAndSayHowToFixIt() {
    long mib = 1L << 20;
    Path out = Path.of("/data/run");
    // 20 videos loaded, 2 GiB so far: 3000 videos need ~300 GiB, 60 GiB are free.
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> TrainingRun.checkDisk(2048 * mib, 20, 3000, out, 60L * 1024 * mib))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("3000 videos")
        .hasMessageContaining("300.0 GiB")
        .hasMessageContaining("/data/run")
        .hasMessageContaining("60.0 GiB free")
        .hasMessageContaining("fewer or shorter videos");
    // 1000 videos of 2.6 MiB each fit in 6 GiB of free space, but not in 3.
    TrainingRun.checkDisk(52 * mib, 20, 1000, out, 6L * 1024 * mib);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> TrainingRun.checkDisk(52 * mib, 20, 1000, out, 3L * 1024 * mib))
        .hasMessageContaining("3.0 GiB free");
  }

  private static void copyTree(Path from, Path to) throws java.io.IOException {
    try (java.util.stream.Stream<Path> files = Files.walk(from)) {
      for (Path p : files.toList()) {
        Files.copy(p, to.resolve(from.relativize(p).toString()));
      }
    }
  }
}
