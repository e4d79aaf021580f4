package io.earshot.training.eval;

import io.earshot.training.scene.GroundTruth;
import io.earshot.training.scene.SoundKind;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Whether an ideal observer could tell a generated clip's channels were swapped.
 *
 * <p>The observer hears the direction of every sound and sees the position of every visible object
 * to within a tolerance (a fraction of the frame width), knows which kinds of object make which
 * sounds ({@link SoundKind#madeBy}) and sees a face's mouth move when it speaks. Stereo carries no
 * elevation, so directions are horizontal. A swap mirrors every sound across the centre of the
 * frame. If every mirrored sound that lands in the frame still lands on an object that could have
 * made it, in every frame it sounds, the swapped clip looks and sounds as plausible as the original
 * (a source at the centre, one whose mirror position holds an object of a fitting kind moving along
 * its mirror path, or only off-screen sources): the observer can only guess. Otherwise it can tell.
 *
 * <p>So over a set of clips no detector with that resolution does better on average than {@code
 * (tellable + (clips - tellable) / 2) / clips}, the ceiling {@code evaluate} prints next to the
 * accuracy. It is the ceiling of this observer, not a proof about every detector: cues it ignores
 * (loudness against size, reverberation) are not modelled.
 */
public final class IdealObserver {

  /**
   * The observer's resolution: a twentieth of the frame width (3-4 degrees of a 60-90 degree view).
   */
  public static final double TOLERANCE = 0.05;

  private IdealObserver() {}

  /** Whether the observer can tell the clip of {@code seconds} from {@code startSeconds}. */
  public static boolean tellable(
      GroundTruth truth, double startSeconds, double seconds, double tolerance) {
    List<Map<Integer, GroundTruth.ObjectTruth>> frames =
        truth.clipFrames(startSeconds, seconds).stream().map(IdealObserver::byId).toList();
    for (GroundTruth.ObjectInfo source : truth.objects()) {
      if (source.sound() == null || !sounds(frames, source.id())) {
        continue;
      }
      SoundKind sound = SoundKind.valueOf(source.sound());
      // The source itself is a candidate: at the centre, its mirror position is its own.
      boolean mirrored =
          truth.objects().stream()
              .anyMatch(partner -> fitsMirror(frames, source.id(), partner, sound, tolerance));
      if (!mirrored) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether {@code partner} could make {@code sound} and sits within {@code tolerance} of the
   * source's mirror position in every frame the source sounds and that position is inside the frame
   * (a face only while its own mouth moves, for speech). A source whose mirror position never
   * enters the frame (off screen) fits any partner.
   */
  private static boolean fitsMirror(
      List<Map<Integer, GroundTruth.ObjectTruth>> frames,
      int sourceId,
      GroundTruth.ObjectInfo partner,
      SoundKind sound,
      double tolerance) {
    for (Map<Integer, GroundTruth.ObjectTruth> frame : frames) {
      GroundTruth.ObjectTruth source = frame.get(sourceId);
      if (source == null || !source.sounding()) {
        continue;
      }
      double mirror = 1 - source.cx();
      if (mirror < 0 || mirror > 1) {
        continue; // lands off screen: nothing to see either way
      }
      GroundTruth.ObjectTruth at = frame.get(partner.id());
      if (!sound.madeBy(partner.kind())
          || at == null
          || !at.visible()
          || Math.abs(at.cx() - mirror) > tolerance) {
        return false;
      }
      if (sound == SoundKind.SPEECH && !at.sounding()) {
        return false; // a face whose mouth does not move
      }
    }
    return true;
  }

  private static boolean sounds(List<Map<Integer, GroundTruth.ObjectTruth>> frames, int id) {
    return frames.stream().anyMatch(f -> f.containsKey(id) && f.get(id).sounding());
  }

  private static Map<Integer, GroundTruth.ObjectTruth> byId(GroundTruth.FrameTruth frame) {
    Map<Integer, GroundTruth.ObjectTruth> byId = new HashMap<>();
    frame.objects().forEach(o -> byId.put(o.id(), o));
    return byId;
  }
}
