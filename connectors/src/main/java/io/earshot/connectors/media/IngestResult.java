package io.earshot.connectors.media;

/**
 * What one ingest run produced.
 *
 * @param frames video frames produced
 * @param windows audio windows produced
 * @param decodedFrames video frames decoded (before sampling)
 * @param mediaSeconds media time covered (last timestamp minus first)
 * @param wallSeconds wall-clock duration of the run
 * @param reconnects reconnects performed
 * @param oversizeFrames frames dropped because their JPEG exceeded the record size limit
 * @param warning non-null when the input ended early (truncated or corrupt), else null
 */
public record IngestResult(
    long frames,
    long windows,
    long decodedFrames,
    double mediaSeconds,
    double wallSeconds,
    int reconnects,
    long oversizeFrames,
    String warning) {

  /** Audio seconds produced, from the window count and length. */
  public double audioSeconds(int windowMillis) {
    return windows * windowMillis / 1000.0;
  }
}
