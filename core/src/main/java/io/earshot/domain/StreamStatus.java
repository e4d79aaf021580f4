package io.earshot.domain;

import java.util.List;

/**
 * Everything the flip monitor remembers about one stream. Immutable: {@link FlipStateMachine}
 * returns a new status for every event.
 *
 * @param streamId the stream
 * @param state current state
 * @param sinceMillis wall-clock time at which the current state began
 * @param smoothed smoothed flip probability, or null before the first scored clip of a session
 * @param lastClipStartMicros start of the newest clip processed; {@link Long#MIN_VALUE} before any
 * @param lastSeenMillis wall-clock time at which the newest prediction was processed
 * @param highRun consecutive scored clips with the smoothed value at or above the flip threshold
 * @param lowRun consecutive scored clips with the smoothed value at or below the OK threshold
 * @param noSignalRun consecutive clips the model could not score
 * @param swapActive whether left/right should be swapped back: set when FLIPPED is confirmed,
 *     released only when OK is confirmed (silence or a stall in between keeps it)
 * @param modelVersion model release of the newest prediction, if any
 * @param history recent clips, oldest first, at most the policy's history size
 */
public record StreamStatus(
    String streamId,
    MonitorState state,
    long sinceMillis,
    Double smoothed,
    long lastClipStartMicros,
    long lastSeenMillis,
    int highRun,
    int lowRun,
    int noSignalRun,
    boolean swapActive,
    String modelVersion,
    List<HistoryPoint> history) {

  public StreamStatus {
    if (streamId == null || streamId.isEmpty()) {
      throw new IllegalArgumentException("streamId must not be empty");
    }
    history = List.copyOf(history);
  }

  /** A stream never seen before. */
  public static StreamStatus initial(String streamId, long nowMillis) {
    return new StreamStatus(
        streamId,
        MonitorState.UNKNOWN,
        nowMillis,
        null,
        Long.MIN_VALUE,
        nowMillis,
        0,
        0,
        0,
        false,
        null,
        List.of());
  }
}
