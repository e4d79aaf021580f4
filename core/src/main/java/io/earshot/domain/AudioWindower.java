package io.earshot.domain;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a stream of interleaved 16-bit PCM chunks of arbitrary sizes into fixed-size windows. Each
 * window's start timestamp is derived from the sample count since the last anchor, so windows tile
 * the timeline exactly; a gap or jump in the media timestamps larger than {@code maxDriftMicros}
 * re-anchors the timeline (the partial window before it is flushed).
 */
public final class AudioWindower {

  /** A finished window. */
  public record Window(long startPtsMicros, int frameCount, short[] interleaved) {}

  private final int sampleRate;
  private final int channels;
  private final int windowFrames;
  private final long maxDriftMicros;
  private final short[] buffer;
  private int filledFrames;
  private long anchorPts = Long.MIN_VALUE;
  private long framesSinceAnchor;

  public AudioWindower(int sampleRate, int channels, int windowFrames, long maxDriftMicros) {
    if (sampleRate <= 0 || channels <= 0 || windowFrames <= 0) {
      throw new IllegalArgumentException(
          "sampleRate, channels and windowFrames must be positive, got "
              + sampleRate
              + ", "
              + channels
              + ", "
              + windowFrames);
    }
    this.sampleRate = sampleRate;
    this.channels = channels;
    this.windowFrames = windowFrames;
    this.maxDriftMicros = maxDriftMicros;
    this.buffer = new short[windowFrames * channels];
  }

  /**
   * Adds a chunk of interleaved samples whose first sample has timestamp {@code ptsMicros}.
   *
   * @return the windows completed by this chunk (possibly none)
   */
  public List<Window> add(long ptsMicros, short[] samples, int offset, int length) {
    if (length % channels != 0) {
      throw new IllegalArgumentException(
          "chunk of " + length + " samples is not a whole number of " + channels + "-ch frames");
    }
    List<Window> out = new ArrayList<>(2);
    long expected = expectedPts();
    if (anchorPts == Long.MIN_VALUE || Math.abs(ptsMicros - expected) > maxDriftMicros) {
      if (filledFrames > 0) {
        out.add(flushPartial());
      }
      anchorPts = ptsMicros;
      framesSinceAnchor = 0;
    }
    int pos = offset;
    int end = offset + length;
    while (pos < end) {
      int n = Math.min(end - pos, (windowFrames - filledFrames) * channels);
      System.arraycopy(samples, pos, buffer, filledFrames * channels, n);
      filledFrames += n / channels;
      pos += n;
      if (filledFrames == windowFrames) {
        out.add(emit(windowFrames));
      }
    }
    return out;
  }

  /** Emits what is buffered as a shorter final window, or nothing when the buffer is empty. */
  public List<Window> flush() {
    return filledFrames == 0 ? List.of() : List.of(flushPartial());
  }

  private Window flushPartial() {
    return emit(filledFrames);
  }

  private Window emit(int frames) {
    short[] copy = new short[frames * channels];
    System.arraycopy(buffer, 0, copy, 0, copy.length);
    long start = anchorPts + framesSinceAnchor * 1_000_000L / sampleRate;
    framesSinceAnchor += frames;
    filledFrames = 0;
    return new Window(start, frames, copy);
  }

  private long expectedPts() {
    if (anchorPts == Long.MIN_VALUE) {
      return Long.MIN_VALUE;
    }
    return anchorPts + (framesSinceAnchor + filledFrames) * 1_000_000L / sampleRate;
  }
}
