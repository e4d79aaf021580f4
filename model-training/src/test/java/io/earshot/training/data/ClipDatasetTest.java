package io.earshot.training.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.earshot.training.scene.SceneGenerator;
import io.earshot.training.scene.SceneSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reader on generated scenes plus a mono, a silent, a video-only, a corrupt and a short file.
 */
class ClipDatasetTest {

  @TempDir static Path dir;
  static Path videos;

  @BeforeAll
  static void makeVideos() throws Exception {
    videos = Files.createDirectories(dir.resolve("videos"));
    new SceneGenerator(SceneSpec.defaults().withSeconds(7), 5)
        .generateAll(videos.resolve("scenes"), 12, 77, 2, n -> {});
    ffmpeg(
        "-f",
        "lavfi",
        "-i",
        "testsrc2=size=320x240:rate=25:duration=6",
        "-f",
        "lavfi",
        "-i",
        "sine=frequency=440:duration=6",
        "-ac",
        "1",
        "-shortest",
        videos.resolve("mono.mp4").toString());
    ffmpeg(
        "-f",
        "lavfi",
        "-i",
        "testsrc2=size=320x240:rate=25:duration=6",
        "-f",
        "lavfi",
        "-i",
        "anullsrc=channel_layout=stereo:sample_rate=48000",
        "-shortest",
        videos.resolve("silent.mp4").toString());
    ffmpeg(
        "-f",
        "lavfi",
        "-i",
        "testsrc2=size=320x240:rate=25:duration=6",
        "-an",
        videos.resolve("no-audio.mp4").toString());
    ffmpeg(
        "-f",
        "lavfi",
        "-i",
        "testsrc2=size=320x240:rate=25:duration=2",
        "-f",
        "lavfi",
        "-i",
        "sine=frequency=440:duration=2",
        "-ac",
        "2",
        "-shortest",
        videos.resolve("short.mp4").toString());
    byte[] noise = new byte[40_000];
    new java.util.Random(3).nextBytes(noise);
    Files.write(videos.resolve("corrupt.mp4"), noise);
    Files.writeString(videos.resolve("notes.txt"), "not a video");
  }

  private static void ffmpeg(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-v", "error", "-nostdin", "-y"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new AssertionError("ffmpeg failed (install it: ./earshot test does): " + out);
    }
  }

  private static DatasetConfig config() {
    return DatasetConfig.defaults().withHop(1.0).withSplits(0.6, 0.2).withSeed(11);
  }

  private static List<Clip> all(ClipDataset dataset) {
    List<Clip> clips = new ArrayList<>();
    for (Split s : Split.values()) {
      dataset.forEach(s, 0, clips::add, n -> {});
    }
    return clips;
  }

  @Test
  void shouldSkipUnusableVideosWithReasonsWithoutStopping() {
    ClipDataset dataset = ClipDataset.open(videos, config());

    List<Clip> clips = all(dataset);

    Map<String, String> skipped = new HashMap<>();
    dataset.report().skipped().forEach(s -> skipped.put(s.file(), s.reason()));
    assertThat(skipped)
        .containsOnlyKeys("mono.mp4", "silent.mp4", "no-audio.mp4", "corrupt.mp4", "short.mp4");
    assertThat(skipped.get("mono.mp4")).contains("mono");
    assertThat(skipped.get("silent.mp4")).contains("silent");
    assertThat(skipped.get("no-audio.mp4")).contains("no audio track");
    assertThat(skipped.get("corrupt.mp4")).contains("cannot decode");
    assertThat(skipped.get("short.mp4")).contains("shorter than one clip");
    assertThat(dataset.report().ignoredFiles()).isEqualTo(1);
    assertThat(clips).hasSizeGreaterThanOrEqualTo(12 * 4);
    assertThat(clips).allSatisfy(c -> assertThat(c.videoId()).startsWith("scenes/"));
    assertThat(dataset.report().table()).contains("skipped videos (5)");
  }

  @Test
  void shouldProduceClipsOfTheModelShapeWithBalancedLabels() {
    ClipDataset dataset = ClipDataset.open(videos, config());
    List<Clip> clips = all(dataset);
    ClipSpec spec = dataset.config().clip();

    assertThat(clips)
        .allSatisfy(
            c -> {
              assertThat(c.rgb()).hasSize(spec.frames() * spec.height() * spec.width() * 3);
              assertThat(c.audio()).hasSize(spec.samples() * 2);
            });
    double swapped = clips.stream().filter(Clip::swapped).count() / (double) clips.size();
    assertThat(swapped).isCloseTo(0.5, within(0.2));
    long mirrored = clips.stream().filter(c -> c.split() == Split.TRAIN && c.mirrored()).count();
    long train = clips.stream().filter(c -> c.split() == Split.TRAIN).count();
    assertThat(mirrored).isBetween(train / 5, train * 4 / 5);
    assertThat(clips.stream().filter(c -> c.split() != Split.TRAIN)).noneMatch(Clip::mirrored);
  }

  @Test
  void shouldSplitByVideoDeterministicallyWhenOpenedTwice() {
    ClipDataset a = ClipDataset.open(videos, config());
    ClipDataset b = ClipDataset.open(videos, config());
    ClipDataset other = ClipDataset.open(videos, config().withSeed(12));

    Map<String, Split> byClip = new HashMap<>();
    Map<String, Boolean> labels = new HashMap<>();
    for (Clip c : all(a)) {
      assertThat(byClip.put(c.videoId() + "#" + c.index(), c.split())).isNull();
      labels.put(c.videoId() + "#" + c.index(), c.swapped());
    }
    // Every clip of a video is in the video's split.
    for (Clip c : all(b)) {
      assertThat(c.split()).isEqualTo(a.splitOf(videos.resolve(c.videoId())));
      assertThat(labels.get(c.videoId() + "#" + c.index())).isEqualTo(c.swapped());
    }
    assertThat(a.videos().stream().map(a::splitOf).toList())
        .isEqualTo(b.videos().stream().map(b::splitOf).toList());
    assertThat(a.videos().stream().map(a::splitOf).toList())
        .isNotEqualTo(other.videos().stream().map(other::splitOf).toList());
    assertThat(a.videos(Split.TRAIN)).isNotEmpty();
  }

  @Test
  void shouldListTheSameVideosWhenTheDirectoryIsASymbolicLink() throws Exception {
    Path linked = Files.createDirectories(dir.resolve("linked"));
    Files.createSymbolicLink(linked.resolve("all"), videos);
    Path linkedRoot = Files.createSymbolicLink(dir.resolve("videos-link"), videos);

    ClipDataset direct = ClipDataset.open(videos, config());
    ClipDataset viaRoot = ClipDataset.open(linkedRoot, config());
    ClipDataset viaSubdirectory = ClipDataset.open(linked, config());

    assertThat(viaRoot.videos()).hasSameSizeAs(direct.videos()).hasSizeGreaterThan(12);
    // Same relative paths, so the same seeded splits.
    assertThat(viaRoot.videos().stream().map(viaRoot::splitOf).toList())
        .isEqualTo(direct.videos().stream().map(direct::splitOf).toList());
    assertThat(viaSubdirectory.videos()).hasSameSizeAs(direct.videos());
  }

  @Test
  void shouldSwapTheChannelsExactlyWhenLabelSaysSwapped() throws Exception {
    ClipDataset dataset = ClipDataset.open(videos, config().withAugment(false));
    List<Clip> clips = new ArrayList<>();
    dataset.forEach(Split.TRAIN, 0, clips::add, n -> {});
    Clip first = clips.get(0);
    float[][] original = decode(videos.resolve(first.videoId()));
    int checkedSwapped = 0;
    int checkedOriginal = 0;
    for (Clip c : clips) {
      if (!c.videoId().equals(first.videoId())) {
        continue;
      }
      int offset = (int) Math.round(c.startSeconds() * 16_000);
      double sameL = 0;
      double crossL = 0;
      for (int i = 1000; i < 40_000; i += 7) {
        sameL += Math.abs(c.audio()[2 * i] - original[0][offset + i]);
        crossL += Math.abs(c.audio()[2 * i] - original[1][offset + i]);
      }
      if (c.swapped()) {
        assertThat(crossL)
            .as("swapped clip: left carries the original right")
            .isLessThan(sameL * 0.2);
        checkedSwapped++;
      } else {
        assertThat(sameL).as("original clip: left stays left").isLessThan(crossL * 0.2);
        checkedOriginal++;
      }
    }
    assertThat(checkedSwapped + checkedOriginal).isGreaterThanOrEqualTo(4);
  }

  private static float[][] decode(Path video) throws Exception {
    List<float[]> chunks = new ArrayList<>();
    int total = 0;
    try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(video.toFile())) {
      g.setSampleRate(16_000);
      g.setSampleFormat(org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_FLT);
      g.start();
      org.bytedeco.javacv.Frame f;
      while ((f = g.grabSamples()) != null) {
        java.nio.FloatBuffer b = (java.nio.FloatBuffer) f.samples[0];
        float[] chunk = new float[b.remaining()];
        b.get(chunk);
        chunks.add(chunk);
        total += chunk.length;
      }
    }
    float[][] out = new float[2][total / 2];
    int i = 0;
    for (float[] chunk : chunks) {
      for (int k = 0; k + 1 < chunk.length; k += 2, i++) {
        out[0][i] = chunk[k];
        out[1][i] = chunk[k + 1];
      }
    }
    return out;
  }
}
