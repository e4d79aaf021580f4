package io.earshot.training.eval;

import io.earshot.training.scene.GroundTruth;
import java.nio.file.Path;
import java.util.List;

/**
 * Whether a generated clip can be told at all: some visible object sounds through most of the clip
 * at least a tenth of the frame away from the centre. A clip whose only sources sit at the centre,
 * are off screen or silent is a coin toss for any detector, so evaluations report accuracy on the
 * decidable clips next to the overall figure. It also tells each clip's {@link ClipSlice}.
 */
public final class Decidability {

  private final GroundTruths truths;
  private final double tolerance;

  /** With the {@link IdealObserver}'s default resolution, {@link IdealObserver#TOLERANCE}. */
  public Decidability(Path root) {
    this(root, IdealObserver.TOLERANCE);
  }

  /** With an {@link IdealObserver} locating to {@code tolerance} of the frame width. */
  public Decidability(Path root, double tolerance) {
    this(new GroundTruths(root), tolerance);
  }

  /**
   * With an {@link IdealObserver} locating to {@code tolerance} of the frame width, reading ground
   * truth through {@code truths} (shared with the rest of an evaluation's pass).
   */
  public Decidability(GroundTruths truths, double tolerance) {
    if (!(tolerance >= 0 && tolerance <= 1)) {
      throw new IllegalArgumentException(
          "the ideal observer's tolerance is a fraction of the frame width, 0 to 1: " + tolerance);
    }
    this.truths = truths;
    this.tolerance = tolerance;
  }

  /** The ideal observer's resolution, a fraction of the frame width. */
  public double tolerance() {
    return tolerance;
  }

  /** Null when the video has no ground truth (not generated), else the verdict. */
  public Boolean decidable(String videoId, double startSeconds, double seconds) {
    GroundTruth truth = truth(videoId);
    if (truth == null) {
      return null;
    }
    List<GroundTruth.FrameTruth> frames = truth.clipFrames(startSeconds, seconds);
    for (GroundTruth.ObjectInfo info : truth.objects()) {
      if (info.sound() == null || info.offScreen()) {
        continue;
      }
      int sounding = 0;
      double offCentre = 0;
      for (GroundTruth.FrameTruth frame : frames) {
        for (GroundTruth.ObjectTruth o : frame.objects()) {
          if (o.id() == info.id() && o.sounding() && o.visible()) {
            sounding++;
            offCentre += Math.abs(o.cx() - 0.5);
          }
        }
      }
      if (sounding >= frames.size() / 2 && sounding > 0 && offCentre / sounding >= 0.1) {
        return true;
      }
    }
    return false;
  }

  /**
   * Null when the video has no ground truth (not generated), else whether an {@link IdealObserver}
   * locating sounds and objects to {@link #tolerance()} could tell the clip.
   */
  public Boolean tellable(String videoId, double startSeconds, double seconds) {
    GroundTruth truth = truth(videoId);
    return truth == null ? null : IdealObserver.tellable(truth, startSeconds, seconds, tolerance);
  }

  /** Null when the video has no ground truth (not generated), else the clip's slice. */
  public ClipSlice slice(String videoId, double startSeconds, double seconds) {
    GroundTruth truth = truth(videoId);
    return truth == null ? null : ClipSlice.of(truth, startSeconds, seconds);
  }

  private GroundTruth truth(String videoId) {
    return truths.of(videoId);
  }
}
