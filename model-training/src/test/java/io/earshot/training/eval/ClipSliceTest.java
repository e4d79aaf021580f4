package io.earshot.training.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.earshot.training.scene.GroundTruth;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClipSliceTest {

  /** An object in a scene of 10 frames per second: where it is and whether it sounds, per frame. */
  private record Track(
      int id, double x, boolean sounding, int visibleFrom, int visibleTo, String kind) {
    Track(int id, double x, boolean sounding, int visibleFrom, int visibleTo) {
      this(id, x, sounding, visibleFrom, visibleTo, "BALL");
    }

    /** This object as another kind; a face speaks, a hand taps, anything else tones. */
    Track as(String newKind) {
      return new Track(id, x, sounding, visibleFrom, visibleTo, newKind);
    }

    String sound() {
      if (!sounding) {
        return null;
      }
      return switch (kind) {
        case "FACE" -> "SPEECH";
        case "HAND" -> "TAPPING";
        default -> "TONE";
      };
    }

    GroundTruth.ObjectTruth at(int frame) {
      boolean visible = frame >= visibleFrom && frame < visibleTo;
      return new GroundTruth.ObjectTruth(
          id, sounding, visible, new double[] {0, 0, 10, 10}, visible ? x : -0.2, 0.5, 0);
    }
  }

  private static Track always(int id, double x, boolean sounding) {
    return new Track(id, x, sounding, 0, 1000);
  }

  /** A 3 s scene at 10 fps with the given objects. */
  private static GroundTruth scene(Track... tracks) {
    List<GroundTruth.ObjectInfo> info = new ArrayList<>();
    for (Track t : tracks) {
      info.add(new GroundTruth.ObjectInfo(t.id(), t.kind(), t.sound(), false, new int[3], "PLAIN"));
    }
    List<GroundTruth.FrameTruth> frames = new ArrayList<>();
    for (int f = 0; f < 30; f++) {
      List<GroundTruth.ObjectTruth> objects = new ArrayList<>();
      for (Track t : tracks) {
        objects.add(t.at(f));
      }
      frames.add(new GroundTruth.FrameTruth(f, f / 10.0, objects));
    }
    return new GroundTruth(
        1, 1, 3, 10, 320, 240, 16000, 90, "test", 0, 0, 0, List.copyOf(info), frames);
  }

  private static ClipSlice slice(GroundTruth truth) {
    return ClipSlice.of(truth, 0, 3);
  }

  @Test
  void shouldCallAClipWhoseSourceIsNeverVisibleNoVisibleSource() {
    assertThat(slice(scene(new Track(0, 0.8, true, 0, 0), always(1, 0.3, false))))
        .isEqualTo(ClipSlice.NO_VISIBLE_SOURCE);
    assertThat(slice(scene(always(0, 0.8, false)))).isEqualTo(ClipSlice.NO_VISIBLE_SOURCE);
  }

  @Test
  void shouldCallAClipWhoseSourcesAreAllNearTheCentreCentred() {
    assertThat(slice(scene(always(0, 0.53, true), always(1, 0.47, true), always(2, 0.9, false))))
        .isEqualTo(ClipSlice.CENTRED);
    assertThat(slice(scene(always(0, 0.56, true)))).isEqualTo(ClipSlice.MIRROR_FREE);
  }

  @Test
  void shouldCallAClipMirrorWrongKindWhenNoObjectAtASoundsMirrorCouldHaveMadeIt() {
    // A face speaks at 0.8; a ball at its mirror position cannot speak.
    assertThat(slice(scene(always(0, 0.8, true).as("FACE"), always(1, 0.25, false))))
        .isEqualTo(ClipSlice.MIRROR_WRONG_KIND);
    // Another face there could have: the swap stays plausible.
    assertThat(slice(scene(always(0, 0.8, true).as("FACE"), always(1, 0.25, false).as("FACE"))))
        .isEqualTo(ClipSlice.MIRROR_OCCUPIED);
    // A ball's tone at the mirror of a face, or of a hand: neither could make it.
    assertThat(slice(scene(always(0, 0.8, true), always(1, 0.2, false).as("FACE"))))
        .isEqualTo(ClipSlice.MIRROR_WRONG_KIND);
    assertThat(slice(scene(always(0, 0.8, true), always(1, 0.2, false).as("HAND"))))
        .isEqualTo(ClipSlice.MIRROR_WRONG_KIND);
    // One plausible object among those at the mirror is enough.
    assertThat(
            slice(
                scene(
                    always(0, 0.8, true).as("FACE"),
                    always(1, 0.2, false),
                    always(2, 0.26, false).as("FACE"))))
        .isEqualTo(ClipSlice.MIRROR_OCCUPIED);
    // Every off-centre source must have its mirror occupied; a free one makes the clip free.
    assertThat(
            slice(
                scene(
                    always(0, 0.8, true).as("FACE"), always(1, 0.2, false), always(2, 0.65, true))))
        .isEqualTo(ClipSlice.MIRROR_FREE);
  }

  @Test
  void shouldCallAClipMirrorOccupiedOnlyWhenAnotherObjectInViewSitsAtTheSoundsMirrorPosition() {
    // A silent object within 0.1 of 1 - 0.8 = 0.2.
    assertThat(slice(scene(always(0, 0.8, true), always(1, 0.29, false))))
        .isEqualTo(ClipSlice.MIRROR_OCCUPIED);
    assertThat(slice(scene(always(0, 0.8, true), always(1, 0.31, false))))
        .isEqualTo(ClipSlice.MIRROR_FREE);
    // Two sources at each other's mirror position.
    assertThat(slice(scene(always(0, 0.8, true), always(1, 0.2, true))))
        .isEqualTo(ClipSlice.MIRROR_OCCUPIED);
    // Every off-centre source must be mirrored; a centred one does not count.
    assertThat(slice(scene(always(0, 0.8, true), always(1, 0.2, false), always(2, 0.65, true))))
        .isEqualTo(ClipSlice.MIRROR_FREE);
    assertThat(slice(scene(always(0, 0.8, true), always(1, 0.2, false), always(2, 0.51, true))))
        .isEqualTo(ClipSlice.MIRROR_OCCUPIED);
  }

  @Test
  void shouldCallAClipWithASourceThatShowsOnlyAnEdgeEdge() {
    // A centre outside the frame (an edge shows), whatever else sounds or sits at mirror positions.
    assertThat(slice(scene(always(0, 1.04, true), always(1, -0.04, false))))
        .isEqualTo(ClipSlice.EDGE);
    assertThat(slice(scene(always(0, -0.1, true), always(1, 0.52, true))))
        .isEqualTo(ClipSlice.EDGE);
    assertThat(slice(scene(always(0, 1.04, true), always(1, 0.8, true)))).isEqualTo(ClipSlice.EDGE);
    assertThat(slice(scene(always(0, 0.96, true), always(1, 0.8, true))))
        .isEqualTo(ClipSlice.MIRROR_FREE);
  }

  @Test
  void shouldCountAnOccupyingObjectOnlyWhenInViewForHalfTheClip() {
    assertThat(slice(scene(always(0, 0.8, true), new Track(1, 0.2, false, 0, 15))))
        .isEqualTo(ClipSlice.MIRROR_OCCUPIED);
    assertThat(slice(scene(always(0, 0.8, true), new Track(1, 0.2, false, 0, 14))))
        .isEqualTo(ClipSlice.MIRROR_FREE);
  }

  @Test
  void shouldLookOnlyAtTheClipsOwnFrames() {
    // Visible and sounding only in the first second; silent mirror object all along.
    GroundTruth truth = scene(new Track(0, 0.8, true, 0, 10), always(1, 0.2, false));

    assertThat(ClipSlice.of(truth, 0, 1)).isEqualTo(ClipSlice.MIRROR_OCCUPIED);
    assertThat(ClipSlice.of(truth, 1, 2)).isEqualTo(ClipSlice.NO_VISIBLE_SOURCE);
  }
}
