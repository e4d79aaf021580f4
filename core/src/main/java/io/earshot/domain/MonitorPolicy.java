package io.earshot.domain;

import java.time.Duration;

/**
 * How the flip monitor turns noisy per-clip probabilities into a stable state.
 *
 * <p>Each scored clip updates an exponentially weighted moving average of the flip probability
 * ({@code smoothing} is the weight of the newest clip). The smoothed value must then stay at or
 * above {@code flipThreshold} for {@code confirmClips} clips in a row to declare FLIPPED, and at or
 * below {@code okThreshold} for as many clips to declare OK. The gap between the two thresholds is
 * the hysteresis band: a stream hovering around 0.5 never flaps between states. Above {@code
 * suspectThreshold} an unconfirmed stream is SUSPECT, a warning that does not leave FLIPPED.
 *
 * @param smoothing weight of the newest clip in the moving average, in (0, 1]; 1 = no smoothing
 * @param flipThreshold smoothed probability at or above which a clip counts towards FLIPPED
 * @param suspectThreshold smoothed probability at or above which an unconfirmed stream is SUSPECT
 * @param okThreshold smoothed probability at or below which a clip counts towards OK
 * @param confirmClips consecutive clips needed to confirm FLIPPED or OK
 * @param noSignalClips consecutive unscored clips needed to declare NO_SIGNAL
 * @param staleAfter wall-clock time without any prediction after which a stream is STALE
 * @param historySize recent clips kept per stream for the operator page and the HTTP API
 */
public record MonitorPolicy(
    double smoothing,
    double flipThreshold,
    double suspectThreshold,
    double okThreshold,
    int confirmClips,
    int noSignalClips,
    Duration staleAfter,
    int historySize) {

  /**
   * Defaults for 3 s clips with a 1 s hop: a swap is FLIPPED on its 5th confidently swapped clip
   * (about 5 s), while one outlier among OK clips stays below the SUSPECT threshold.
   */
  public static final MonitorPolicy DEFAULT =
      new MonitorPolicy(0.4, 0.7, 0.5, 0.3, 3, 3, Duration.ofSeconds(30), 120);

  public MonitorPolicy {
    if (!(smoothing > 0 && smoothing <= 1)) {
      throw new IllegalArgumentException("smoothing must be in (0, 1], got " + smoothing);
    }
    if (!(okThreshold >= 0
        && okThreshold < suspectThreshold
        && suspectThreshold <= flipThreshold
        && flipThreshold <= 1)) {
      throw new IllegalArgumentException(
          "thresholds must satisfy 0 <= ok-threshold < suspect-threshold <= flip-threshold <= 1,"
              + " got ok="
              + okThreshold
              + " suspect="
              + suspectThreshold
              + " flip="
              + flipThreshold);
    }
    if (confirmClips < 1) {
      throw new IllegalArgumentException("confirm-clips must be >= 1, got " + confirmClips);
    }
    if (noSignalClips < 1) {
      throw new IllegalArgumentException("no-signal-clips must be >= 1, got " + noSignalClips);
    }
    if (staleAfter == null || staleAfter.isNegative() || staleAfter.isZero()) {
      throw new IllegalArgumentException("stale-after must be positive, got " + staleAfter);
    }
    if (historySize < 1) {
      throw new IllegalArgumentException("history-size must be >= 1, got " + historySize);
    }
  }
}
