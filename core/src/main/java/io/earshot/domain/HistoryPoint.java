package io.earshot.domain;

/**
 * One processed clip of a stream, kept in its recent history.
 *
 * @param clipStartMicros media time of the clip's start
 * @param atMillis wall-clock time at which the monitor processed it
 * @param probability the model's flip probability, or null when the clip was not scored
 * @param smoothed the smoothed probability after this clip, or null when there is none yet
 * @param state the stream's state after this clip
 */
public record HistoryPoint(
    long clipStartMicros, long atMillis, Double probability, Double smoothed, MonitorState state) {}
