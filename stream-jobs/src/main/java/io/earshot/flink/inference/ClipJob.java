package io.earshot.flink.inference;

import java.io.Serializable;

/** A clip on its way to the model, or a no-signal verdict when {@code reason} is set. */
public class ClipJob implements Serializable {

  private static final long serialVersionUID = 1L;

  public String streamId;
  public long startMicros;
  public long endMicros;

  /**
   * The clip's frames, decoded once per frame by {@link FrameDecoder} when they entered the job:
   * frames x height x width x 3 RGB bytes, as the model takes them.
   */
  public byte[] rgb;

  public short[] pcm;
  public int channels;
  public int sampleRate;
  public long newestIngestMillis;
  public String reason;

  public ClipJob() {}
}
