package io.earshot.domain;

/**
 * Monitored state of one stream, as the flip monitor sees it. Mirrors the {@code StreamState} enum
 * of the Avro {@code Alert} schema symbol for symbol (a test in stream-jobs checks it), so domain
 * code stays free of generated classes.
 */
public enum MonitorState {
  /** No prediction seen yet. */
  UNKNOWN,
  /** Channels confirmed in the right order. */
  OK,
  /** Smoothed flip probability is high but not confirmed yet (a warning, not an alarm). */
  SUSPECT,
  /** Left and right confirmed swapped. */
  FLIPPED,
  /** The detector could not score recent clips (silence, missing frames or audio). */
  NO_SIGNAL,
  /** No prediction arrived for longer than the policy allows. */
  STALE
}
