package io.earshot.training.eval;

import io.earshot.training.data.Clip;
import io.earshot.training.data.ClipSpec;
import io.earshot.training.model.ModelSignatures;
import io.earshot.training.release.InputContract;
import io.earshot.training.release.ModelFiles;
import io.earshot.training.release.ModelMetadata;
import io.earshot.training.tf.Tensors;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.SessionFunction;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TUint8;

/**
 * Scores clips with an exported Earshot SavedModel through its {@code flip} signature. The model's
 * files are verified against its metadata first, so a damaged or foreign model is rejected with a
 * clear error instead of producing numbers.
 */
public final class SavedModelScorer implements FlipScorer {

  private final SavedModelBundle bundle;
  private final SessionFunction flip;
  private final ModelMetadata metadata;
  private final ClipSpec spec;
  private final LinearTracker tracker;
  // With a tracker: the tensors one session run feeds (frames, audio) and fetches (flip
  // probability, audio embedding), resolved once from the two signatures.
  private final String[] trackedRun;

  private SavedModelScorer(SavedModelBundle bundle, ModelMetadata metadata, LinearTracker tracker) {
    this.bundle = bundle;
    this.metadata = metadata;
    this.tracker = tracker;
    this.flip = bundle.function(ModelSignatures.FLIP);
    if (tracker != null) {
      org.tensorflow.Signature scoring = flip.signature();
      org.tensorflow.Signature embed = bundle.function(ModelSignatures.EMBED).signature();
      this.trackedRun =
          new String[] {
            scoring.getInputs().get(ModelSignatures.FRAMES).name,
            scoring.getInputs().get(ModelSignatures.AUDIO).name,
            scoring.getOutputs().get(ModelSignatures.FLIP_PROBABILITY).name,
            embed.getOutputs().get(ModelSignatures.AUDIO_EMBEDDING).name
          };
    } else {
      this.trackedRun = null;
    }
    InputContract in = metadata.input();
    this.spec = new ClipSpec(in.clipSeconds(), in.fps(), in.width(), in.height(), in.sampleRate());
  }

  /** Verifies and loads a model directory with TensorFlow's default thread pools. */
  public static SavedModelScorer load(Path dir) {
    return load(dir, 0);
  }

  /**
   * Verifies and loads a model directory.
   *
   * @param threads intra-op threads for this model (0 = TensorFlow's default, all cores); a
   *     streaming operator passes its share of the machine so parallel instances do not
   *     oversubscribe the CPU. Soft placement lets the graph run on a GPU when the GPU natives
   *     (Maven profile {@code gpu}) and a device are present, and on the CPU otherwise.
   */
  public static SavedModelScorer load(Path dir, int threads) {
    ModelMetadata meta = ModelFiles.verify(dir, null);
    org.tensorflow.proto.ConfigProto.Builder config =
        org.tensorflow.proto.ConfigProto.newBuilder().setAllowSoftPlacement(true);
    if (threads > 0) {
      config.setIntraOpParallelismThreads(threads).setInterOpParallelismThreads(1);
    }
    LinearTracker tracker = LinearTracker.read(dir);
    return new SavedModelScorer(
        SavedModelBundle.loader(dir.toString())
            .withTags(ModelSignatures.SERVE_TAG)
            .withConfigProto(config.build())
            .load(),
        meta,
        tracker);
  }

  public ModelMetadata metadata() {
    return metadata;
  }

  @Override
  public String name() {
    return "network " + metadata.name() + " " + metadata.version();
  }

  @Override
  public ClipSpec clipSpec() {
    return spec;
  }

  @Override
  public double[] score(List<Clip> clips) {
    try (TUint8 f = frames(clips);
        TFloat32 a = audio(clips);
        Result r = flip.call(Map.of(ModelSignatures.FRAMES, f, ModelSignatures.AUDIO, a))) {
      float[] p = Tensors.toFloatArray(r.get(ModelSignatures.FLIP_PROBABILITY).orElseThrow());
      double[] out = new double[clips.size()];
      for (int i = 0; i < out.length; i++) {
        out[i] = p[i];
      }
      return out;
    }
  }

  /**
   * How far to trust the learned tracker's positions, or null when the model has no tracker or one
   * fitted before confidences were.
   */
  public TrackConfidence trackConfidence() {
    return tracker == null ? null : tracker.confidence();
  }

  /** Whether the model carries a learned tracker ({@link LinearTracker#FILE_NAME}). */
  public boolean hasTracker() {
    return tracker != null;
  }

  /** Flip probabilities and learned source positions (NaN without a tracker), per clip. */
  public record Located(double[] flipProbability, double[] x) {}

  /**
   * Scores clips and, when the model has a tracker, locates their sound from the audio embedding
   * computed in the same run of the network (one pass: both outputs share the graph's inputs).
   */
  public Located scoreAndLocate(List<Clip> clips) {
    int n = clips.size();
    double[] x = new double[n];
    java.util.Arrays.fill(x, Double.NaN);
    if (tracker == null) {
      return new Located(score(clips), x);
    }
    try (TUint8 f = frames(clips);
        TFloat32 a = audio(clips);
        Result r =
            bundle
                .session()
                .runner()
                .feed(trackedRun[0], f)
                .feed(trackedRun[1], a)
                .fetch(trackedRun[2])
                .fetch(trackedRun[3])
                .run()) {
      float[] p = Tensors.toFloatArray(r.get(0));
      List<double[]> embeddings = timeMeans(r.get(1), n);
      int d = embeddings.isEmpty() ? tracker.features() : embeddings.get(0).length;
      if (d != tracker.features()) {
        throw new io.earshot.training.release.InvalidModelException(
            "the tracker of model "
                + metadata.version()
                + " takes "
                + tracker.features()
                + " features, the network's audio embedding has "
                + d);
      }
      double[] out = new double[n];
      for (int i = 0; i < n; i++) {
        out[i] = p[i];
        x[i] = tracker.predict(embeddings.get(i));
      }
      return new Located(out, x);
    }
  }

  /**
   * The audio stream's embedding of each clip through the {@code embed} signature, averaged over
   * time: one vector per clip, in order (batches of 32).
   */
  public List<double[]> audioEmbeddings(List<Clip> clips) {
    SessionFunction embed = bundle.function(ModelSignatures.EMBED);
    List<double[]> out = new java.util.ArrayList<>(clips.size());
    for (int from = 0; from < clips.size(); from += 32) {
      List<Clip> batch = clips.subList(from, Math.min(clips.size(), from + 32));
      try (TUint8 f = frames(batch);
          TFloat32 a = audio(batch);
          Result r = embed.call(Map.of(ModelSignatures.FRAMES, f, ModelSignatures.AUDIO, a))) {
        out.addAll(timeMeans(r.get(ModelSignatures.AUDIO_EMBEDDING).orElseThrow(), batch.size()));
      }
    }
    return out;
  }

  /** The clips' frames as one {@code uint8 [n, T, H, W, 3]} input. */
  private TUint8 frames(List<Clip> clips) {
    int frameBytes = spec.frames() * spec.height() * spec.width() * 3;
    byte[] frames = new byte[clips.size() * frameBytes];
    for (int i = 0; i < clips.size(); i++) {
      System.arraycopy(clips.get(i).rgb(), 0, frames, i * frameBytes, frameBytes);
    }
    return Tensors.bytes(
        Shape.of(clips.size(), spec.frames(), spec.height(), spec.width(), 3), frames);
  }

  /** The clips' stereo audio as one {@code float32 [n, samples, 2]} input. */
  private TFloat32 audio(List<Clip> clips) {
    int audioFloats = spec.samples() * 2;
    float[] audio = new float[clips.size() * audioFloats];
    for (int i = 0; i < clips.size(); i++) {
      System.arraycopy(clips.get(i).audio(), 0, audio, i * audioFloats, audioFloats);
    }
    return Tensors.floats(Shape.of(clips.size(), spec.samples(), 2), audio);
  }

  /** Each clip's {@code [n, T, d]} embedding averaged over T. */
  private static List<double[]> timeMeans(org.tensorflow.Tensor embedding, int n) {
    long[] shape = embedding.shape().asArray();
    int steps = (int) shape[1];
    int d = (int) shape[2];
    float[] v = Tensors.toFloatArray(embedding);
    List<double[]> out = new java.util.ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      double[] mean = new double[d];
      for (int t = 0; t < steps; t++) {
        for (int j = 0; j < d; j++) {
          mean[j] += v[(i * steps + t) * d + j] / steps;
        }
      }
      out.add(mean);
    }
    return out;
  }

  @Override
  public void close() {
    bundle.close();
  }
}
