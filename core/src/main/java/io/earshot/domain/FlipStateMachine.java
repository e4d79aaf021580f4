package io.earshot.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The flip monitor's per-stream decision logic: smoothing, hysteresis, NO_SIGNAL, STALE and the
 * handling of late predictions. Pure and deterministic (time is passed in), so it is tested on its
 * own and the Kafka Streams processor only stores what it returns. See {@link MonitorPolicy} for
 * the rules.
 *
 * <p>Ordering: predictions of a stream are expected in clip order. One whose clip starts at or
 * before the newest processed clip is ignored ({@link Outcome#DUPLICATE} or {@link Outcome#LATE}):
 * replaying an old verdict must not move the state backwards. A STALE stream accepts any clip, as a
 * new session (e.g. an ingest restarted from the beginning of a file) may restart media time.
 */
public final class FlipStateMachine {

  /** What happened to one prediction. */
  public enum Outcome {
    /** Processed; the status changed (and maybe the state). */
    APPLIED,
    /** Same clip as the newest processed one: ignored. */
    DUPLICATE,
    /** Older than the newest processed clip: ignored. */
    LATE
  }

  /**
   * The result of one event.
   *
   * @param status status to store (unchanged when ignored)
   * @param outcome whether the event was applied
   * @param transition the state change it caused, if any
   */
  public record Step(StreamStatus status, Outcome outcome, Optional<StateTransition> transition) {}

  private final MonitorPolicy policy;

  public FlipStateMachine(MonitorPolicy policy) {
    this.policy = policy;
  }

  public MonitorPolicy policy() {
    return policy;
  }

  /**
   * Applies one prediction.
   *
   * @param current the stored status, or null for a stream never seen
   * @param streamId the stream
   * @param clipStartMicros media time of the clip's start
   * @param probability flip probability, or null when the model could not score the clip
   * @param modelVersion model release that produced it
   * @param nowMillis wall-clock time of processing
   */
  public Step onPrediction(
      StreamStatus current,
      String streamId,
      long clipStartMicros,
      Double probability,
      String modelVersion,
      long nowMillis) {
    StreamStatus s = current == null ? StreamStatus.initial(streamId, nowMillis) : current;
    boolean newSession = s.state() == MonitorState.STALE;
    if (!newSession && clipStartMicros <= s.lastClipStartMicros()) {
      Outcome why = clipStartMicros == s.lastClipStartMicros() ? Outcome.DUPLICATE : Outcome.LATE;
      return new Step(s, why, Optional.empty());
    }

    // A stream back from STALE starts over: the old average belongs to another session.
    Double smoothed = newSession ? null : s.smoothed();
    int highRun = newSession ? 0 : s.highRun();
    int lowRun = newSession ? 0 : s.lowRun();
    int noSignalRun = newSession ? 0 : s.noSignalRun();
    MonitorState next = s.state();

    if (probability == null) {
      noSignalRun++;
      if (noSignalRun >= policy.noSignalClips()) {
        next = MonitorState.NO_SIGNAL;
      }
    } else {
      if (probability.isNaN() || probability < 0 || probability > 1) {
        throw new IllegalArgumentException(
            "flip probability must be in [0, 1], got " + probability + " for stream " + streamId);
      }
      noSignalRun = 0;
      smoothed =
          smoothed == null
              ? probability
              : policy.smoothing() * probability + (1 - policy.smoothing()) * smoothed;
      highRun = smoothed >= policy.flipThreshold() ? highRun + 1 : 0;
      lowRun = smoothed <= policy.okThreshold() ? lowRun + 1 : 0;
      if (highRun >= policy.confirmClips()) {
        next = MonitorState.FLIPPED;
      } else if (lowRun >= policy.confirmClips()) {
        next = MonitorState.OK;
      } else if (s.state() != MonitorState.FLIPPED && smoothed >= policy.suspectThreshold()) {
        // FLIPPED is only left through a confirmed OK (hysteresis), never to SUSPECT; SUSPECT
        // likewise waits for a confirmed verdict either way.
        next = MonitorState.SUSPECT;
      }
    }

    boolean swapActive =
        next == MonitorState.FLIPPED || (s.swapActive() && next != MonitorState.OK);
    boolean changed = next != s.state();
    long since = changed ? nowMillis : s.sinceMillis();
    String model = modelVersion != null ? modelVersion : s.modelVersion();
    List<HistoryPoint> history =
        append(
            s.history(), new HistoryPoint(clipStartMicros, nowMillis, probability, smoothed, next));
    StreamStatus updated =
        new StreamStatus(
            streamId,
            next,
            since,
            smoothed,
            clipStartMicros,
            nowMillis,
            highRun,
            lowRun,
            noSignalRun,
            swapActive,
            model,
            history);
    Optional<StateTransition> transition =
        changed
            ? Optional.of(
                new StateTransition(
                    streamId,
                    s.state(),
                    next,
                    nowMillis,
                    clipStartMicros,
                    smoothed == null ? 0 : smoothed,
                    model))
            : Optional.empty();
    return new Step(updated, Outcome.APPLIED, transition);
  }

  /**
   * Checks a stream against the wall clock: a stream without predictions for longer than the
   * policy's {@code staleAfter} becomes STALE (once).
   */
  public Optional<Step> onClock(StreamStatus current, long nowMillis) {
    if (current.state() == MonitorState.STALE
        || nowMillis - current.lastSeenMillis() < policy.staleAfter().toMillis()) {
      return Optional.empty();
    }
    StreamStatus stale =
        new StreamStatus(
            current.streamId(),
            MonitorState.STALE,
            nowMillis,
            current.smoothed(),
            current.lastClipStartMicros(),
            current.lastSeenMillis(),
            0,
            0,
            0,
            current.swapActive(),
            current.modelVersion(),
            current.history());
    StateTransition t =
        new StateTransition(
            current.streamId(),
            current.state(),
            MonitorState.STALE,
            nowMillis,
            null,
            current.smoothed() == null ? 0 : current.smoothed(),
            current.modelVersion());
    return Optional.of(new Step(stale, Outcome.APPLIED, Optional.of(t)));
  }

  private List<HistoryPoint> append(List<HistoryPoint> history, HistoryPoint point) {
    int keep = Math.min(history.size(), policy.historySize() - 1);
    List<HistoryPoint> out = new ArrayList<>(keep + 1);
    out.addAll(history.subList(history.size() - keep, history.size()));
    out.add(point);
    return out;
  }
}
