package io.earshot.connectors.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.earshot.avro.AudioWindow;
import io.earshot.avro.ChannelLayout;
import io.earshot.avro.StreamStatus;
import io.earshot.avro.VideoFrame;
import io.earshot.connectors.testing.CollectingSink;
import io.earshot.connectors.testing.TestMedia;
import io.earshot.domain.Pcm;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ingest of real media files written by JavaCV, into an in-memory sink. */
class MediaIngestorTest {

  @TempDir Path dir;

  private static CollectingSink ingest(IngestOptions options) {
    CollectingSink sink = new CollectingSink();
    new MediaIngestor(options, sink, p -> {}).run();
    return sink;
  }

  @Test
  void shouldSampleFramesAtTargetRateWithMediaTimestampsWhenIngestingFile() throws Exception {
    TestMedia.Spec spec = TestMedia.Spec.pcmStereo(4);
    Path file = TestMedia.write(dir.resolve("a.mkv"), spec);

    CollectingSink sink = ingest(IngestOptions.defaults(file.toString(), "cam-1"));

    List<VideoFrame> frames = sink.frames;
    assertThat(frames).hasSizeBetween(23, 25);
    assertThat(frames.get(0).getPtsMicros()).isLessThan(100_000);
    for (int i = 0; i < frames.size(); i++) {
      VideoFrame f = frames.get(i);
      assertThat(f.getSequence()).isEqualTo(i);
      assertThat(f.getStreamId()).isEqualTo("cam-1");
      assertThat(f.getWidth()).isEqualTo(320);
      assertThat(f.getHeight()).isEqualTo(240);
      if (i > 0) {
        assertThat(f.getPtsMicros() - frames.get(i - 1).getPtsMicros())
            .isBetween(160_000L, 200_000L);
      }
    }
    // The image is a real JPEG showing the square where the generator drew it.
    VideoFrame mid = frames.get(12);
    BufferedImage img = ImageIO.read(new ByteArrayInputStream(mid.getImage().array()));
    assertThat(img.getWidth()).isEqualTo(320);
    int frameIndex = (int) Math.round(mid.getPtsMicros() / 1e6 * spec.fps());
    int expectedX = TestMedia.squareX(spec, frameIndex);
    assertThat(brightness(img, expectedX, 120)).isGreaterThan(200);
    assertThat(brightness(img, (expectedX + 160) % 320, 20)).isLessThan(80);
  }

  @Test
  void shouldKeepChannelOrderAndExactSamplesWhenSourceIsAlready16kPcm() throws Exception {
    TestMedia.Spec spec = TestMedia.Spec.pcmStereo(3);
    Path file = TestMedia.write(dir.resolve("b.mkv"), spec);

    CollectingSink sink = new CollectingSink();
    IngestResult result =
        new MediaIngestor(IngestOptions.defaults(file.toString(), "cam-2"), sink, p -> {}).run();

    assertThat(result.warning()).isNull();

    List<AudioWindow> windows = sink.windows;
    assertThat(windows).hasSize(6);
    long expectedStart = windows.get(0).getStartPtsMicros();
    long frameIndex = 0;
    for (AudioWindow w : windows) {
      assertThat(w.getSampleRate()).isEqualTo(16_000);
      assertThat(w.getChannels()).isEqualTo(2);
      assertThat(w.getLayout()).isEqualTo(ChannelLayout.STEREO);
      assertThat(w.getFrameCount()).isEqualTo(8000);
      assertThat(w.getStartPtsMicros()).isEqualTo(expectedStart);
      expectedStart += 500_000;
      short[] pcm = Pcm.fromS16le(w.getPcm().array());
      for (int k = 0; k < w.getFrameCount(); k += 97) {
        assertThat(pcm[2 * k]).isEqualTo(TestMedia.sample(spec, 0, frameIndex + k));
        assertThat(pcm[2 * k + 1]).isEqualTo(TestMedia.sample(spec, 1, frameIndex + k));
      }
      frameIndex += w.getFrameCount();
    }
    assertThat(sink.metadata.get(sink.metadata.size() - 1).getStatus())
        .isEqualTo(StreamStatus.ENDED);
    assertThat(sink.metadata.get(0).getSourceChannels()).isEqualTo(2);
  }

  @Test
  void shouldResampleTo16kAndKeepLeftLeftWhenSourceIs48kAac() throws Exception {
    Path file = TestMedia.write(dir.resolve("c.mp4"), TestMedia.Spec.aacStereo(3));

    CollectingSink sink = ingest(IngestOptions.defaults(file.toString(), "cam-3"));

    assertThat(sink.windows).hasSizeBetween(5, 7);
    AudioWindow w = sink.windows.get(2);
    assertThat(w.getSampleRate()).isEqualTo(16_000);
    short[] pcm = Pcm.fromS16le(w.getPcm().array());
    assertThat(Pcm.rms(pcm, 2, 0)).isCloseTo(0.5 / Math.sqrt(2), within(0.03));
    assertThat(Pcm.rms(pcm, 2, 1)).isCloseTo(0.05 / Math.sqrt(2), within(0.01));
    assertThat(sink.metadata.get(0).getSourceSampleRate()).isEqualTo(48_000);
    assertThat(sink.frames.get(0).getHeight()).isEqualTo(180); // 640x360 scaled to width 320
  }

  @Test
  void shouldExplainStereoIsNeededWhenAudioIsMono() throws Exception {
    TestMedia.Spec mono =
        TestMedia.Spec.pcmStereo(1).withChannels(new double[] {440}, new double[] {0.5});
    Path file = TestMedia.write(dir.resolve("mono.mkv"), mono);
    CollectingSink sink = new CollectingSink();

    assertThatThrownBy(
            () ->
                new MediaIngestor(IngestOptions.defaults(file.toString(), "m"), sink, p -> {})
                    .run())
        .isInstanceOfSatisfying(
            MediaInputException.class,
            e -> assertThat(e.kind()).isEqualTo(MediaInputException.Kind.MONO))
        .hasMessageContaining("mono")
        .hasMessageContaining("needs stereo");
    assertThat(sink.metadata)
        .last()
        .satisfies(m -> assertThat(m.getStatus()).isEqualTo(StreamStatus.FAILED));
    assertThat(sink.deadLetters)
        .singleElement()
        .satisfies(d -> assertThat(d.getReason()).contains("mono"));
    assertThat(sink.frames).isEmpty();
  }

  @Test
  void shouldNameTheLayoutWhenAudioHasSixChannels() throws Exception {
    TestMedia.Spec six =
        TestMedia.Spec.pcmStereo(1)
            .withChannels(
                new double[] {100, 200, 300, 400, 500, 600}, new double[] {.1, .1, .1, .1, .1, .1});
    Path file = TestMedia.write(dir.resolve("six.mkv"), six);

    assertThatThrownBy(() -> ingest(IngestOptions.defaults(file.toString(), "s")))
        .isInstanceOfSatisfying(
            MediaInputException.class,
            e -> assertThat(e.kind()).isEqualTo(MediaInputException.Kind.UNSUPPORTED_LAYOUT))
        .hasMessageContaining("6-channel")
        .hasMessageContaining("layout '6 channels'")
        .hasMessageContaining("--ambisonics");
  }

  @Test
  void shouldKeepFourChannelsWhenAmbisonicsDeclared() throws Exception {
    TestMedia.Spec foa =
        TestMedia.Spec.pcmStereo(2)
            .withChannels(new double[] {300, 500, 700, 900}, new double[] {0.4, 0.3, 0.2, 0.1});
    Path file = TestMedia.write(dir.resolve("foa.mkv"), foa);

    CollectingSink sink =
        ingest(IngestOptions.defaults(file.toString(), "vr").withAudio(16_000, 500, true));

    AudioWindow w = sink.windows.get(1);
    assertThat(w.getChannels()).isEqualTo(4);
    assertThat(w.getLayout()).isEqualTo(ChannelLayout.AMBISONIC_FOA_ACN_SN3D);
    short[] pcm = Pcm.fromS16le(w.getPcm().array());
    for (int c = 0; c < 4; c++) {
      assertThat(Pcm.rms(pcm, 4, c))
          .as("channel %d", c)
          .isCloseTo(foa.amps()[c] / Math.sqrt(2), within(0.01));
    }
  }

  @Test
  void shouldRejectVideoWithoutAudio() throws Exception {
    Path file =
        TestMedia.write(dir.resolve("silent.mkv"), TestMedia.Spec.pcmStereo(1).withoutAudio());

    assertThatThrownBy(() -> ingest(IngestOptions.defaults(file.toString(), "x")))
        .isInstanceOfSatisfying(
            MediaInputException.class,
            e -> assertThat(e.kind()).isEqualTo(MediaInputException.Kind.NO_AUDIO))
        .hasMessageContaining("no audio track");
  }

  @Test
  void shouldGiveClearErrorsWhenFileIsMissingEmptyOrCorrupt() throws Exception {
    Path empty = Files.createFile(dir.resolve("empty.mp4"));
    Path garbage = dir.resolve("garbage.mp4");
    byte[] noise = new byte[50_000];
    new java.util.Random(1).nextBytes(noise);
    Files.write(garbage, noise);
    Path good = TestMedia.write(dir.resolve("good.mp4"), TestMedia.Spec.aacStereo(2));
    byte[] bytes = Files.readAllBytes(good);
    Path truncated = dir.resolve("truncated.mp4");
    Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length / 2));

    assertThatThrownBy(
            () -> ingest(IngestOptions.defaults(dir.resolve("nope.mp4").toString(), "x")))
        .hasMessageStartingWith("input file not found");
    assertThatThrownBy(() -> ingest(IngestOptions.defaults(empty.toString(), "x")))
        .hasMessageContaining("empty");
    assertThatThrownBy(() -> ingest(IngestOptions.defaults(garbage.toString(), "x")))
        .isInstanceOfSatisfying(
            MediaInputException.class,
            e -> assertThat(e.kind()).isEqualTo(MediaInputException.Kind.UNREADABLE))
        .hasMessageContaining("truncated, corrupt or not a video");
    assertThatThrownBy(() -> ingest(IngestOptions.defaults(truncated.toString(), "x")))
        .isInstanceOf(MediaInputException.class)
        .hasMessageContaining("truncated");
  }

  @Test
  void shouldIngestWhatCameBeforeAndWarnWhenStreamableFileIsTruncated() throws Exception {
    // Matroska keeps its index up front, so a cut file opens and decodes up to the cut.
    Path whole = TestMedia.write(dir.resolve("whole.mkv"), TestMedia.Spec.pcmStereo(6));
    byte[] bytes = Files.readAllBytes(whole);
    Path cut = dir.resolve("cut.mkv");
    Files.write(cut, java.util.Arrays.copyOf(bytes, (int) (bytes.length * 0.4)));
    CollectingSink sink = new CollectingSink();

    IngestResult result =
        new MediaIngestor(IngestOptions.defaults(cut.toString(), "cut"), sink, p -> {}).run();

    assertThat(result.warning()).contains("truncated").contains("of its declared 6.0 s");
    assertThat(sink.frames).hasSizeBetween(5, 30);
    assertThat(sink.windows).isNotEmpty();
  }

  private static int brightness(BufferedImage img, int x, int y) {
    int rgb = img.getRGB(Math.max(0, Math.min(img.getWidth() - 1, x)), y);
    return (((rgb >> 16) & 0xff) + ((rgb >> 8) & 0xff) + (rgb & 0xff)) / 3;
  }
}
