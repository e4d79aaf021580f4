package io.earshot.domain;

/**
 * A change of a stream's state: what the monitor publishes as an alert.
 *
 * @param streamId the stream
 * @param from state before
 * @param to state after
 * @param sinceMillis wall-clock time at which the new state began
 * @param clipStartMicros media time of the clip that caused it, or null (e.g. STALE)
 * @param confidence smoothed flip probability at the change, 0 when there is none
 * @param modelVersion model release behind the predictions, if known
 */
public record StateTransition(
    String streamId,
    MonitorState from,
    MonitorState to,
    long sinceMillis,
    Long clipStartMicros,
    double confidence,
    String modelVersion) {}
