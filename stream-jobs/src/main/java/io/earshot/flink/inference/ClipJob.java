package io.earshot.flink.inference;

import java.io.Serializable;
import java.util.List;

/** A clip on its way to the model, or a no-signal verdict when {@code reason} is set. */
public class ClipJob implements Serializable {

  private static final long serialVersionUID = 1L;

  public String streamId;
  public long startMicros;
  public long endMicros;
  public List<byte[]> jpegs;
  public short[] pcm;
  public int channels;
  public int sampleRate;
  public long newestIngestMillis;
  public String reason;

  public ClipJob() {}
}
