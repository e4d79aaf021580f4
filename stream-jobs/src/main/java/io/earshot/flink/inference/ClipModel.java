package io.earshot.flink.inference;

import io.earshot.domain.ClassicalFlipDetector;
import io.earshot.training.data.Clip;
import io.earshot.training.data.ClipSpec;
import io.earshot.training.data.Split;
import io.earshot.training.eval.SavedModelScorer;
import io.earshot.training.eval.TrackConfidence;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The model a running job serves: the exported network (SavedModel, verified against its metadata)
 * or the classical detector. Turns assembled clips into the model's input exactly as the training
 * data was made: frames squashed to size/0.875 and centre-cropped (by {@link FrameDecoder}, once
 * per frame as it enters the job), audio as float PCM in [-1, 1].
 */
public final class ClipModel implements AutoCloseable {

  private final SavedModelScorer network;
  private final ClipSpec spec;
  private final String version;
  private final io.earshot.training.eval.FlipScorer scorer;

  private ClipModel(SavedModelScorer network, ClipSpec spec, String version) {
    this.network = network;
    this.spec = spec;
    this.version = version;
    this.scorer = network != null ? network : new io.earshot.training.eval.ClassicalScorer();
  }

  /** The model as a clip scorer (for validation). */
  public io.earshot.training.eval.FlipScorer scorer() {
    return scorer;
  }

  /** Opens a published release's directory, checking its digest against the release record. */
  public static ClipModel openRelease(java.net.URI uri, String expectedSha256, int threads) {
    Path dir = "file".equals(uri.getScheme()) ? Path.of(uri) : Path.of(uri.toString());
    io.earshot.training.release.ModelMetadata meta =
        io.earshot.training.release.ModelFiles.verify(dir, null);
    String digest = io.earshot.training.release.ModelFiles.digest(meta.files());
    if (!digest.equals(expectedSha256)) {
      throw new io.earshot.training.release.InvalidModelException(
          "release digest "
              + expectedSha256
              + " does not match the files at "
              + dir
              + " ("
              + digest
              + ")");
    }
    return open(dir.toString(), threads);
  }

  /** Opens a model directory, or the classical detector for "classical". */
  public static ClipModel open(String model) {
    return open(model, 0);
  }

  /**
   * Opens a model with {@code threads} TensorFlow intra-op threads (0 = all cores): an operator
   * passes its slot's share of the cores.
   */
  public static ClipModel open(String model, int threads) {
    if ("classical".equals(model)) {
      return new ClipModel(null, new ClipSpec(3, 6, 112, 112, 16_000), "classical");
    }
    SavedModelScorer scorer = SavedModelScorer.load(Path.of(model), threads);
    return new ClipModel(scorer, scorer.clipSpec(), scorer.metadata().version());
  }

  public String version() {
    return version;
  }

  public ClipSpec spec() {
    return spec;
  }

  /**
   * Result per clip: flip probability, the classical source positions, the learned one (NaN when
   * the model has no tracker) and the probability that it is right (NaN when the tracker carries no
   * {@link TrackConfidence}).
   */
  public record Scored(
      double flipProbability,
      double audioX,
      double visualX,
      double confidence,
      double learnedX,
      double learnedConfidence) {

    public Scored(double flipProbability, double audioX, double visualX, double confidence) {
      this(flipProbability, audioX, visualX, confidence, Double.NaN, Double.NaN);
    }
  }

  /**
   * Time spent in the last {@link #score(List, ClipSpec)}: building inputs, the network, the
   * tracker.
   */
  public record Timings(long prepareNanos, long modelNanos, long classicalNanos) {}

  private Timings last = new Timings(0, 0, 0);

  /** Where the last {@link #score(List, ClipSpec)} spent its time. */
  public Timings lastTimings() {
    return last;
  }

  /**
   * Scores clips assembled (and their frames decoded) to {@code shape}. A network takes only its
   * own shape (the job checks that before serving it); the classical detector takes any.
   */
  public List<Scored> score(List<ClipJob> jobs, ClipSpec shape) {
    if (network != null && !shape.equals(spec)) {
      throw new IllegalArgumentException(
          "model " + version + " takes clips of " + spec + ", these are " + shape);
    }
    long t0 = System.nanoTime();
    List<Clip> clips = new ArrayList<>(jobs.size());
    for (ClipJob j : jobs) {
      clips.add(toClip(j, shape));
    }
    long t1 = System.nanoTime();
    SavedModelScorer.Located located = network != null ? network.scoreAndLocate(clips) : null;
    double[] p = located != null ? located.flipProbability() : null;
    long t2 = System.nanoTime();
    List<Scored> out = new ArrayList<>(jobs.size());
    ClassicalFlipDetector classical = new ClassicalFlipDetector(shape.sampleRate(), shape.fps());
    TrackConfidence trust = network != null ? network.trackConfidence() : null;
    for (int i = 0; i < clips.size(); i++) {
      Clip c = clips.get(i);
      ClassicalFlipDetector.Result r =
          classical.score(c.rgb(), shape.frames(), shape.height(), shape.width(), c.audio());
      double learnedX = located != null ? located.x()[i] : Double.NaN;
      out.add(
          new Scored(
              p != null ? p[i] : r.flipProbability(),
              r.audioPosition(),
              r.visualPosition(),
              r.confidence(),
              learnedX,
              trust != null && !Double.isNaN(learnedX)
                  ? trust.probability(learnedX, r.audioPosition(), r.visualPosition())
                  : Double.NaN));
    }
    last = new Timings(t1 - t0, t2 - t1, System.nanoTime() - t2);
    return out;
  }

  /**
   * The model's input for a clip: its frames were decoded, squashed and cropped by {@link
   * FrameDecoder} when they entered the job; the audio becomes float PCM in [-1, 1].
   */
  Clip toClip(ClipJob j, ClipSpec shape) {
    int frameBytes = shape.frames() * shape.height() * shape.width() * 3;
    if (j.rgb == null || j.rgb.length != frameBytes) {
      throw new IllegalArgumentException(
          "clip of "
              + j.streamId
              + " has "
              + (j.rgb == null ? 0 : j.rgb.length)
              + " frame bytes; the model takes "
              + frameBytes
              + " ("
              + shape.frames()
              + " frames of "
              + shape.width()
              + "x"
              + shape.height()
              + " RGB)");
    }
    int samples = shape.samples();
    float[] audio = new float[samples * 2];
    int n = Math.min(samples, j.pcm.length / j.channels);
    for (int i = 0; i < n; i++) {
      audio[2 * i] = j.pcm[i * j.channels] / 32768f;
      audio[2 * i + 1] = j.pcm[i * j.channels + 1] / 32768f;
    }
    return new Clip(
        j.streamId, 0, j.startMicros / 1e6, Split.TEST, false, false, shape, j.rgb, audio);
  }

  @Override
  public void close() {
    if (network != null) {
      network.close();
    }
  }
}
