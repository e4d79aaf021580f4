package io.earshot.training.release;

/**
 * What a model consumes: the serving side builds exactly this from the stream, and a loader refuses
 * a model whose contract differs from what the job can feed.
 *
 * @param clipSeconds clip length
 * @param fps frames per second
 * @param frames frames per clip
 * @param height frame height
 * @param width frame width
 * @param sampleRate audio sample rate
 * @param channels audio channels
 */
public record InputContract(
    double clipSeconds,
    double fps,
    int frames,
    int height,
    int width,
    int sampleRate,
    int channels) {

  /** Differences from another contract, one line each; empty when they match. */
  public java.util.List<String> differences(InputContract other) {
    java.util.List<String> out = new java.util.ArrayList<>();
    if (Math.abs(clipSeconds - other.clipSeconds) > 1e-6) {
      out.add("clip length " + clipSeconds + " s vs " + other.clipSeconds + " s");
    }
    if (Math.abs(fps - other.fps) > 1e-6) {
      out.add("fps " + fps + " vs " + other.fps);
    }
    if (frames != other.frames) {
      out.add("frames per clip " + frames + " vs " + other.frames);
    }
    if (height != other.height || width != other.width) {
      out.add("frame size " + width + "x" + height + " vs " + other.width + "x" + other.height);
    }
    if (sampleRate != other.sampleRate) {
      out.add("sample rate " + sampleRate + " vs " + other.sampleRate);
    }
    if (channels != other.channels) {
      out.add("channels " + channels + " vs " + other.channels);
    }
    return out;
  }
}
