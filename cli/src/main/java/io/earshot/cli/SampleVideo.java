package io.earshot.cli;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_AAC;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_MPEG4;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.ShortBuffer;
import java.nio.file.Path;
import java.util.Random;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.FrameRecorder;
import org.bytedeco.javacv.Java2DFrameConverter;

/**
 * A small sample for the demo and benchmarks: an orange disc drifts across the frame while it
 * "sounds" (a tone with tapping noise bursts), panned with constant power so that the level
 * difference between left and right follows the disc's horizontal position. Optionally the channels
 * are swapped from a given second on, like a broken broadcast chain.
 *
 * <p>The full scene generator with HRTF rendering, reverb and distractors belongs to
 * model-training; this class only has to be honest about where the sound is.
 */
final class SampleVideo {

  static final int WIDTH = 640;
  static final int HEIGHT = 360;
  static final int FPS = 25;
  static final int SAMPLE_RATE = 48_000;

  private SampleVideo() {}

  /** Horizontal position (0..1) of the disc at time t. */
  static double discX(double t) {
    return 0.5 + 0.38 * Math.sin(2 * Math.PI * t / 7.0);
  }

  /**
   * Writes the sample.
   *
   * @param swapAtSeconds swap left and right from this time on; negative for never
   */
  static Path write(Path file, double seconds, double swapAtSeconds, long seed)
      throws FrameRecorder.Exception {
    Random random = new Random(seed);
    org.bytedeco.ffmpeg.global.avutil.av_log_set_level(
        org.bytedeco.ffmpeg.global.avutil.AV_LOG_ERROR);
    try (FFmpegFrameRecorder r = new FFmpegFrameRecorder(file.toFile(), WIDTH, HEIGHT, 2);
        Java2DFrameConverter converter = new Java2DFrameConverter()) {
      r.setFormat("mp4");
      r.setVideoCodec(AV_CODEC_ID_MPEG4);
      r.setPixelFormat(AV_PIX_FMT_YUV420P);
      r.setFrameRate(FPS);
      r.setVideoBitrate(600_000);
      r.setAudioCodec(AV_CODEC_ID_AAC);
      r.setSampleRate(SAMPLE_RATE);
      r.setAudioChannels(2);
      r.setAudioBitrate(128_000);
      r.start();
      BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_3BYTE_BGR);
      int frames = (int) Math.round(seconds * FPS);
      long written = 0;
      double phase = 0;
      for (int i = 0; i < frames; i++) {
        double t = i / (double) FPS;
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(new Color(24, 28, 44));
        g.fillRect(0, 0, WIDTH, HEIGHT);
        g.setColor(new Color(60, 64, 84));
        for (int x = 0; x < WIDTH; x += 40) {
          g.drawLine(x, 0, x, HEIGHT);
        }
        int cx = (int) Math.round(discX(t) * WIDTH);
        int radius = 40;
        g.setColor(new Color(255, 150, 30));
        g.fillOval(cx - radius, HEIGHT / 2 - radius, 2 * radius, 2 * radius);
        g.dispose();
        r.record(converter.convert(img));

        long target = Math.round((i + 1) * SAMPLE_RATE / (double) FPS);
        int n = (int) (target - written);
        short[] pcm = new short[2 * n];
        for (int k = 0; k < n; k++) {
          double ts = (written + k) / (double) SAMPLE_RATE;
          double pan = discX(ts) * Math.PI / 2; // constant-power pan law
          double tap = (ts * 4) % 1.0 < 0.06 ? (random.nextDouble() * 2 - 1) * 0.6 : 0;
          phase += 2 * Math.PI * 330 / SAMPLE_RATE;
          double s = 0.3 * Math.sin(phase) + tap;
          double left = s * Math.cos(pan);
          double right = s * Math.sin(pan);
          if (swapAtSeconds >= 0 && ts >= swapAtSeconds) {
            double tmp = left;
            left = right;
            right = tmp;
          }
          pcm[2 * k] = (short) Math.round(Math.max(-1, Math.min(1, left)) * 32767);
          pcm[2 * k + 1] = (short) Math.round(Math.max(-1, Math.min(1, right)) * 32767);
        }
        r.recordSamples(SAMPLE_RATE, 2, ShortBuffer.wrap(pcm));
        written = target;
      }
      r.stop();
    }
    return file;
  }
}
