package io.earshot.training.scene;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import java.awt.image.BufferedImage;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.Java2DFrameConverter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SceneGeneratorTest {

  @TempDir Path dir;

  @Test
  void shouldDrawEveryVisibleObjectWhereGroundTruthSaysWhenDecoded() throws Exception {
    SceneGenerator generator = new SceneGenerator(SceneSpec.defaults().withSeconds(3), 11);
    int checked = 0;
    for (int s = 0; s < 3; s++) {
      SceneGenerator.Generated g = generator.generate(dir, "gt-" + s, 100 + s);
      GroundTruth truth = GroundTruth.read(g.groundTruth());
      try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(g.video().toFile());
          Java2DFrameConverter converter = new Java2DFrameConverter()) {
        grabber.start();
        Frame frame;
        int index = 0;
        while ((frame = grabber.grabImage()) != null) {
          if (index % 10 == 5) {
            BufferedImage img = converter.getBufferedImage(frame);
            checked += checkObjects(truth, truth.frames().get(index), img);
          }
          index++;
        }
        assertThat(index).isEqualTo(truth.frames().size());
      }
    }
    assertThat(checked).as("objects checked").isGreaterThan(10);
  }

  /** Each unoccluded visible object shows its colour at its box centre. */
  private static int checkObjects(
      GroundTruth truth, GroundTruth.FrameTruth frame, BufferedImage img) {
    int checked = 0;
    List<GroundTruth.ObjectTruth> objs = frame.objects();
    for (int i = 0; i < objs.size(); i++) {
      GroundTruth.ObjectTruth o = objs.get(i);
      double[] b = o.box();
      double cx = b[0] + b[2] / 2;
      double cy = b[1] + b[3] / 2;
      if (!o.visible()
          || b[0] < 0
          || b[1] < 0
          || b[0] + b[2] > img.getWidth()
          || b[1] + b[3] > img.getHeight()) {
        continue;
      }
      boolean occluded = false;
      for (int j = i + 1; j < objs.size(); j++) {
        double[] c = objs.get(j).box();
        if (objs.get(j).visible()
            && cx > c[0] - 4
            && cx < c[0] + c[2] + 4
            && cy > c[1] - 4
            && cy < c[1] + c[3] + 4) {
          occluded = true;
        }
      }
      if (occluded) {
        continue;
      }
      int[] rgb = truth.object(o.id()).rgb();
      double[] mean = meanColor(img, (int) cx, (int) cy, 2);
      double dist = Math.sqrt(sq(mean[0] - rgb[0]) + sq(mean[1] - rgb[1]) + sq(mean[2] - rgb[2]));
      assertThat(dist)
          .as(
              "object %d (%s) at frame %d: drawn %s vs truth %s",
              o.id(),
              truth.object(o.id()).kind(),
              frame.index(),
              java.util.Arrays.toString(mean),
              java.util.Arrays.toString(rgb))
          .isLessThan(60);
      checked++;
    }
    return checked;
  }

  private static double sq(double v) {
    return v * v;
  }

  private static double[] meanColor(BufferedImage img, int cx, int cy, int r) {
    double[] sum = new double[3];
    int n = 0;
    for (int y = cy - r; y <= cy + r; y++) {
      for (int x = cx - r; x <= cx + r; x++) {
        int p = img.getRGB(x, y);
        sum[0] += (p >> 16) & 0xff;
        sum[1] += (p >> 8) & 0xff;
        sum[2] += p & 0xff;
        n++;
      }
    }
    return new double[] {sum[0] / n, sum[1] / n, sum[2] / n};
  }

  @Test
  void shouldMakeRightLouderWhenSourceIsRightAndReverseAfterSwap() throws Exception {
    SceneGenerator generator =
        new SceneGenerator(SceneSpec.defaults().withSeconds(8).singleDrySource(), 3);
    assertPhysics(levelVersusPosition(generator, 5));
  }

  @Test
  void shouldSpatialiseWithMeasuredHrtfWhenSofaFileGiven() throws Exception {
    Path sofa = writeToySofa(dir.resolve("toy.sofa"));
    SceneGenerator generator =
        new SceneGenerator(SceneSpec.defaults().withSeconds(8).singleDrySource().withHrtf(sofa), 3);

    assertThat(generator.spatializerName()).startsWith("sofa:toy.sofa");
    assertPhysics(levelVersusPosition(generator, 5));
  }

  @Test
  void shouldNameTheMissingDatasetWhenSofaFileIsNotHrtf() throws Exception {
    Path bogus = dir.resolve("bogus.sofa");
    try (WritableHdfFile hdf = HdfFile.write(bogus)) {
      hdf.putDataset("Something", new double[] {1, 2, 3});
    }
    assertThatThrownBy(() -> SofaHrtf.load(bogus, 48_000)).hasMessageContaining("Data.IR");
    assertThatThrownBy(() -> SofaHrtf.load(dir.resolve("none.sofa"), 48_000))
        .hasMessageContaining("not found");
  }

  /**
   * A toy SOFA set: every 10° on the horizon, each ear a delayed, attenuated impulse following the
   * SOFA convention (positive azimuth = left, so the left ear is louder there).
   */
  static Path writeToySofa(Path file) {
    int m = 36;
    int n = 64;
    double[][][] ir = new double[m][2][n];
    double[][] pos = new double[m][3];
    for (int i = 0; i < m; i++) {
      double az = i * 10;
      pos[i] = new double[] {az, 0, 1.5};
      double s = Math.sin(Math.toRadians(az)); // +1 = hard left
      ir[i][0][(int) Math.round(8 - 6 * s)] = 0.5 * (1 + 0.8 * s);
      ir[i][1][(int) Math.round(8 + 6 * s)] = 0.5 * (1 - 0.8 * s);
    }
    try (WritableHdfFile hdf = HdfFile.write(file)) {
      hdf.putDataset("Data.IR", ir);
      hdf.putDataset("SourcePosition", pos);
      hdf.putDataset("Data.SamplingRate", new double[] {48_000});
    }
    return file;
  }

  /**
   * Per scene: correlation of (right - left level) with the source's x, for the original and the
   * swapped channels; scenes whose source barely moves get NaN. The slope differs between sound
   * kinds (a low tone is hardly shadowed by the head), so scenes are judged one by one.
   */
  private List<double[]> levelVersusPosition(SceneGenerator generator, int scenes)
      throws Exception {
    List<double[]> results = new ArrayList<>();
    for (int s = 0; s < scenes; s++) {
      SceneGenerator.Generated g = generator.generate(dir, "phys-" + s, 500 + s);
      GroundTruth truth = GroundTruth.read(g.groundTruth());
      // Level differences are a high-frequency cue (the head shadows little below ~1 kHz), so
      // measure them on the first difference of the signal, which weights high frequencies.
      float[][] audio = highPass(decodeAudio(g.video(), 16_000));
      int window = 16_000 / 4;
      List<double[]> pairs = new ArrayList<>();
      for (int start = 0; start + window <= audio[0].length; start += window) {
        double t = (start + window / 2.0) / 16_000;
        int frame = Math.min(truth.frames().size() - 1, (int) (t * truth.fps()));
        GroundTruth.ObjectTruth o = truth.frames().get(frame).objects().get(0);
        double l = rms(audio[0], start, window);
        double r = rms(audio[1], start, window);
        if (l + r < 1e-3) {
          continue;
        }
        pairs.add(new double[] {o.cx(), 20 * Math.log10(r / l)});
      }
      double minX = pairs.stream().mapToDouble(p -> p[0]).min().orElse(0);
      double maxX = pairs.stream().mapToDouble(p -> p[0]).max().orElse(0);
      double meanX = pairs.stream().mapToDouble(p -> p[0]).average().orElse(0.5);
      double meanIld = pairs.stream().mapToDouble(p -> p[1]).average().orElse(0);
      List<double[]> swapped = pairs.stream().map(p -> new double[] {p[0], -p[1]}).toList();
      boolean moves = maxX - minX > 0.2;
      results.add(
          new double[] {
            moves ? correlation(pairs) : Double.NaN,
            moves ? correlation(swapped) : Double.NaN,
            meanX,
            meanIld
          });
    }
    return results;
  }

  private static void assertPhysics(List<double[]> scenes) {
    int judged = 0;
    for (double[] s : scenes) {
      if (!Double.isNaN(s[0])) {
        assertThat(s[0]).as("level difference follows position").isGreaterThan(0.8);
        assertThat(s[1]).as("after swapping the channels").isLessThan(-0.8);
        judged++;
      }
      if (Math.abs(s[2] - 0.5) > 0.15 && Math.abs(s[3]) > 0.3) {
        // On average the louder side is the side the object is on.
        assertThat(Math.signum(s[3]))
            .as("louder side for mean x %.2f", s[2])
            .isEqualTo(Math.signum(s[2] - 0.5));
        judged++;
      }
    }
    assertThat(judged).as("scenes that could be judged").isGreaterThanOrEqualTo(3);
  }

  private static float[][] highPass(float[][] audio) {
    float[][] out = new float[2][];
    for (int c = 0; c < 2; c++) {
      out[c] = new float[audio[c].length];
      for (int i = 1; i < audio[c].length; i++) {
        out[c][i] = audio[c][i] - audio[c][i - 1];
      }
    }
    return out;
  }

  static float[][] decodeAudio(Path video, int rate) throws Exception {
    List<Float> l = new ArrayList<>();
    List<Float> r = new ArrayList<>();
    try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(video.toFile())) {
      grabber.setSampleRate(rate);
      grabber.setSampleFormat(avutil.AV_SAMPLE_FMT_FLT);
      grabber.start();
      Frame f;
      while ((f = grabber.grabSamples()) != null) {
        FloatBuffer b = (FloatBuffer) f.samples[0];
        while (b.remaining() >= 2) {
          l.add(b.get());
          r.add(b.get());
        }
      }
    }
    float[][] out = new float[2][l.size()];
    for (int i = 0; i < l.size(); i++) {
      out[0][i] = l.get(i);
      out[1][i] = r.get(i);
    }
    return out;
  }

  private static double rms(float[] x, int from, int n) {
    double s = 0;
    for (int i = from; i < from + n; i++) {
      s += x[i] * x[i];
    }
    return Math.sqrt(s / n);
  }

  static double correlation(List<double[]> pairs) {
    double mx = 0;
    double my = 0;
    for (double[] p : pairs) {
      mx += p[0];
      my += p[1];
    }
    mx /= pairs.size();
    my /= pairs.size();
    double sxy = 0;
    double sxx = 0;
    double syy = 0;
    for (double[] p : pairs) {
      sxy += (p[0] - mx) * (p[1] - my);
      sxx += (p[0] - mx) * (p[0] - mx);
      syy += (p[1] - my) * (p[1] - my);
    }
    return sxy / Math.sqrt(sxx * syy + 1e-12);
  }

  @Test
  void shouldReproduceTheSameSceneWhenSeedIsTheSame() throws Exception {
    SceneSpec spec = SceneSpec.defaults().withSeconds(2);
    GroundTruth a = new SceneGenerator(spec, 9).generate(dir, "a", 42).truth();
    GroundTruth b = new SceneGenerator(spec, 9).generate(dir, "b", 42).truth();
    GroundTruth c = new SceneGenerator(spec, 9).generate(dir, "c", 43).truth();

    assertThat(Files.readString(dir.resolve("a.json")))
        .isEqualTo(Files.readString(dir.resolve("b.json")));
    assertThat(Files.readString(dir.resolve("a.json")))
        .isNotEqualTo(Files.readString(dir.resolve("c.json")));
    assertThat(a.objects()).hasSameSizeAs(b.objects());
    assertThat(c.seed()).isEqualTo(43);
  }

  @Test
  void shouldKeepCompleteScenesOfTheSameRunAndRemakeTheRestWhenGeneratingAgain() throws Exception {
    SceneSpec spec = SceneSpec.defaults().withSeconds(1);
    Path out = dir.resolve("run");
    new SceneGenerator(spec, 5).generateAll(out, 2, 5, 1, n -> {});
    Path kept = out.resolve("scene-00000.mp4");
    java.nio.file.attribute.FileTime keptTime = Files.getLastModifiedTime(kept);
    byte[] keptBytes = Files.readAllBytes(kept);
    // An interrupted scene: the video is there, its ground truth (written last) is not.
    Files.delete(out.resolve("scene-00001.json"));
    Files.write(out.resolve("scene-00001.mp4"), new byte[] {1, 2, 3});
    Thread.sleep(20);

    List<SceneGenerator.Generated> again =
        new SceneGenerator(spec, 5).generateAll(out, 3, 5, 1, n -> {});

    assertThat(again).hasSize(3);
    assertThat(Files.getLastModifiedTime(kept)).isEqualTo(keptTime);
    assertThat(Files.size(out.resolve("scene-00001.mp4"))).isGreaterThan(1000);
    assertThat(out.resolve("scene-00001.json")).exists();
    assertThat(out.resolve("scene-00002.json")).exists();
    assertThat(again.get(0).truth().seed()).isEqualTo(SceneGenerator.sceneSeed(5, 0));

    // Another seed or scene length writes its own scenes over the old ones.
    new SceneGenerator(spec, 6).generateAll(out, 1, 6, 1, n -> {});
    assertThat(GroundTruth.read(out.resolve("scene-00000.json")).seed())
        .isEqualTo(SceneGenerator.sceneSeed(6, 0));
    assertThat(Files.readAllBytes(kept)).isNotEqualTo(keptBytes);
    new SceneGenerator(spec.withSeconds(2), 6).generateAll(out, 1, 6, 1, n -> {});
    assertThat(GroundTruth.read(out.resolve("scene-00000.json")).seconds()).isEqualTo(2.0);
  }

  @Test
  void shouldDecodeWithDebianFfmpegWhenGenerated() throws Exception {
    SceneGenerator.Generated g =
        new SceneGenerator(SceneSpec.defaults().withSeconds(2), 1).generate(dir, "ff", 7);
    Process p =
        new ProcessBuilder(
                "ffmpeg", "-v", "error", "-nostdin", "-i", g.video().toString(), "-f", "null", "-")
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out.strip()).isEmpty();
  }
}
