package io.earshot.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClipAssemblerTest {

  private static final int RATE = 16_000;

  private static short[] tone(int frames, double amp) {
    short[] pcm = new short[frames * 2];
    for (int i = 0; i < frames; i++) {
      short v = (short) (amp * 32767 * Math.sin(i * 0.1));
      pcm[2 * i] = v;
      pcm[2 * i + 1] = (short) (v / 2);
    }
    return pcm;
  }

  /** Feeds `seconds` of 6 fps frames and 0.5 s windows, interleaved as a live source would. */
  private static List<ClipAssembler.Cut> feed(
      ClipAssembler a, double seconds, double amp, boolean withAudio, boolean withFrames) {
    List<ClipAssembler.Cut> out = new ArrayList<>();
    long step = 1_000_000 / 6;
    long audioNext = 0;
    for (long pts = 0; pts < seconds * 1e6; pts += step) {
      if (withFrames) {
        out.addAll(a.addFrame(pts, new byte[] {(byte) (pts / step)}, pts / 1000));
      }
      while (withAudio && audioNext <= pts) {
        out.addAll(a.addAudio(audioNext, tone(RATE / 2, amp), 2, RATE, audioNext / 1000));
        audioNext += 500_000;
      }
    }
    return out;
  }

  @Test
  void shouldCutClipsEveryHopWithTheModelsFramesAndAudio() {
    ClipAssembler a = new ClipAssembler(3, 1, 18, 1e-3);

    List<ClipAssembler.Cut> cuts = feed(a, 8, 0.3, true, true);

    assertThat(cuts).hasSizeGreaterThanOrEqualTo(4);
    assertThat(cuts)
        .extracting(ClipAssembler.Cut::startMicros)
        .startsWith(0L, 1_000_000L, 2_000_000L);
    ClipAssembler.Cut first = cuts.get(0);
    assertThat(first.reason()).isNull();
    assertThat(first.frames()).hasSize(18);
    assertThat(first.frames().get(6)[0]).isEqualTo((byte) 6); // frame at 1.0 s
    assertThat(first.pcm()).hasSize(3 * RATE * 2);
    assertThat(first.pcm()[2 * 100]).isEqualTo(tone(RATE / 2, 0.3)[2 * 100]);
    assertThat(cuts.get(1).pcm()[0]).isEqualTo(tone(RATE / 2, 0.3)[0]); // 1.0 s = start of window 2
    assertThat(first.newestIngestMillis()).isGreaterThanOrEqualTo(2_500);
  }

  @Test
  void shouldGiveNoSignalWhenAudioIsSilentOrMissing() {
    List<ClipAssembler.Cut> silent = feed(new ClipAssembler(3, 1, 18, 1e-3), 7, 0, true, true);
    ClipAssembler framesOnly = new ClipAssembler(3, 1, 18, 1e-3);
    List<ClipAssembler.Cut> waiting = feed(framesOnly, 7, 0.3, false, true);
    List<ClipAssembler.Cut> noAudio = framesOnly.forceUpTo(framesOnly.mediaProgress());

    assertThat(silent)
        .isNotEmpty()
        .allSatisfy(c -> assertThat(c.reason()).isEqualTo("silent audio"));
    assertThat(waiting).as("audio may still be on its way").isEmpty();
    assertThat(noAudio)
        .hasSize(4)
        .allSatisfy(c -> assertThat(c.reason()).contains("missing audio"));
  }

  @Test
  void shouldWaitForTheLaggingMediumWhenOneTopicRunsAhead() {
    ClipAssembler a = new ClipAssembler(3, 1, 18, 1e-3);
    List<ClipAssembler.Cut> audioFirst = feed(a, 8, 0.3, true, false);
    List<ClipAssembler.Cut> thenFrames = feed(a, 8, 0.3, false, true);

    assertThat(audioFirst).isEmpty();
    assertThat(thenFrames)
        .hasSizeGreaterThanOrEqualTo(4)
        .allSatisfy(c -> assertThat(c.reason()).isNull());
  }

  @Test
  void shouldCountAndDropLateDataWhenItsClipIsAlreadyCut() {
    ClipAssembler a = new ClipAssembler(3, 1, 18, 1e-3);
    feed(a, 8, 0.3, true, true);

    assertThat(a.addFrame(100_000, new byte[] {1}, 0)).isEmpty();
    assertThat(a.addAudio(0, tone(RATE / 2, 0.3), 2, RATE, 0)).isEmpty();
    assertThat(a.lateRecords()).isEqualTo(2);
  }
}
