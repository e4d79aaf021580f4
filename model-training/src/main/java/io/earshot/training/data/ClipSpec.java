package io.earshot.training.data;

/**
 * The shape of a training clip: what the model consumes.
 *
 * @param seconds clip length (the paper uses 3 s)
 * @param fps frames per second (the paper samples at 6 Hz)
 * @param width frame width after cropping
 * @param height frame height after cropping
 * @param sampleRate audio rate (16 kHz in the paper)
 */
public record ClipSpec(double seconds, double fps, int width, int height, int sampleRate) {

  public ClipSpec {
    if (!(seconds > 0) || !(fps > 0) || width < 8 || height < 8 || sampleRate < 8000) {
      throw new IllegalArgumentException(
          "invalid clip spec: seconds and fps must be positive, frames at least 8x8, rate >= 8000");
    }
  }

  public static ClipSpec defaults() {
    return new ClipSpec(3.0, 6.0, 112, 112, 16_000);
  }

  public int frames() {
    return (int) Math.round(seconds * fps);
  }

  /**
   * Frames are decoded at size / 0.875 (even) and cropped to the clip size: a random crop for
   * training, the centre for validation, scoring and serving, so all of them see the same field of
   * view.
   */
  public int decodeWidth() {
    return ((int) Math.round(width / 0.875) + 1) / 2 * 2;
  }

  /** See {@link #decodeWidth()}. */
  public int decodeHeight() {
    return ((int) Math.round(height / 0.875) + 1) / 2 * 2;
  }

  public int samples() {
    return (int) Math.round(seconds * sampleRate);
  }
}
