package io.earshot.flink.inference;

import io.earshot.domain.ClassicalFlipDetector;
import io.earshot.training.data.Clip;
import io.earshot.training.data.ClipSpec;
import io.earshot.training.data.Split;
import io.earshot.training.eval.SavedModelScorer;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * The model a running job serves: the exported network (SavedModel, verified against its metadata)
 * or the classical detector. Turns assembled clips (JPEG frames, PCM) into the model's input
 * exactly as the training data was made: frames squashed to size/0.875 and centre-cropped, audio as
 * float PCM in [-1, 1].
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

  /** Result per clip: flip probability and the classical source position. */
  public record Scored(double flipProbability, double audioX, double visualX, double confidence) {}

  public List<Scored> score(List<ClipJob> jobs) {
    List<Clip> clips = new ArrayList<>(jobs.size());
    for (ClipJob j : jobs) {
      clips.add(toClip(j));
    }
    double[] p = network != null ? network.score(clips) : null;
    List<Scored> out = new ArrayList<>(jobs.size());
    for (int i = 0; i < clips.size(); i++) {
      Clip c = clips.get(i);
      ClassicalFlipDetector.Result r =
          new ClassicalFlipDetector(spec.sampleRate(), spec.fps())
              .score(c.rgb(), spec.frames(), spec.height(), spec.width(), c.audio());
      out.add(
          new Scored(
              p != null ? p[i] : r.flipProbability(),
              r.audioPosition(),
              r.visualPosition(),
              r.confidence()));
    }
    return out;
  }

  Clip toClip(ClipJob j) {
    int w = spec.width();
    int h = spec.height();
    int decodeW = spec.decodeWidth();
    int decodeH = spec.decodeHeight();
    int ox = (decodeW - w) / 2;
    int oy = (decodeH - h) / 2;
    byte[] rgb = new byte[spec.frames() * h * w * 3];
    BufferedImage scaled = new BufferedImage(decodeW, decodeH, BufferedImage.TYPE_INT_RGB);
    for (int f = 0; f < spec.frames(); f++) {
      byte[] jpeg = j.jpegs.get(Math.min(f, j.jpegs.size() - 1));
      BufferedImage img;
      try {
        img = ImageIO.read(new ByteArrayInputStream(jpeg));
      } catch (IOException e) {
        throw new UncheckedIOException("frame of " + j.streamId + " is not a readable JPEG", e);
      }
      if (img == null) {
        throw new IllegalArgumentException("frame of " + j.streamId + " is not a readable JPEG");
      }
      Graphics2D g = scaled.createGraphics();
      g.setRenderingHint(
          RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.drawImage(img, 0, 0, decodeW, decodeH, null);
      g.dispose();
      int base = f * h * w * 3;
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          int p = scaled.getRGB(ox + x, oy + y);
          int d = base + (y * w + x) * 3;
          rgb[d] = (byte) (p >> 16);
          rgb[d + 1] = (byte) (p >> 8);
          rgb[d + 2] = (byte) p;
        }
      }
    }
    int samples = spec.samples();
    float[] audio = new float[samples * 2];
    int n = Math.min(samples, j.pcm.length / j.channels);
    for (int i = 0; i < n; i++) {
      audio[2 * i] = j.pcm[i * j.channels] / 32768f;
      audio[2 * i + 1] = j.pcm[i * j.channels + 1] / 32768f;
    }
    return new Clip(j.streamId, 0, j.startMicros / 1e6, Split.TEST, false, false, spec, rgb, audio);
  }

  @Override
  public void close() {
    if (network != null) {
      network.close();
    }
  }
}
