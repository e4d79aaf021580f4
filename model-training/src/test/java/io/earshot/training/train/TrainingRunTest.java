package io.earshot.training.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.earshot.training.data.ClipDataset;
import io.earshot.training.data.DatasetConfig;
import io.earshot.training.eval.SavedModelScorer;
import io.earshot.training.model.NetConfig;
import io.earshot.training.release.ModelFiles;
import io.earshot.training.release.ModelMetadata;
import io.earshot.training.scene.SceneGenerator;
import io.earshot.training.scene.SceneSpec;
import java.nio.file.Files;
import java.nio.file.Path;
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
                new TrainingOptions(net, out, 2, 8, 1, 5, false), dataset(net), "test scenes")
            .run();

    assertThat(outcome.history()).hasSize(2);
    assertThat(out.resolve("training-curve.png")).isNotEmptyFile();
    assertThat(out.resolve("history.json")).isNotEmptyFile();
    ModelMetadata meta = ModelFiles.verify(outcome.modelDir(), null);
    assertThat(meta.config()).isEqualTo("tiny");
    assertThat(meta.input().frames()).isEqualTo(net.framesPerClip());
    assertThat(meta.training()).containsEntry("data", "test scenes");
    assertThat(meta.metrics()).containsKey("validation_accuracy");
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
    ModelMetadata signed = ModelFiles.verify(outcome.modelDir(), null);
    assertThat(signed.files()).containsKey(io.earshot.training.eval.LinearTracker.FILE_NAME);
    assertThat(signed.metrics()).containsKey("tracking_x_mae_validation");
    try (SavedModelScorer scorer = SavedModelScorer.load(outcome.modelDir())) {
      assertThat(scorer.hasTracker()).isTrue();
      java.util.List<io.earshot.training.data.Clip> clips = new java.util.ArrayList<>();
      ClipDataset.open(videos, all(net))
          .forEach(io.earshot.training.data.Split.TEST, 0, clips::add, n -> {});
      java.util.List<io.earshot.training.data.Clip> some = clips.subList(0, 5);
      SavedModelScorer.Located located = scorer.scoreAndLocate(some);
      double[] plain = scorer.score(some);
      for (int i = 0; i < some.size(); i++) {
        assertThat(located.flipProbability()[i])
            .isCloseTo(plain[i], org.assertj.core.data.Offset.offset(1e-6));
        assertThat(located.x()[i]).isBetween(0.0, 1.0);
      }
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

  @Test
  void shouldContinueFromTheLastCheckpointWhenResumed() throws Exception {
    NetConfig net = NetConfig.tiny();
    Path out = dir.resolve("resume");
    new TrainingRun(new TrainingOptions(net, out, 1, 8, 1, 5, false), dataset(net), "d").run();

    TrainingRun.Outcome resumed =
        new TrainingRun(new TrainingOptions(net, out, 2, 8, 1, 5, true), dataset(net), "d").run();

    // Epoch 1 comes from the first run's history; only epoch 2 ran now.
    assertThat(resumed.history()).extracting(TrainingRun.Epoch::epoch).containsExactly(1, 2);
    assertThat(Files.exists(out.resolve("checkpoints/last.index"))).isTrue();
  }

  @Test
  void shouldWarmUpThenDecayTheLearningRate() {
    assertThat(TrainingRun.learningRate(0.1f, 0, 100, 10)).isEqualTo(0.01f);
    assertThat(TrainingRun.learningRate(0.1f, 10, 100, 10)).isEqualTo(0.1f);
    assertThat(TrainingRun.learningRate(0.1f, 99, 100, 10)).isLessThan(0.01f);
  }

  @Test
  void shouldRefuseToLoadClipsThatWillNotFitInTheHeapAndSayHowToFixIt() {
    long mib = 1L << 20;
    // 20 videos loaded, 2 GiB so far: 3000 videos need ~300 GiB.
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> TrainingRun.checkMemory(2048 * mib, 20, 3000, 6L * 1024 * mib))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("3000 videos")
        .hasMessageContaining("EARSHOT_JAVA_OPTS=-Xmx")
        .hasMessageContaining("fewer or shorter videos");
    // 1000 videos of 2.6 MiB each fit in 6 GiB.
    TrainingRun.checkMemory(52 * mib, 20, 1000, 6L * 1024 * mib);
  }
}
