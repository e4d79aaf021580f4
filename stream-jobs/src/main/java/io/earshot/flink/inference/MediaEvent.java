package io.earshot.flink.inference;

import java.io.Serializable;

/**
 * A decoded frame (the model's RGB frame input, see {@link FrameDecoder}) or audio window (s16le
 * PCM) of one stream.
 */
public class MediaEvent implements Serializable {

  private static final long serialVersionUID = 1L;

  public String streamId;
  public boolean audio;
  public long ptsMicros;
  public long ingestMillis;
  public byte[] payload;
  public int channels;
  public int sampleRate;

  public MediaEvent() {}
}
