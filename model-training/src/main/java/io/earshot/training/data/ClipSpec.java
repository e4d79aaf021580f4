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

  public int samples() {
    return (int) Math.round(seconds * sampleRate);
  }
}
