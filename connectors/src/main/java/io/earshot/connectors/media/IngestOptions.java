package io.earshot.connectors.media;

import java.time.Duration;

/**
 * What and how to ingest. Defaults are written once, in {@link #defaults(String, String)}.
 *
 * @param input file path or URL (anything ffmpeg reads)
 * @param streamId stream identifier, the record key
 * @param frameRate sampled frames per second
 * @param width output frame width in pixels
 * @param height output frame height in pixels, or 0 to keep the source aspect ratio
 * @param sampleRate output audio sample rate
 * @param windowMillis audio window length
 * @param jpegQuality JPEG quality 1..100
 * @param realtime pace a file like a live source (sleep to its timestamps)
 * @param ambisonics treat 4-channel input as first-order ambisonics (ACN/SN3D)
 * @param reconnect reopen a live input with backoff when it drops
 * @param maxReconnects give up after this many consecutive failed attempts (0 = never)
 * @param timeout network open/read timeout
 */
public record IngestOptions(
    String input,
    String streamId,
    double frameRate,
    int width,
    int height,
    int sampleRate,
    int windowMillis,
    int jpegQuality,
    boolean realtime,
    boolean ambisonics,
    boolean reconnect,
    int maxReconnects,
    Duration timeout) {

  public static final double DEFAULT_FRAME_RATE = 6.0;
  public static final int DEFAULT_WIDTH = 320;
  public static final int DEFAULT_SAMPLE_RATE = 16_000;
  public static final int DEFAULT_WINDOW_MILLIS = 500;
  public static final int DEFAULT_JPEG_QUALITY = 85;

  public IngestOptions {
    require(input != null && !input.isBlank(), "input must be a file or URL");
    require(
        streamId != null && streamId.matches("[A-Za-z0-9._:-]{1,128}"),
        "--stream-id must be 1-128 characters of letters, digits, '.', '_', ':' or '-', got '"
            + streamId
            + "'");
    require(frameRate > 0 && frameRate <= 60, "--fps must be in (0, 60], got " + frameRate);
    require(width >= 16 && width <= 1920, "--width must be in [16, 1920], got " + width);
    require(height == 0 || (height >= 16 && height <= 1080), "--height must be 0 or in [16, 1080]");
    require(
        sampleRate >= 8000 && sampleRate <= 48_000,
        "--sample-rate must be in [8000, 48000], got " + sampleRate);
    require(
        windowMillis >= 20 && windowMillis <= 5000,
        "--window-ms must be in [20, 5000], got " + windowMillis);
    require(jpegQuality >= 1 && jpegQuality <= 100, "--jpeg-quality must be in [1, 100]");
    require(maxReconnects >= 0, "--max-reconnects must be >= 0");
    require(timeout != null && !timeout.isNegative() && !timeout.isZero(), "timeout must be > 0");
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }

  /** Options with every default for an input and stream id. */
  public static IngestOptions defaults(String input, String streamId) {
    return new IngestOptions(
        input,
        streamId,
        DEFAULT_FRAME_RATE,
        DEFAULT_WIDTH,
        0,
        DEFAULT_SAMPLE_RATE,
        DEFAULT_WINDOW_MILLIS,
        DEFAULT_JPEG_QUALITY,
        false,
        false,
        true,
        0,
        Duration.ofSeconds(10));
  }

  public IngestOptions withRealtime(boolean value) {
    return new IngestOptions(
        input,
        streamId,
        frameRate,
        width,
        height,
        sampleRate,
        windowMillis,
        jpegQuality,
        value,
        ambisonics,
        reconnect,
        maxReconnects,
        timeout);
  }

  public IngestOptions withFrameSize(double fps, int w, int h) {
    return new IngestOptions(
        input,
        streamId,
        fps,
        w,
        h,
        sampleRate,
        windowMillis,
        jpegQuality,
        realtime,
        ambisonics,
        reconnect,
        maxReconnects,
        timeout);
  }

  public IngestOptions withAudio(int rate, int windowMs, boolean foa) {
    return new IngestOptions(
        input,
        streamId,
        frameRate,
        width,
        height,
        rate,
        windowMs,
        jpegQuality,
        realtime,
        foa,
        reconnect,
        maxReconnects,
        timeout);
  }

  public IngestOptions withReconnect(boolean value, int max, Duration readTimeout) {
    return new IngestOptions(
        input,
        streamId,
        frameRate,
        width,
        height,
        sampleRate,
        windowMillis,
        jpegQuality,
        realtime,
        ambisonics,
        value,
        max,
        readTimeout);
  }

  public IngestOptions withJpegQuality(int quality) {
    return new IngestOptions(
        input,
        streamId,
        frameRate,
        width,
        height,
        sampleRate,
        windowMillis,
        quality,
        realtime,
        ambisonics,
        reconnect,
        maxReconnects,
        timeout);
  }
}
