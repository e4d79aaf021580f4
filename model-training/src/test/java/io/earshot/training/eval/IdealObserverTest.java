package io.earshot.training.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.earshot.training.scene.GroundTruth;
import io.earshot.training.scene.SceneGenerator;
import io.earshot.training.scene.SceneSpec;
import io.earshot.training.scene.SoundKind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdealObserverTest {

  private static final double T = IdealObserver.TOLERANCE;

  /** An object: kind, sound (null: silent), and its x in each of the clip's frames. */
  private record Obj(String kind, String sound, double... xs) {}

  /** 1 s at 10 fps; objects sound in every frame where they have a sound and are visible. */
  private static GroundTruth scene(Obj... objects) {
    List<GroundTruth.ObjectInfo> infos = new ArrayList<>();
    for (int i = 0; i < objects.length; i++) {
      infos.add(
          new GroundTruth.ObjectInfo(
              i, objects[i].kind(), objects[i].sound(), false, new int[3], "PLAIN"));
    }
    List<GroundTruth.FrameTruth> frames = new ArrayList<>();
    for (int f = 0; f < 10; f++) {
      List<GroundTruth.ObjectTruth> in = new ArrayList<>();
      for (int i = 0; i < objects.length; i++) {
        double[] xs = objects[i].xs();
        double x = xs[Math.min(f, xs.length - 1)];
        in.add(
            new GroundTruth.ObjectTruth(
                i, objects[i].sound() != null, x >= 0 && x <= 1, new double[4], x, 0.5, 0));
      }
      frames.add(new GroundTruth.FrameTruth(f, f / 10.0, in));
    }
    return new GroundTruth(1, 1, 1, 10, 64, 64, 16000, 60, "test", 0, 0, 0, infos, frames);
  }

  private static boolean tellable(GroundTruth truth) {
    return IdealObserver.tellable(truth, 0, 1, T);
  }

  @Test
  void shouldTellAClipOnlyWhenTheMirroredSoundLandsWhereNothingCouldHaveMadeIt() {
    // Alone off centre: the swap puts the sound where nothing is.
    assertThat(tellable(scene(new Obj("BALL", "TONE", 0.2)))).isTrue();
    // A silent ball at the mirror position could be the source: a guess.
    assertThat(tellable(scene(new Obj("BALL", "TONE", 0.2), new Obj("BOX", null, 0.8)))).isFalse();
    // ... unless it is further than the tolerance from it in one frame (it moves away).
    assertThat(
            tellable(
                scene(
                    new Obj("BALL", "TONE", 0.2),
                    new Obj("BOX", null, 0.8, 0.8, 0.8, 0.8, 0.8 + 2 * T))))
        .isTrue();
    // At the centre the source is its own mirror image.
    assertThat(tellable(scene(new Obj("BALL", "TONE", 0.5 + T / 4)))).isFalse();
    // Only an off-screen source: nothing to see either way.
    assertThat(tellable(scene(new Obj("BALL", "MUSIC", -0.4)))).isFalse();
    assertThat(tellable(scene(new Obj("BALL", "SPEECH", 1.6)))).isFalse();
  }

  @Test
  void shouldKnowWhichKindsMakeWhichSoundsAndThatASpeakingFacesMouthMoves() {
    // A hand at the mirror could tap, not play a tone.
    assertThat(tellable(scene(new Obj("BALL", "TAPPING", 0.3), new Obj("HAND", null, 0.7))))
        .isFalse();
    assertThat(tellable(scene(new Obj("BALL", "TONE", 0.3), new Obj("HAND", null, 0.7)))).isTrue();
    // Speech needs a face whose mouth moves: a silent face at the mirror does not fit, a
    // speaking one does.
    assertThat(tellable(scene(new Obj("FACE", "SPEECH", 0.3), new Obj("FACE", null, 0.7))))
        .isTrue();
    assertThat(tellable(scene(new Obj("FACE", "SPEECH", 0.3), new Obj("FACE", "SPEECH", 0.7))))
        .isFalse();
    // Every source must find a partner: a second, lone one gives the swap away.
    assertThat(
            tellable(
                scene(
                    new Obj("FACE", "SPEECH", 0.3),
                    new Obj("FACE", "SPEECH", 0.7),
                    new Obj("STAR", "MUSIC", 0.1))))
        .isTrue();
  }

  @Test
  void shouldMatchTheGeneratorsRulesForWhichKindsMakeWhichSounds(@TempDir Path dir) {
    assertThat(SoundKind.SPEECH.madeBy("FACE")).isTrue();
    assertThat(SoundKind.TONE.madeBy("FACE")).isFalse();
    assertThat(SoundKind.SPEECH.madeBy("BALL")).isFalse();
    assertThat(SoundKind.CRINKLING.madeBy("HAND")).isTrue();
    assertThat(SoundKind.MUSIC.madeBy("HAND")).isFalse();
    assertThat(SoundKind.MUSIC.madeBy("BOTTLE")).isTrue();
    // Every sounding object of generated scenes follows them.
    var generated =
        new SceneGenerator(SceneSpec.defaults().withSeconds(1), 5)
            .generateAll(dir, 40, 5, 2, n -> {});
    int sources = 0;
    for (var scene : generated) {
      for (GroundTruth.ObjectInfo o : scene.truth().objects()) {
        if (o.sound() != null && !o.offScreen()) {
          sources++;
          assertThat(SoundKind.valueOf(o.sound()).madeBy(o.kind()))
              .as("%s making %s", o.kind(), o.sound())
              .isTrue();
        }
      }
    }
    assertThat(sources).isGreaterThan(40);
  }
}
