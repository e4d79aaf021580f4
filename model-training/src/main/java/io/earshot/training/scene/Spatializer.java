package io.earshot.training.scene;

/**
 * Renders a mono source at a time-varying azimuth to two ear signals.
 *
 * <p>Azimuth convention (degrees): 0 = straight ahead, positive = to the listener's right, range
 * -180..180. The camera looks straight ahead, so objects right of centre have positive azimuth.
 */
public interface Spatializer {

  /**
   * @param mono the dry source signal
   * @param azimuthDeg azimuth per block of {@code blockSize} samples (last value held)
   * @param blockSize samples per azimuth value
   * @param left output, added to (same length as mono)
   * @param right output, added to
   */
  void render(float[] mono, double[] azimuthDeg, int blockSize, float[] left, float[] right);
}
