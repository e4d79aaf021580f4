package io.earshot.connectors.testing;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_AAC;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_MPEG4;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_PCM_S16LE;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.ShortBuffer;
import java.nio.file.Path;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.Java2DFrameConverter;

/**
 * Writes test media with JavaCV's recorder: a white square moving left to right over a dark
 * background, and per channel a sine of its own frequency and amplitude, so tests can check
 * timestamps, image content, channel order and sample values of what comes out of ingest.
 */
public final class TestMedia {

  /** Per-channel tone: channel c plays {@code freqs[c]} Hz at {@code amps[c]} of full scale. */
  public record Spec(
      String container,
      int videoCodec,
      int audioCodec,
      double seconds,
      int fps,
      int width,
      int height,
      int sampleRate,
      double[] freqs,
      double[] amps,
      boolean withAudio) {

    public int channels() {
      return freqs.length;
    }

    /** 16 kHz PCM stereo in Matroska: samples pass through ingest bit-exact. */
    public static Spec pcmStereo(double seconds) {
      return new Spec(
          "matroska",
          AV_CODEC_ID_MPEG4,
          AV_CODEC_ID_PCM_S16LE,
          seconds,
          25,
          320,
          240,
          16_000,
          new double[] {440, 1000},
          new double[] {0.5, 0.1},
          true);
    }

    /** 48 kHz AAC stereo in MP4: ingest must resample, keeping left left. */
    public static Spec aacStereo(double seconds) {
      return new Spec(
          "mp4",
          AV_CODEC_ID_MPEG4,
          AV_CODEC_ID_AAC,
          seconds,
          25,
          640,
          360,
          48_000,
          new double[] {440, 1000},
          new double[] {0.5, 0.05},
          true);
    }

    public Spec withChannels(double[] f, double[] a) {
      return new Spec(
          container, videoCodec, audioCodec, seconds, fps, width, height, sampleRate, f, a, true);
    }

    public Spec withoutAudio() {
      return new Spec(
          container,
          videoCodec,
          audioCodec,
          seconds,
          fps,
          width,
          height,
          sampleRate,
          freqs,
          amps,
          false);
    }
  }

  private TestMedia() {}

  /** The sample value the generator writes for a channel at a frame index. */
  public static short sample(Spec spec, int channel, long frameIndex) {
    double t = frameIndex / (double) spec.sampleRate();
    return (short)
        Math.round(
            spec.amps()[channel] * 32767 * Math.sin(2 * Math.PI * spec.freqs()[channel] * t));
  }

  /** Horizontal centre (pixels) of the square in frame i. */
  public static int squareX(Spec spec, int frameIndex) {
    int frames = (int) Math.round(spec.seconds() * spec.fps());
    return spec.width() / 8
        + (int) ((long) frameIndex * (spec.width() * 3 / 4) / Math.max(1, frames));
  }

  public static Path write(Path file, Spec spec) throws Exception {
    int channels = spec.withAudio() ? spec.channels() : 0;
    org.bytedeco.ffmpeg.global.avutil.av_log_set_level(
        org.bytedeco.ffmpeg.global.avutil.AV_LOG_ERROR);
    try (FFmpegFrameRecorder r =
            new FFmpegFrameRecorder(file.toFile(), spec.width(), spec.height(), channels);
        Java2DFrameConverter converter = new Java2DFrameConverter()) {
      r.setFormat(spec.container());
      r.setVideoCodec(spec.videoCodec());
      r.setPixelFormat(AV_PIX_FMT_YUV420P);
      r.setFrameRate(spec.fps());
      r.setVideoBitrate(800_000);
      if (channels > 0) {
        r.setAudioCodec(spec.audioCodec());
        r.setSampleRate(spec.sampleRate());
        r.setAudioChannels(channels);
        r.setAudioBitrate(192_000);
      }
      r.start();
      int frames = (int) Math.round(spec.seconds() * spec.fps());
      long samplesWritten = 0;
      BufferedImage img =
          new BufferedImage(spec.width(), spec.height(), BufferedImage.TYPE_3BYTE_BGR);
      for (int i = 0; i < frames; i++) {
        Graphics2D g = img.createGraphics();
        g.setColor(new Color(20, 20, 40));
        g.fillRect(0, 0, spec.width(), spec.height());
        g.setColor(Color.WHITE);
        int size = spec.height() / 4;
        g.fillRect(squareX(spec, i) - size / 2, spec.height() / 2 - size / 2, size, size);
        g.dispose();
        Frame frame = converter.convert(img);
        r.record(frame);
        if (channels > 0) {
          long target = Math.round((i + 1) * spec.sampleRate() / (double) spec.fps());
          int n = (int) (target - samplesWritten);
          short[] pcm = new short[n * channels];
          for (int k = 0; k < n; k++) {
            for (int c = 0; c < channels; c++) {
              pcm[k * channels + c] = sample(spec, c, samplesWritten + k);
            }
          }
          r.recordSamples(spec.sampleRate(), channels, ShortBuffer.wrap(pcm));
          samplesWritten = target;
        }
      }
      r.stop();
    }
    return file;
  }
}
