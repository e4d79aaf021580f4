package io.earshot.domain;

/**
 * Picks which decoded video frames to keep so that the output has a steady target rate, driven by
 * media timestamps rather than frame counts (sources have variable frame rates and dropped frames).
 * A frame is kept when its timestamp reaches the next sampling tick; ticks advance on a fixed grid
 * anchored at the first kept frame, so rounding never accumulates drift.
 */
public final class FrameSampler {

  private final double intervalMicros;
  private long anchorMicros = Long.MIN_VALUE;
  private long nextTick;

  /**
   * @param framesPerSecond target output rate; must be positive
   */
  public FrameSampler(double framesPerSecond) {
    if (!(framesPerSecond > 0) || Double.isInfinite(framesPerSecond)) {
      throw new IllegalArgumentException("fps must be a positive number, got " + framesPerSecond);
    }
    this.intervalMicros = 1_000_000.0 / framesPerSecond;
  }

  /** Returns whether the frame with this presentation timestamp should be emitted. */
  public boolean accept(long ptsMicros) {
    if (anchorMicros == Long.MIN_VALUE) {
      anchorMicros = ptsMicros;
      nextTick = 1;
      return true;
    }
    if (ptsMicros < anchorMicros) {
      // Timestamps went backwards (a new live session or a discontinuity): start a new grid.
      anchorMicros = ptsMicros;
      nextTick = 1;
      return true;
    }
    // Half a frame of tolerance so that 25 fps sampled at 5 fps keeps every fifth frame.
    long tickMicros = anchorMicros + Math.round(nextTick * intervalMicros);
    if (ptsMicros + 1000 >= tickMicros) {
      long elapsed = ptsMicros - anchorMicros;
      nextTick = (long) Math.floor(elapsed / intervalMicros + 1e-6) + 1;
      return true;
    }
    return false;
  }
}
