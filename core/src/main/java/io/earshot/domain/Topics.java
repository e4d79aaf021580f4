package io.earshot.domain;

import java.time.Duration;
import java.util.List;

/**
 * Every topic of Earshot, defined once. Dashboards, docs and jobs reuse these names.
 *
 * <p>Settings: media topics carry many small records keyed by stream id, so they get several
 * partitions and a short retention (they are a live buffer, not an archive). Metadata and model
 * topics are compacted because consumers want only the latest record per key. Every topic keeps
 * Kafka's 1 MB default record limit: frames are small JPEGs and audio windows 32 KB at 16 kHz
 * stereo, so anything bigger is a bug, not a record to accept.
 */
public final class Topics {

  public static final String VIDEO_FRAMES = "av.video.frames";
  public static final String AUDIO_WINDOWS = "av.audio.windows";
  public static final String STREAMS = "av.streams";
  public static final String PREDICTIONS = "av.predictions";
  public static final String TRACKS = "av.tracks";
  public static final String ALERTS = "av.alerts";
  public static final String MODELS = "av.models";
  public static final String CORRECTED_AUDIO = "av.audio.corrected";
  public static final String DEAD_LETTER = "av.deadletter";

  /** Kafka's default max.message.bytes (1 MiB + overhead); records must stay well below it. */
  public static final int MAX_MESSAGE_BYTES = 1_048_588;

  private static final long HOURS_6 = Duration.ofHours(6).toMillis();
  private static final long DAYS_7 = Duration.ofDays(7).toMillis();
  private static final long DAYS_30 = Duration.ofDays(30).toMillis();

  private static final List<TopicSpec> ALL =
      List.of(
          new TopicSpec(
              VIDEO_FRAMES,
              6,
              false,
              HOURS_6,
              MAX_MESSAGE_BYTES,
              "sampled video frames (JPEG), keyed by stream id"),
          new TopicSpec(
              AUDIO_WINDOWS,
              6,
              false,
              HOURS_6,
              MAX_MESSAGE_BYTES,
              "PCM audio windows (16 kHz s16le), keyed by stream id"),
          new TopicSpec(
              STREAMS, 3, true, -1, MAX_MESSAGE_BYTES, "stream metadata and status (compacted)"),
          new TopicSpec(
              PREDICTIONS, 6, false, DAYS_7, MAX_MESSAGE_BYTES, "flip probability per clip"),
          new TopicSpec(
              TRACKS, 6, false, DAYS_7, MAX_MESSAGE_BYTES, "sound-source position per clip"),
          new TopicSpec(ALERTS, 3, false, DAYS_30, MAX_MESSAGE_BYTES, "stream state changes"),
          new TopicSpec(MODELS, 1, true, -1, MAX_MESSAGE_BYTES, "model releases (compacted)"),
          new TopicSpec(
              CORRECTED_AUDIO,
              6,
              false,
              HOURS_6,
              MAX_MESSAGE_BYTES,
              "audio windows with swapped channels put back"),
          new TopicSpec(
              DEAD_LETTER,
              3,
              false,
              DAYS_30,
              MAX_MESSAGE_BYTES,
              "records and inputs that could not be processed, with the reason"));

  private Topics() {}

  /** All topics in a stable order. */
  public static List<TopicSpec> all() {
    return ALL;
  }
}
