package io.earshot.training.eval;

import io.earshot.domain.ClassicalFlipDetector;
import io.earshot.training.data.Clip;
import io.earshot.training.data.ClipDataset;
import io.earshot.training.data.ClipSpec;
import io.earshot.training.data.Split;
import io.earshot.training.scene.GroundTruth;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Sound-source tracking against the generator's ground truth: on clips where exactly one visible
 * object sounds, the mean absolute error of the estimated horizontal position, as a percentage of
 * the frame width, for the audio-only interaural estimate, the visual salience estimate, and their
 * fusion (what the job writes as FUSED tracks); with a network, also its learned tracker (LEARNED
 * tracks): the one stored with the model, or a {@link LinearTracker} fitted here on a separate set
 * of generated videos. The single-source clips are held in memory (~0.46 MB each at the cpu
 * config).
 */
public final class TrackingEvaluation {

  /**
   * Mean absolute x-errors in % of frame width, and the clips they cover. {@code learned} is NaN
   * when no learned tracker was fitted; {@code learnedFitClips} is how many clips it was fitted on.
   */
  public record Result(
      int clips,
      double audioOnly,
      double visual,
      double fused,
      double learned,
      int learnedFitClips,
      double learnedLambda) {

    public Result(int clips, double audioOnly, double visual, double fused) {
      this(clips, audioOnly, visual, fused, Double.NaN, 0, Double.NaN);
    }
  }

  /** Clips with one visible sounding object, as recorded (label swap undone), and its x. */
  record Labelled(List<Clip> clips, double[] x) {}

  private TrackingEvaluation() {}

  public static Result run(ClipDataset dataset, Path root) {
    return run(dataset, root, null, null, null);
  }

  /**
   * As {@link #run(ClipDataset, Path)}; when {@code network} and {@code fit} are given, also fits a
   * {@link LinearTracker} on the single-source clips of {@code fit} (videos with ground truth in
   * {@code fitRoot}, which must not be the evaluated ones) and reports its error here; with a
   * network that has a tracker and no {@code fit}, reports the stored tracker's error.
   */
  public static Result run(
      ClipDataset dataset, Path root, SavedModelScorer network, ClipDataset fit, Path fitRoot) {
    return result(labelled(dataset, root), network, fit, fitRoot);
  }

  /**
   * Tracking and track confidence in the evaluation's own pass over the clips, so they are decoded
   * once: hand it every evaluated clip (it is an {@link Evaluation.ClipListener}), then read {@link
   * #result} and {@link #confidenceCheck}. It keeps the clips with one visible sounding object
   * (~0.46 MB each at the cpu config) and scores the others' learned positions in batches as they
   * come.
   */
  public static final class Pass implements Evaluation.ClipListener {
    private final SingleSources single;
    private final PositionCollector positions;
    private final PositionCollector fused;
    private final SavedModelScorer network;

    /**
     * @param truths the evaluated videos' ground truth (shared with the pass's {@link
     *     Decidability}, so each video's is read once)
     * @param network the evaluated network, or null for the classical estimates alone
     * @param checkConfidence also check the track confidence stored with the network (ignored when
     *     it has none)
     */
    public Pass(GroundTruths truths, SavedModelScorer network, boolean checkConfidence) {
      this.network = network;
      this.single = new SingleSources(truths);
      this.positions =
          checkConfidence && network != null && network.trackConfidence() != null
              ? new PositionCollector(batch -> network.scoreAndLocate(batch).x(), truths)
              : null;
      this.fused = new PositionCollector(null, truths);
    }

    @Override
    public void scored(
        Clip clip, Boolean decidable, ClipSlice slice, Boolean tellable, double[] probabilities) {
      single.add(clip);
      if (positions != null) {
        positions.add(clip);
      }
      fused.add(clip);
    }

    /**
     * The shipped FUSED track confidence ({@link TrackConfidence#fused()}) checked on every clip
     * with ground truth, with the FUSED position in the learned one's place.
     */
    public ConfidenceCheck fusedConfidenceCheck() {
      return check(TrackConfidence.fused(), fused.finish());
    }

    /**
     * A FUSED track confidence fitted on every clip with ground truth (its Brier scores measured on
     * the last fifth), as {@link TrackConfidence#fused()} was.
     */
    public TrackConfidence fitFusedConfidence() {
      Positions p = fused.finish();
      return TrackConfidence.fitWithValidation(p.features(), p.right(), p.lateral());
    }

    /**
     * As {@link TrackingEvaluation#run(ClipDataset, Path, SavedModelScorer, ClipDataset, Path)}.
     */
    public Result result(ClipDataset fit, Path fitRoot) {
      return TrackingEvaluation.result(single.labelled(), network, fit, fitRoot);
    }

    /**
     * As {@link TrackingEvaluation#checkConfidence}; null when not asked for or the network has no
     * calibrated tracker.
     */
    public ConfidenceCheck confidenceCheck() {
      return positions == null ? null : check(network.trackConfidence(), positions.finish());
    }
  }

  private static Result result(
      Labelled test, SavedModelScorer network, ClipDataset fit, Path fitRoot) {
    double[] sums = new double[3];
    List<Clip> clips = test.clips();
    for (int i = 0; i < clips.size(); i++) {
      Clip clip = clips.get(i);
      double truthX = test.x()[i];
      ClassicalFlipDetector.Result r =
          new ClassicalFlipDetector(clip.spec().sampleRate(), clip.spec().fps())
              .score(
                  clip.rgb(),
                  clip.spec().frames(),
                  clip.spec().height(),
                  clip.spec().width(),
                  clip.audio());
      double visual = Double.isNaN(r.visualPosition()) ? 0.5 : r.visualPosition();
      double audioX = r.audioPosition();
      double fused = ClassicalFlipDetector.fusedPosition(audioX, r.visualPosition());
      sums[0] += Math.abs(audioX - truthX);
      sums[1] += Math.abs(visual - truthX);
      sums[2] += Math.abs(fused - truthX);
    }
    int c = Math.max(1, clips.size());
    if (network != null && fit == null && network.hasTracker() && !clips.isEmpty()) {
      // The tracker stored with the model, as the job uses it.
      double learned = 0;
      for (int from = 0; from < clips.size(); from += 32) {
        List<Clip> batch = clips.subList(from, Math.min(clips.size(), from + 32));
        double[] x = network.scoreAndLocate(batch).x();
        for (int i = 0; i < x.length; i++) {
          learned += Math.abs(x[i] - test.x()[from + i]);
        }
      }
      return new Result(
          clips.size(),
          100 * sums[0] / c,
          100 * sums[1] / c,
          100 * sums[2] / c,
          100 * learned / c,
          0,
          Double.NaN);
    }
    if (network == null || fit == null || clips.isEmpty()) {
      return new Result(clips.size(), 100 * sums[0] / c, 100 * sums[1] / c, 100 * sums[2] / c);
    }
    Labelled train = labelled(fit, fitRoot);
    LinearTracker tracker =
        LinearTracker.fitWithValidation(
            network.audioEmbeddings(train.clips()), train.x(), 1e-3, 1e-2, 1e-1, 1);
    double learned = tracker.meanAbsoluteError(network.audioEmbeddings(clips), test.x());
    return new Result(
        clips.size(),
        100 * sums[0] / c,
        100 * sums[1] / c,
        100 * sums[2] / c,
        100 * learned,
        train.clips().size(),
        tracker.lambda());
  }

  /**
   * Fits a {@link LinearTracker} for the exported model in {@code modelDir} on the single-source
   * clips of {@code fit} (generated videos with ground truth in {@code fitRoot}) and its {@link
   * TrackConfidence} on all of them, stores both as {@value LinearTracker#FILE_NAME} with the model
   * and re-signs the model's file digests; the job then writes LEARNED tracks with this model.
   */
  public static LinearTracker fitAndStore(Path modelDir, ClipDataset fit, Path fitRoot) {
    return fitAndStore(List.of(modelDir), fit, fitRoot).get(0);
  }

  /**
   * As {@link #fitAndStore(Path, ClipDataset, Path)} for several models of one clip contract (a
   * run's model and its weight average) in one pass over the fit videos: each clip is decoded once
   * and keeps only what the fits need (every model's audio embedding, the classical positions, the
   * ground truth), so neither the decode nor the clips in memory grow with the models.
   *
   * @return the trackers, in the order of {@code modelDirs}
   */
  public static List<LinearTracker> fitAndStore(
      List<Path> modelDirs, ClipDataset fit, Path fitRoot) {
    if (modelDirs.isEmpty()) {
      throw new IllegalArgumentException("no model to fit a tracker for");
    }
    List<SavedModelScorer> networks = new ArrayList<>();
    List<LinearTracker> trackers = new ArrayList<>();
    int singleClips;
    try {
      for (Path dir : modelDirs) {
        SavedModelScorer network = SavedModelScorer.load(dir);
        networks.add(network);
        if (!network.clipSpec().equals(networks.get(0).clipSpec())) {
          throw new IllegalArgumentException(
              "cannot fit trackers in one pass for models of different clip contracts: "
                  + modelDirs.get(0)
                  + " takes "
                  + networks.get(0).clipSpec()
                  + ", "
                  + dir
                  + " takes "
                  + network.clipSpec());
        }
      }
      FitPass pass = new FitPass(networks, new GroundTruths(fitRoot));
      fit.forEach(Split.TEST, 0, pass::add, v -> {});
      pass.flush();
      singleClips = pass.singleX.size();
      if (singleClips < 10) {
        throw new IllegalArgumentException(
            "only "
                + singleClips
                + " clips with one visible sounding object in "
                + fitRoot
                + ": the tracker is fitted on generated scenes with ground truth");
      }
      for (int m = 0; m < networks.size(); m++) {
        trackers.add(pass.fit(m));
      }
    } finally {
      networks.forEach(SavedModelScorer::close);
    }
    for (int m = 0; m < modelDirs.size(); m++) {
      store(modelDirs.get(m), trackers.get(m), singleClips);
    }
    return trackers;
  }

  private static void store(Path modelDir, LinearTracker tracker, int fitClips) {
    tracker.write(modelDir, fitClips);
    io.earshot.training.release.ModelMetadata meta =
        io.earshot.training.release.ModelMetadata.read(modelDir);
    Map<String, Double> metrics = new java.util.LinkedHashMap<>(meta.metrics());
    metrics.put("tracking_x_mae_validation", tracker.validationError());
    metrics.put("tracking_confidence_brier_validation", tracker.confidence().validationBrier());
    metrics.put("tracking_lateral_brier_validation", tracker.confidence().validationLateralBrier());
    meta.withMetrics(metrics)
        .withFiles(io.earshot.training.release.ModelFiles.hashes(modelDir))
        .write(modelDir);
  }

  /**
   * The tracker fit's one pass: per clip as recorded, each network's audio embedding (in batches of
   * 32), the classical audio and visual positions, the x of its one visible sounding object (or
   * none) and the x of every object visible and sounding for most of it. The tracker is fitted on
   * the clips with one such object, then its confidence on every clip: a position is right when it
   * is within {@link TrackConfidence#TOLERANCE} of one of them, so clips with none teach it when to
   * doubt.
   */
  private static final class FitPass {
    private final List<SavedModelScorer> networks;
    private final GroundTruths truths;
    private final ClassicalFlipDetector classical;
    private final List<List<double[]>> embeddings = new ArrayList<>();
    private final List<double[]> classicalXs = new ArrayList<>();
    private final List<List<Double>> visibleXs = new ArrayList<>();
    private final List<Integer> singleIndex = new ArrayList<>();
    private final List<Double> singleX = new ArrayList<>();
    private final List<Clip> batch = new ArrayList<>();

    FitPass(List<SavedModelScorer> networks, GroundTruths truths) {
      this.networks = networks;
      this.truths = truths;
      ClipSpec spec = networks.get(0).clipSpec();
      this.classical = new ClassicalFlipDetector(spec.sampleRate(), spec.fps());
      networks.forEach(n -> embeddings.add(new ArrayList<>()));
    }

    void add(Clip clip) {
      GroundTruth truth = truths.of(clip.videoId());
      if (truth == null) {
        return;
      }
      List<Double> xs = visibleSourceXs(truth, clip);
      Double single = singleSourceX(truth, clip);
      if (single != null) {
        singleIndex.add(visibleXs.size());
        singleX.add(clip.mirrored() ? 1 - single : single);
      }
      visibleXs.add(xs);
      Clip recorded = asRecorded(clip);
      ClassicalFlipDetector.Result r =
          classical.score(
              recorded.rgb(),
              recorded.spec().frames(),
              recorded.spec().height(),
              recorded.spec().width(),
              recorded.audio());
      classicalXs.add(new double[] {r.audioPosition(), r.visualPosition()});
      batch.add(recorded);
      if (batch.size() == 32) {
        flush();
      }
    }

    void flush() {
      if (batch.isEmpty()) {
        return;
      }
      for (int m = 0; m < networks.size(); m++) {
        embeddings.get(m).addAll(networks.get(m).audioEmbeddings(batch));
      }
      batch.clear();
    }

    LinearTracker fit(int model) {
      List<double[]> all = embeddings.get(model);
      List<double[]> single = singleIndex.stream().map(all::get).toList();
      LinearTracker tracker =
          LinearTracker.fitWithValidation(
              single,
              singleX.stream().mapToDouble(Double::doubleValue).toArray(),
              1e-3,
              1e-2,
              1e-1,
              1);
      PositionsBuilder positions = new PositionsBuilder();
      for (int i = 0; i < all.size(); i++) {
        double[] c = classicalXs.get(i);
        positions.add(tracker.predict(all.get(i)), c[0], c[1], visibleXs.get(i));
      }
      Positions p = positions.build();
      return tracker.withConfidence(
          TrackConfidence.fitWithValidation(p.features(), p.right(), p.lateral()));
    }
  }

  static Labelled labelled(ClipDataset dataset, Path root) {
    SingleSources single = new SingleSources(new GroundTruths(root));
    dataset.forEach(Split.TEST, 0, single::add, v -> {});
    return single.labelled();
  }

  /** Keeps the clips with one visible sounding object, as recorded, and that object's x. */
  private static final class SingleSources {
    private final GroundTruths truths;
    private final List<Clip> clips = new ArrayList<>();
    private final List<Double> xs = new ArrayList<>();

    SingleSources(GroundTruths truths) {
      this.truths = truths;
    }

    void add(Clip clip) {
      GroundTruth truth = truths.of(clip.videoId());
      Double x = truth == null ? null : singleSourceX(truth, clip);
      if (x == null) {
        return;
      }
      clips.add(asRecorded(clip));
      xs.add(clip.mirrored() ? 1 - x : x);
    }

    Labelled labelled() {
      return new Labelled(clips, xs.stream().mapToDouble(Double::doubleValue).toArray());
    }
  }

  /**
   * The x of every object visible and sounding for most of the clip, as the clip shows it (mirrored
   * when the clip is): where a learned position counts as right.
   */
  private static List<Double> visibleSourceXs(GroundTruth truth, Clip clip) {
    List<Double> xs = new ArrayList<>();
    for (double[] source : mainSources(truth, clip)) {
      if (source[1] == 1) {
        xs.add(clip.mirrored() ? 1 - source[0] : source[0]);
      }
    }
    return xs;
  }

  /** The mean x of the one visible sounding object of the clip, or null if not exactly one. */
  static Double singleSourceX(GroundTruth truth, Clip clip) {
    List<double[]> main = mainSources(truth, clip);
    if (main.size() != 1 || main.get(0)[1] == 0) {
      return null;
    }
    return main.get(0)[0];
  }

  /**
   * The objects that sound for at least half of the clip, each as {mean x over the frames it
   * sounds, 1 if visible in all of them else 0}.
   */
  static List<double[]> mainSources(GroundTruth truth, Clip clip) {
    List<GroundTruth.FrameTruth> frames =
        truth.clipFrames(clip.startSeconds(), clip.spec().seconds());
    Map<Integer, double[]> sounding = new HashMap<>();
    for (GroundTruth.FrameTruth frame : frames) {
      for (GroundTruth.ObjectTruth o : frame.objects()) {
        if (o.sounding()) {
          double[] acc = sounding.computeIfAbsent(o.id(), k -> new double[3]);
          acc[0] += o.cx();
          acc[1]++;
          acc[2] += o.visible() ? 1 : 0;
        }
      }
    }
    List<double[]> main = new ArrayList<>();
    for (double[] a : sounding.values()) {
      if (a[1] >= frames.size() / 2.0) {
        main.add(new double[] {a[0] / a[1], a[2] >= a[1] ? 1 : 0});
      }
    }
    return main;
  }

  /**
   * How well a model's calibrated track confidence tells right learned positions from wrong ones on
   * every clip of {@code dataset}, next to the interaural lateralness the job used before.
   *
   * @param clips clips scored (every clip, whatever its sources)
   * @param right fraction of them whose learned position was right
   * @param brier mean squared error of the confidence as the probability of being right
   * @param lateralBrier the same for the lateralness
   * @param rocAuc how well the confidence ranks right positions above wrong ones
   * @param lateralRocAuc the same for the lateralness
   */
  public record ConfidenceCheck(
      int clips,
      double right,
      double brier,
      double lateralBrier,
      double rocAuc,
      double lateralRocAuc) {}

  /**
   * Checks the track confidence of the tracker stored with {@code network} on every clip of {@code
   * dataset} (generated videos with ground truth in {@code root}), with the positions the job
   * computes; null when the model has no calibrated tracker.
   */
  public static ConfidenceCheck checkConfidence(
      SavedModelScorer network, ClipDataset dataset, Path root) {
    TrackConfidence confidence = network.trackConfidence();
    if (confidence == null) {
      return null;
    }
    return check(
        confidence, positions(network, batch -> network.scoreAndLocate(batch).x(), dataset, root));
  }

  private static ConfidenceCheck check(TrackConfidence confidence, Positions p) {
    int n = p.right().length;
    if (n == 0) {
      return new ConfidenceCheck(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }
    BinaryMetrics calibrated = new BinaryMetrics();
    BinaryMetrics lateral = new BinaryMetrics();
    double right = 0;
    double brier = 0;
    double lateralBrier = 0;
    for (int i = 0; i < n; i++) {
      double y = p.right()[i] ? 1 : 0;
      double q = confidence.probability(p.features().get(i));
      double l = Math.min(1, p.lateral()[i]);
      right += y;
      brier += (q - y) * (q - y);
      lateralBrier += (l - y) * (l - y);
      calibrated.add(p.right()[i], q);
      lateral.add(p.right()[i], l);
    }
    return new ConfidenceCheck(
        n, right / n, brier / n, lateralBrier / n, calibrated.rocAuc(), lateral.rocAuc());
  }

  /**
   * Per clip of a dataset, as recorded: the confidence's inputs, whether the learned position was
   * right, and the interaural lateralness.
   */
  private record Positions(List<double[]> features, boolean[] right, double[] lateral) {}

  private static Positions positions(
      SavedModelScorer network,
      java.util.function.Function<List<Clip>, double[]> locate,
      ClipDataset dataset,
      Path root) {
    PositionCollector collector = new PositionCollector(locate, new GroundTruths(root));
    dataset.forEach(Split.TEST, 0, collector::add, v -> {});
    return collector.finish();
  }

  /**
   * Collects {@link Positions} clip by clip (clips without ground truth are left out), locating
   * them in batches of 32.
   */
  private static final class PositionCollector {
    private final java.util.function.Function<List<Clip>, double[]> locate;
    private final GroundTruths truths;
    private final PositionsBuilder positions = new PositionsBuilder();
    private final List<Clip> batch = new ArrayList<>();
    private final List<List<Double>> batchTruth = new ArrayList<>();

    /**
     * @param locate learned positions of a batch of clips, or null to collect the classical FUSED
     *     position ({@link ClassicalFlipDetector#fusedPosition}) in the learned one's place
     */
    PositionCollector(
        java.util.function.Function<List<Clip>, double[]> locate, GroundTruths truths) {
      this.locate = locate;
      this.truths = truths;
    }

    void add(Clip clip) {
      GroundTruth truth = truths.of(clip.videoId());
      if (truth == null) {
        return;
      }
      List<Double> xs = visibleSourceXs(truth, clip);
      batch.add(asRecorded(clip));
      batchTruth.add(xs);
      if (batch.size() == 32) {
        flush();
      }
    }

    private void flush() {
      double[] learned = locate != null ? locate.apply(batch) : null;
      for (int i = 0; i < batch.size(); i++) {
        Clip c = batch.get(i);
        ClassicalFlipDetector.Result r =
            new ClassicalFlipDetector(c.spec().sampleRate(), c.spec().fps())
                .score(c.rgb(), c.spec().frames(), c.spec().height(), c.spec().width(), c.audio());
        double x =
            learned != null
                ? learned[i]
                : ClassicalFlipDetector.fusedPosition(r.audioPosition(), r.visualPosition());
        positions.add(x, r.audioPosition(), r.visualPosition(), batchTruth.get(i));
      }
      batch.clear();
      batchTruth.clear();
    }

    Positions finish() {
      if (!batch.isEmpty()) {
        flush();
      }
      return positions.build();
    }
  }

  /**
   * Builds {@link Positions} clip by clip: a learned position is right when it is within {@link
   * TrackConfidence#TOLERANCE} of one of the clip's visible sounding objects.
   */
  private static final class PositionsBuilder {
    private final List<double[]> features = new ArrayList<>();
    private final List<Boolean> right = new ArrayList<>();
    private final List<Double> lateral = new ArrayList<>();

    void add(double learnedX, double audioX, double visualX, List<Double> truthXs) {
      features.add(TrackConfidence.features(learnedX, audioX, visualX));
      right.add(
          truthXs.stream().anyMatch(t -> Math.abs(learnedX - t) <= TrackConfidence.TOLERANCE));
      lateral.add(Math.abs(audioX - 0.5) * 2);
    }

    Positions build() {
      boolean[] r = new boolean[right.size()];
      for (int i = 0; i < r.length; i++) {
        r[i] = right.get(i);
      }
      return new Positions(
          features, r, lateral.stream().mapToDouble(Double::doubleValue).toArray());
    }
  }

  /** The clip as recorded: the dataset's label swap and mirroring of the audio undone. */
  private static Clip asRecorded(Clip clip) {
    float[] audio =
        clip.swapped() ^ clip.mirrored()
            ? io.earshot.domain.Pcm.swapLeftRight(clip.audio())
            : clip.audio();
    return new Clip(
        clip.videoId(),
        clip.index(),
        clip.startSeconds(),
        clip.split(),
        false,
        clip.mirrored(),
        clip.spec(),
        clip.rgb(),
        audio);
  }
}
