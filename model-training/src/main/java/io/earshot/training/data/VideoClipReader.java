package io.earshot.training.data;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_RGB24;
import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_FLT;

import io.earshot.domain.FrameSampler;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;

/**
 * Streams one video as consecutive raw clips (frames at the decode size, stereo float audio), in a
 * single sequential decode and with memory bounded by one clip, however long the video is.
 */
final class VideoClipReader implements AutoCloseable {

  /** A clip before augmentation: frames [T][decodeH][decodeW][3] RGB, audio interleaved L,R. */
  record RawClip(
      int index,
      double startSeconds,
      byte[] rgb,
      float[] audio,
      int decodeWidth,
      int decodeHeight) {}

  private final FFmpegFrameGrabber grabber;
  private final ClipSpec spec;
  private final int decodeWidth;
  private final int decodeHeight;
  private final long hopMicros;
  private final long clipMicros;
  private final FrameSampler sampler;
  private final Deque<long[]> framePts = new ArrayDeque<>();
  private final Deque<byte[]> frames = new ArrayDeque<>();
  private float[] audio = new float[1 << 16]; // interleaved L,R
  private int audioFrames;
  private long audioStartPts = Long.MIN_VALUE; // pts of audio[0]
  private long clipStart = Long.MIN_VALUE;
  private int clipIndex;
  private boolean ended;
  private String warning;
  private final Path file;

  VideoClipReader(Path file, ClipSpec spec, int decodeWidth, int decodeHeight, double hopSeconds)
      throws UnusableVideoException {
    this.file = file;
    this.spec = spec;
    this.decodeWidth = decodeWidth;
    this.decodeHeight = decodeHeight;
    this.hopMicros = Math.round(hopSeconds * 1e6);
    this.clipMicros = Math.round(spec.seconds() * 1e6);
    this.sampler = new FrameSampler(spec.fps());
    avutil.av_log_set_level(avutil.AV_LOG_ERROR);
    grabber = new FFmpegFrameGrabber(file.toFile());
    grabber.setOption("protocol_whitelist", "file");
    grabber.setSampleRate(spec.sampleRate());
    grabber.setSampleFormat(AV_SAMPLE_FMT_FLT);
    grabber.setPixelFormat(AV_PIX_FMT_RGB24);
    try {
      grabber.start();
    } catch (FrameGrabber.Exception e) {
      closeQuietly();
      throw new UnusableVideoException(
          "cannot decode (corrupt, truncated or not a video): " + oneLine(e));
    }
    try {
      validate();
    } catch (UnusableVideoException e) {
      closeQuietly();
      throw e;
    }
    grabber.setImageWidth(decodeWidth);
    grabber.setImageHeight(decodeHeight);
  }

  private void validate() throws UnusableVideoException {
    if (!grabber.hasVideo()) {
      throw new UnusableVideoException("no video track");
    }
    if (!grabber.hasAudio()) {
      throw new UnusableVideoException("no audio track");
    }
    int channels = grabber.getAudioChannels();
    if (channels == 1) {
      throw new UnusableVideoException("mono audio: the flip task needs two distinct channels");
    }
    if (channels != 2) {
      throw new UnusableVideoException(
          channels + "-channel audio: the stereo flip task uses 2-channel videos");
    }
    long length = grabber.getLengthInTime();
    if (length > 0 && length < clipMicros) {
      throw new UnusableVideoException(
          String.format("shorter than one clip (%.1f s < %.1f s)", length / 1e6, spec.seconds()));
    }
  }

  /** A non-null note when decoding stopped early (corruption part-way). */
  String warning() {
    return warning;
  }

  /** The next clip, or null at the end of the video. */
  RawClip next() {
    while (true) {
      if (clipStart != Long.MIN_VALUE && covered()) {
        return cut();
      }
      if (ended) {
        return null;
      }
      pull();
    }
  }

  private boolean covered() {
    long end = clipStart + clipMicros;
    long audioEnd = audioStartPts + audioFrames * 1_000_000L / spec.sampleRate();
    boolean audioReady = audioStartPts != Long.MIN_VALUE && audioEnd >= end;
    boolean framesReady =
        !framePts.isEmpty() && (framePts.peekLast()[0] >= end - (long) (5e5 / spec.fps()) || ended);
    return audioReady && framesReady;
  }

  private void pull() {
    Frame f;
    try {
      f = grabber.grab();
    } catch (FrameGrabber.Exception e) {
      warning = "decoding stopped early: " + oneLine(e);
      ended = true;
      return;
    }
    if (f == null) {
      ended = true;
      return;
    }
    if (f.image != null) {
      if (sampler.accept(f.timestamp)) {
        frames.addLast(copyRgb(f));
        framePts.addLast(new long[] {f.timestamp});
      }
    } else if (f.samples != null) {
      FloatBuffer b = (FloatBuffer) f.samples[0];
      int n = b.remaining() / 2 * 2;
      if (audioStartPts == Long.MIN_VALUE) {
        audioStartPts = f.timestamp;
      }
      ensureAudio(audioFrames * 2 + n);
      b.duplicate().get(audio, audioFrames * 2, n);
      audioFrames += n / 2;
    }
    if (clipStart == Long.MIN_VALUE && audioStartPts != Long.MIN_VALUE && !framePts.isEmpty()) {
      clipStart = Math.max(audioStartPts, framePts.peekFirst()[0]);
    }
  }

  private byte[] copyRgb(Frame f) {
    ByteBuffer src = (ByteBuffer) f.image[0];
    int stride = f.imageStride;
    byte[] out = new byte[decodeWidth * decodeHeight * 3];
    for (int y = 0; y < decodeHeight; y++) {
      src.position(y * stride);
      src.get(out, y * decodeWidth * 3, decodeWidth * 3);
    }
    src.position(0);
    return out;
  }

  private void ensureAudio(int size) {
    if (audio.length < size) {
      float[] bigger = new float[Math.max(size, audio.length * 2)];
      System.arraycopy(audio, 0, bigger, 0, audioFrames * 2);
      audio = bigger;
    }
  }

  private RawClip cut() {
    int t = spec.frames();
    int frameBytes = decodeWidth * decodeHeight * 3;
    byte[] rgb = new byte[t * frameBytes];
    long[][] pts = framePts.toArray(new long[0][]);
    byte[][] imgs = frames.toArray(new byte[0][]);
    for (int k = 0; k < t; k++) {
      long target = clipStart + Math.round(k * 1e6 / spec.fps());
      int best = 0;
      for (int i = 1; i < pts.length; i++) {
        if (Math.abs(pts[i][0] - target) < Math.abs(pts[best][0] - target)) {
          best = i;
        }
      }
      System.arraycopy(imgs[best], 0, rgb, k * frameBytes, frameBytes);
    }
    int samples = spec.samples();
    int offset =
        (int) Math.max(0, Math.round((clipStart - audioStartPts) * spec.sampleRate() / 1e6));
    float[] clipAudio = new float[samples * 2];
    int available = Math.max(0, Math.min(samples, audioFrames - offset));
    System.arraycopy(audio, offset * 2, clipAudio, 0, available * 2);
    RawClip clip =
        new RawClip(clipIndex++, clipStart / 1e6, rgb, clipAudio, decodeWidth, decodeHeight);
    advance();
    return clip;
  }

  private void advance() {
    clipStart += hopMicros;
    long keepFrom = clipStart - (long) (1e6 / spec.fps());
    while (framePts.size() > 1 && framePts.peekFirst()[0] < keepFrom) {
      framePts.pollFirst();
      frames.pollFirst();
    }
    int drop =
        (int)
            Math.max(
                0,
                Math.min(
                    audioFrames, (clipStart - audioStartPts) * spec.sampleRate() / 1_000_000L));
    if (drop > 0) {
      System.arraycopy(audio, drop * 2, audio, 0, (audioFrames - drop) * 2);
      audioFrames -= drop;
      audioStartPts += drop * 1_000_000L / spec.sampleRate();
    }
  }

  private static String oneLine(Throwable e) {
    String m = e.getMessage() == null ? e.toString() : e.getMessage();
    return m.replace("(Has setFormat() been called?)", "")
        .replace("(For more details, make sure FFmpegLogCallback.set() has been called.)", "")
        .replace('\n', ' ')
        .trim();
  }

  private void closeQuietly() {
    try {
      grabber.close();
    } catch (FrameGrabber.Exception ignored) {
      // already failing
    }
  }

  @Override
  public void close() {
    closeQuietly();
  }

  @Override
  public String toString() {
    return "VideoClipReader[" + file + "]";
  }
}
