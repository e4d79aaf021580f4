package io.earshot.training.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.earshot.training.data.Clip;
import io.earshot.training.data.ClipSpec;
import io.earshot.training.data.Split;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SymmetricScorerTest {

  private static final ClipSpec SPEC = new ClipSpec(1, 2, 16, 8, 16_000);

  /** A clip with a bright square on one side and the sound delayed and louder on one channel. */
  private static Clip clip(long seed) {
    Random r = new Random(seed);
    byte[] rgb = new byte[SPEC.frames() * SPEC.height() * SPEC.width() * 3];
    r.nextBytes(rgb);
    float[] audio = new float[SPEC.samples() * 2];
    double gainL = 0.2 + r.nextDouble(), gainR = 0.2 + r.nextDouble();
    int delay = r.nextInt(12);
    float[] mono = new float[SPEC.samples() + 16];
    for (int i = 0; i < mono.length; i++) {
      mono[i] = (float) (r.nextGaussian() * 0.1);
    }
    for (int i = 0; i < SPEC.samples(); i++) {
      audio[2 * i] = (float) (gainL * mono[i + delay]);
      audio[2 * i + 1] = (float) (gainR * mono[i]);
    }
    return new Clip("v", 0, 0, Split.TEST, false, false, SPEC, rgb, audio);
  }

  private static Clip swapped(Clip c) {
    return new Clip(
        c.videoId(),
        c.index(),
        c.startSeconds(),
        c.split(),
        !c.swapped(),
        c.mirrored(),
        c.spec(),
        c.rgb(),
        io.earshot.domain.Pcm.swapLeftRight(c.audio()));
  }

  @Test
  void shouldGiveTheComplementForTheSwappedClipWhateverTheInnerScorer() {
    List<Clip> clips = new ArrayList<>();
    List<Clip> swaps = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      clips.add(clip(i));
      swaps.add(swapped(clips.get(i)));
    }
    ClassicalScorer plain = new ClassicalScorer();
    double[] inner = plain.score(clips);
    double[] innerSwapped = plain.score(swaps);
    for (int views : new int[] {2, 4}) {
      SymmetricScorer sym = new SymmetricScorer(new ClassicalScorer(), views);
      double[] p = sym.score(clips);
      double[] q = sym.score(swaps);
      for (int i = 0; i < p.length; i++) {
        assertThat(p[i] + q[i]).as("views %d clip %d", views, i).isCloseTo(1.0, within(1e-9));
        assertThat(p[i]).isBetween(0.0, 1.0);
      }
      if (views == 2) {
        for (int i = 0; i < p.length; i++) {
          assertThat(p[i]).isCloseTo((inner[i] + 1 - innerSwapped[i]) / 2, within(1e-9));
        }
      }
    }
  }

  @Test
  void shouldMirrorEveryRowOfEveryFrame() {
    Clip c = clip(3);
    byte[] m = SymmetricScorer.mirror(c);
    int w = SPEC.width();
    for (int row = 0; row < SPEC.frames() * SPEC.height(); row++) {
      for (int x = 0; x < w; x++) {
        for (int k = 0; k < 3; k++) {
          assertThat(m[(row * w + x) * 3 + k]).isEqualTo(c.rgb()[(row * w + w - 1 - x) * 3 + k]);
        }
      }
    }
    assertThat(io.earshot.domain.Pcm.swapLeftRight(io.earshot.domain.Pcm.swapLeftRight(c.audio())))
        .containsExactly(c.audio());
  }

  @Test
  void shouldRefuseViewCountsWithoutAKnownAnswer() {
    assertThatThrownBy(() -> new SymmetricScorer(new ClassicalScorer(), 3))
        .hasMessageContaining("views must be 2 or 4");
  }

  private static org.assertj.core.data.Offset<Double> within(double d) {
    return org.assertj.core.data.Offset.offset(d);
  }
}
