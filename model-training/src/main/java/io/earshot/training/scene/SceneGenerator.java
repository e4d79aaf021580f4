package io.earshot.training.scene;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_AAC;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.FrameRecorder;
import org.bytedeco.javacv.Java2DFrameConverter;

/**
 * Generates spatial audio-visual scenes: videos (H.264 + stereo AAC in MP4) whose sounds come from
 * where their sources are drawn, with a ground-truth JSON per video. Seeded: the same seed and spec
 * give the same scenes.
 *
 * <p>Audio per sounding object: a dry mono signal of its kind, rendered at the object's azimuth
 * (through the camera's field of view) by the spherical-head model or a measured HRTF, then the mix
 * gets room reverberation and diffuse noise at random levels.
 */
public final class SceneGenerator {

  /** Azimuth is updated every 10 ms of audio. */
  private static final double BLOCK_SECONDS = 0.01;

  private final SceneSpec spec;
  private final Spatializer spatializer;
  private final String spatializerName;
  private final SpeechBank speech;

  public SceneGenerator(SceneSpec spec, long seed) {
    this.spec = spec;
    if (spec.hrtf() != null) {
      SofaHrtf hrtf = SofaHrtf.load(spec.hrtf(), spec.sampleRate());
      this.spatializer = hrtf;
      this.spatializerName =
          "sofa:" + spec.hrtf().getFileName() + " (" + hrtf.measurements() + " directions)";
    } else {
      this.spatializer = new SphericalHeadModel(spec.sampleRate());
      this.spatializerName = "spherical-head (Brown & Duda 1998)";
    }
    this.speech = SpeechBank.create(spec.sampleRate(), 12, seed);
  }

  /** The video and ground-truth file of one generated scene. */
  public record Generated(Path video, Path groundTruth, GroundTruth truth) {}

  /** Seed of scene {@code index} in a run seeded with {@code seed}. */
  public static long sceneSeed(long seed, int index) {
    long z = seed * 0x9E3779B97F4A7C15L + index;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /**
   * Generates {@code count} scenes into {@code out} on {@code threads} threads. A scene already
   * there from an earlier run with the same seed and scene spec (its ground truth is written last,
   * after the video) is kept, so an interrupted or enlarged run only generates what is missing.
   *
   * @param progress called with the number of scenes finished so far
   */
  public List<Generated> generateAll(
      Path out, int count, long seed, int threads, IntConsumer progress) {
    try {
      Files.createDirectories(out);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create output directory " + out, e);
    }
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
    try {
      List<Future<Generated>> futures = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        int index = i;
        futures.add(
            pool.submit(
                () -> {
                  String name = String.format("scene-%05d", index);
                  Generated existing = existing(out, name, sceneSeed(seed, index));
                  return existing != null ? existing : generate(out, name, sceneSeed(seed, index));
                }));
      }
      List<Generated> done = new ArrayList<>();
      for (Future<Generated> f : futures) {
        done.add(f.get());
        progress.accept(done.size());
      }
      return done;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException(
          "scene generation failed: " + e.getCause().getMessage(), e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * The scene {@code name} in {@code dir} when a complete one made from {@code sceneSeed} with this
   * generator's spec is there, else null.
   */
  Generated existing(Path dir, String name, long sceneSeed) {
    Path video = dir.resolve(name + ".mp4");
    Path json = dir.resolve(name + ".json");
    if (!Files.isRegularFile(video) || !Files.isRegularFile(json)) {
      return null;
    }
    GroundTruth truth;
    try {
      truth = GroundTruth.read(json);
    } catch (RuntimeException e) {
      return null;
    }
    boolean same =
        truth.seed() == sceneSeed
            && truth.seconds() == spec.seconds()
            && truth.fps() == spec.fps()
            && truth.width() == spec.width()
            && truth.height() == spec.height()
            && truth.sampleRate() == spec.sampleRate()
            && truth.spatializer().equals(spatializerName);
    return same ? new Generated(video, json, truth) : null;
  }

  /** Generates one scene as {@code name.mp4} and {@code name.json} in {@code dir}. */
  public Generated generate(Path dir, String name, long seed) {
    Scene scene = Scene.plan(spec, seed);
    Random random = new Random(seed ^ 0x5DEECE66DL);
    int samples = (int) Math.round(spec.seconds() * spec.sampleRate());
    int frames = (int) Math.round(spec.seconds() * spec.fps());
    float[][] stereo = renderAudio(scene, samples, frames, random);
    GroundTruth truth = truth(scene, frames);
    Path video = dir.resolve(name + ".mp4");
    Path json = dir.resolve(name + ".json");
    writeVideo(List.of(scene), video, List.<float[][]>of(stereo), frames);
    truth.write(json);
    return new Generated(video, json, truth);
  }

  /**
   * A broadcast-like programme: {@code shots} scenes of {@code spec.seconds()} each, cut one after
   * the other into a single video, whose left and right channels are swapped from {@code
   * swapFromSeconds} on (negative: never), like a patching error in a live chain.
   *
   * @param truths one ground truth per shot, in order (shot k starts at k * spec.seconds())
   */
  public record Programme(Path video, double swapFromSeconds, List<GroundTruth> truths) {
    /** Seconds of media. */
    public double seconds() {
      return truths.size() * truths.get(0).seconds();
    }

    /**
     * The first moment at or after {@code from} (in 0.1 s steps) from which, for {@code hold}
     * seconds inside one shot, a visible sound source stays at least {@code minOffset} frame widths
     * off centre and is audible at least half of the time. A swap is only observable then: a
     * centred or unseen source sounds the same either way round. NaN when there is none.
     */
    public double decidableMomentAfter(double from, double hold, double minOffset) {
      double shotSeconds = truths.get(0).seconds();
      for (double t = Math.max(0, from); t + hold <= seconds(); t += 0.1) {
        int shot = (int) Math.floor(t / shotSeconds);
        if (t + hold > (shot + 1) * shotSeconds) {
          continue;
        }
        GroundTruth g = truths.get(shot);
        int a = (int) Math.floor((t - shot * shotSeconds) * g.fps());
        int b =
            Math.min(
                g.frames().size() - 1, (int) Math.ceil((t + hold - shot * shotSeconds) * g.fps()));
        boolean ok = true;
        int sounding = 0;
        for (int f = a; f <= b && ok; f++) {
          ok = false;
          for (GroundTruth.ObjectTruth o : g.frames().get(f).objects()) {
            if (makesSound(g, o.id()) && o.visible() && Math.abs(o.cx() - 0.5) >= minOffset) {
              ok = true;
              sounding += o.sounding() ? 1 : 0;
              break;
            }
          }
        }
        // Intermittent sounds (tapping) are silent between hits: audible for half the time is
        // enough, as it is for the Decidability rule of the evaluation.
        if (ok && sounding * 2 >= b - a + 1) {
          return Math.round(t * 10) / 10.0;
        }
      }
      return Double.NaN;
    }
  }

  private static boolean makesSound(GroundTruth g, int id) {
    return g.objects().stream().anyMatch(i -> i.id() == id && i.sound() != null);
  }

  /** Generates a {@link Programme} into {@code file}; shot k uses {@code sceneSeed(seed, k)}. */
  public Programme generateProgramme(Path file, int shots, long seed, double swapFromSeconds) {
    if (shots < 1) {
      throw new IllegalArgumentException("a programme needs at least one shot");
    }
    List<Scene> scenes = new ArrayList<>();
    List<float[][]> audio = new ArrayList<>();
    List<GroundTruth> truths = new ArrayList<>();
    int samples = (int) Math.round(spec.seconds() * spec.sampleRate());
    int frames = (int) Math.round(spec.seconds() * spec.fps());
    for (int k = 0; k < shots; k++) {
      long shotSeed = sceneSeed(seed, k);
      Scene scene = Scene.plan(spec, shotSeed);
      float[][] stereo = renderAudio(scene, samples, frames, new Random(shotSeed ^ 0x5DEECE66DL));
      if (swapFromSeconds >= 0) {
        int from =
            (int)
                Math.max(
                    0,
                    Math.min(
                        samples,
                        Math.round((swapFromSeconds - k * spec.seconds()) * spec.sampleRate())));
        for (int i = from; i < samples; i++) {
          float t = stereo[0][i];
          stereo[0][i] = stereo[1][i];
          stereo[1][i] = t;
        }
      }
      scenes.add(scene);
      audio.add(stereo);
      truths.add(truth(scene, frames));
    }
    writeVideo(scenes, file, audio, frames);
    return new Programme(file, swapFromSeconds, truths);
  }

  float[][] renderAudio(Scene scene, int samples, int frames, Random random) {
    SoundSynth synth = new SoundSynth(spec.sampleRate(), speech);
    float[] left = new float[samples];
    float[] right = new float[samples];
    int block = (int) Math.round(BLOCK_SECONDS * spec.sampleRate());
    int blocks = (samples + block - 1) / block;
    int samplesPerFrame = spec.sampleRate() / spec.fps();
    for (SceneObject o : scene.objects) {
      if (!o.sounds()) {
        continue;
      }
      o.signal = synth.synth(o.sound, samples, random, spec.alwaysOn());
      float gain = (float) (0.5 + random.nextDouble() * 0.5);
      for (int i = 0; i < samples; i++) {
        o.signal[i] *= gain;
      }
      double[] azimuth = new double[blocks];
      for (int b = 0; b < blocks; b++) {
        azimuth[b] = scene.azimuth(o.x((b + 0.5) * BLOCK_SECONDS));
      }
      spatializer.render(o.signal, azimuth, block, left, right);
      o.envelopePerFrame = new float[frames];
      for (int f = 0; f < frames; f++) {
        int from = Math.min(samples, f * samplesPerFrame);
        int to = Math.min(samples, from + samplesPerFrame);
        o.envelopePerFrame[f] = (float) Dsp.rms(o.signal, from, to);
      }
    }
    if (scene.reverbWet > 0) {
      float[] dryL = left.clone();
      float[] dryR = right.clone();
      new RoomReverb(spec.sampleRate(), scene.rt60, 0.3 + random.nextDouble() * 0.5)
          .process(dryL, dryR, scene.reverbWet, left, right);
    }
    if (scene.noiseLevel > 0) {
      // Diffuse: independent noise per ear, so it carries no direction.
      float[] nl = Dsp.pinkNoise(samples, random);
      float[] nr = Dsp.pinkNoise(samples, random);
      for (int i = 0; i < samples; i++) {
        left[i] += (float) (nl[i] * scene.noiseLevel);
        right[i] += (float) (nr[i] * scene.noiseLevel);
      }
    }
    float peak = 1e-6f;
    for (int i = 0; i < samples; i++) {
      peak = Math.max(peak, Math.max(Math.abs(left[i]), Math.abs(right[i])));
    }
    float g = 0.89f / peak; // -1 dBFS; the same gain on both ears keeps the level difference
    for (int i = 0; i < samples; i++) {
      left[i] *= g;
      right[i] *= g;
    }
    return new float[][] {left, right};
  }

  private GroundTruth truth(Scene scene, int frames) {
    List<GroundTruth.ObjectInfo> infos = new ArrayList<>();
    for (SceneObject o : scene.objects) {
      infos.add(
          new GroundTruth.ObjectInfo(
              o.id,
              o.kind.name(),
              o.sound == null ? null : o.sound.name(),
              o.offScreen,
              new int[] {o.color.getRed(), o.color.getGreen(), o.color.getBlue()},
              o.texture.name()));
    }
    List<GroundTruth.FrameTruth> frameTruths = new ArrayList<>(frames);
    for (int f = 0; f < frames; f++) {
      double t = f / (double) spec.fps();
      List<GroundTruth.ObjectTruth> objs = new ArrayList<>();
      for (SceneObject o : scene.objects) {
        double[] box = SceneRenderer.box(o, spec, t);
        boolean visible =
            !o.offScreen
                && box[0] < spec.width()
                && box[0] + box[2] > 0
                && box[1] < spec.height()
                && box[1] + box[3] > 0;
        boolean sounding = o.sounds() && o.envelopePerFrame != null && o.envelopePerFrame[f] > 0.01;
        objs.add(
            new GroundTruth.ObjectTruth(
                o.id,
                sounding,
                visible,
                round(box),
                round(o.x(t)),
                round(o.y(t)),
                round(scene.azimuth(o.x(t)))));
      }
      frameTruths.add(new GroundTruth.FrameTruth(f, round(t), objs));
    }
    return new GroundTruth(
        1,
        scene.seed,
        spec.seconds(),
        spec.fps(),
        spec.width(),
        spec.height(),
        spec.sampleRate(),
        round(scene.fovDeg),
        spatializerName,
        round(scene.reverbWet),
        round(scene.rt60),
        scene.noiseLevel,
        infos,
        frameTruths);
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  private static double[] round(double[] v) {
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = round(v[i]);
    }
    return out;
  }

  /** Writes the scenes one after the other, {@code frames} frames each, with their audio. */
  private void writeVideo(List<Scene> scenes, Path file, List<float[][]> audio, int frames) {
    avutil.av_log_set_level(avutil.AV_LOG_ERROR);
    try (FFmpegFrameRecorder r =
            new FFmpegFrameRecorder(file.toFile(), spec.width(), spec.height(), 2);
        Java2DFrameConverter converter = new Java2DFrameConverter()) {
      r.setFormat("mp4");
      r.setVideoCodec(AV_CODEC_ID_H264);
      r.setVideoCodecName("libopenh264");
      r.setPixelFormat(AV_PIX_FMT_YUV420P);
      r.setFrameRate(spec.fps());
      r.setVideoBitrate(500_000);
      r.setGopSize(spec.fps() * 2);
      r.setAudioCodec(AV_CODEC_ID_AAC);
      r.setSampleRate(spec.sampleRate());
      r.setAudioChannels(2);
      r.setAudioBitrate(128_000);
      r.start();
      BufferedImage img =
          new BufferedImage(spec.width(), spec.height(), BufferedImage.TYPE_3BYTE_BGR);
      for (int s = 0; s < scenes.size(); s++) {
        Scene scene = scenes.get(s);
        float[][] stereo = audio.get(s);
        int samples = stereo[0].length;
        int written = 0;
        for (int f = 0; f < frames; f++) {
          SceneRenderer.draw(scene, f / (double) spec.fps(), f, img);
          r.record(converter.convert(img));
          int target =
              (int)
                  Math.min(samples, Math.round((f + 1) * spec.sampleRate() / (double) spec.fps()));
          int n = target - written;
          if (n > 0) {
            float[] interleaved = new float[2 * n];
            for (int k = 0; k < n; k++) {
              interleaved[2 * k] = stereo[0][written + k];
              interleaved[2 * k + 1] = stereo[1][written + k];
            }
            r.recordSamples(spec.sampleRate(), 2, FloatBuffer.wrap(interleaved));
            written = target;
          }
        }
      }
      r.stop();
    } catch (FrameRecorder.Exception e) {
      throw new IllegalStateException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  public String spatializerName() {
    return spatializerName;
  }

  public boolean realSpeech() {
    return speech.usesEspeak();
  }
}
