package io.earshot.connectors.media;

/**
 * A snapshot for progress displays.
 *
 * @param positionSeconds media position reached
 * @param durationSeconds total media duration, or 0 when unknown (live)
 * @param frames frames produced so far
 * @param windows audio windows produced so far
 * @param wallSeconds wall-clock time since the start
 */
public record IngestProgress(
    double positionSeconds, double durationSeconds, long frames, long windows, double wallSeconds) {

  /** Media seconds ingested per wall-clock second. */
  public double speed() {
    return wallSeconds <= 0 ? 0 : positionSeconds / wallSeconds;
  }

  /** One line: position, rate, counts. */
  public String line() {
    String position =
        durationSeconds > 0
            ? String.format(
                "%6.1f/%.1f s (%3.0f%%)",
                positionSeconds, durationSeconds, 100 * positionSeconds / durationSeconds)
            : String.format("%6.1f s", positionSeconds);
    return String.format(
        "%s  %5.2fx realtime  %d frames  %d audio windows", position, speed(), frames, windows);
  }
}
