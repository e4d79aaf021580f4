package io.earshot.training.eval;

import io.earshot.training.scene.GroundTruth;
import io.earshot.training.scene.SoundKind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a generated clip stands for a flip detector, from its ground truth, for error analysis: the
 * kinds are disjoint and tried in order. An object <em>sounds</em> in a clip when it is visible and
 * sounding in at least one of its frames, at its mean position over those frames; an object is
 * <em>in view</em> when it is visible in at least half of them, at its mean position over those.
 */
public enum ClipSlice {
  /** No object is visible while it sounds: a coin toss for any detector. */
  NO_VISIBLE_SOURCE("no-visible-source", "no visible source"),
  /** Every sounding object stays within {@value #CENTRE} of the centre: the cue is weak. */
  CENTRED("centred", "centred"),
  /**
   * A sounding object's centre stays outside the frame: only an edge of it shows, and its sound
   * comes from beyond what the picture covers.
   */
  EDGE("edge", "edge only"),
  /**
   * Every off-centre sounding object has another object in view within {@value #MIRROR} of its
   * mirror position, but for at least one of them none of those objects could have made its sound
   * ({@link SoundKind#madeBy}: speech at the mirror of a ball, a rattle at the mirror of a face):
   * swapping the channels moves a sound onto an object of the wrong kind, so recognising the
   * objects and the sound tells the two sides apart.
   */
  MIRROR_WRONG_KIND("mirror-wrong-kind", "mirror: wrong kind"),
  /**
   * Every off-centre sounding object has another object in view within {@value #MIRROR} of its
   * mirror position that could have made its sound, so swapping the channels moves the sound onto a
   * plausible object: only the objects' look and motion (a speaking mouth) tell the two sides
   * apart.
   */
  MIRROR_OCCUPIED("mirror-occupied", "mirror occupied"),
  /** Some off-centre sounding object has nothing in view at its mirror position. */
  MIRROR_FREE("mirror-free", "mirror free");

  /** Sounding objects closer than this (fraction of the frame width) to the centre are centred. */
  public static final double CENTRE = 0.05;

  /**
   * How close (fraction of the frame width) an object must be to a mirror position to occupy it.
   */
  public static final double MIRROR = 0.1;

  private final String key;
  private final String label;

  ClipSlice(String key, String label) {
    this.key = key;
    this.label = label;
  }

  /** Stable name, for JSON and CSV. */
  public String key() {
    return key;
  }

  /** Short heading for a table. */
  public String label() {
    return label;
  }

  /** The slice of the clip of {@code seconds} starting at {@code startSeconds} of a video. */
  public static ClipSlice of(GroundTruth truth, double startSeconds, double seconds) {
    List<GroundTruth.FrameTruth> frames = truth.clipFrames(startSeconds, seconds);
    // Per object id: frames visible and sounding, sum of x there; frames visible, sum of x there.
    Map<Integer, double[]> acc = new LinkedHashMap<>();
    for (GroundTruth.FrameTruth frame : frames) {
      for (GroundTruth.ObjectTruth o : frame.objects()) {
        double[] a = acc.computeIfAbsent(o.id(), k -> new double[4]);
        if (o.visible()) {
          a[2]++;
          a[3] += o.cx();
          if (o.sounding()) {
            a[0]++;
            a[1] += o.cx();
          }
        }
      }
    }
    List<double[]> sounding = new ArrayList<>(); // {id, x}
    List<double[]> inView = new ArrayList<>();
    for (Map.Entry<Integer, double[]> e : acc.entrySet()) {
      double[] a = e.getValue();
      if (a[0] >= 1) {
        sounding.add(new double[] {e.getKey(), a[1] / a[0]});
      }
      if (a[2] >= 1 && a[2] >= frames.size() / 2.0) {
        inView.add(new double[] {e.getKey(), a[3] / a[2]});
      }
    }
    if (sounding.isEmpty()) {
      return NO_VISIBLE_SOURCE;
    }
    List<double[]> offCentre = new ArrayList<>();
    for (double[] s : sounding) {
      if (Math.abs(s[1] - 0.5) >= CENTRE) {
        offCentre.add(s);
      }
    }
    if (offCentre.isEmpty()) {
      return CENTRED;
    }
    if (offCentre.stream().anyMatch(s -> s[1] < 0 || s[1] > 1)) {
      return EDGE;
    }
    boolean wrongKind = false;
    for (double[] s : offCentre) {
      boolean occupied = false;
      boolean plausibly = false;
      String sound = truth.object((int) s[0]).sound();
      for (double[] v : inView) {
        if (v[0] != s[0] && Math.abs(v[1] - (1 - s[1])) <= MIRROR) {
          occupied = true;
          plausibly |=
              sound == null || SoundKind.valueOf(sound).madeBy(truth.object((int) v[0]).kind());
        }
      }
      if (!occupied) {
        return MIRROR_FREE;
      }
      wrongKind |= !plausibly;
    }
    return wrongKind ? MIRROR_WRONG_KIND : MIRROR_OCCUPIED;
  }
}
