package io.earshot.training.scene;

/**
 * Brown &amp; Duda (1998) structural model of a spherical head: per ear, a one-pole one-zero
 * head-shadow filter whose high-frequency gain depends on the angle between the source and the ear
 * (boost up to 6 dB facing the ear, deep shadow behind the head), and the frequency-independent
 * arrival delay of a plane wave around a sphere. Together they give the interaural level and time
 * differences that make a source sound left or right.
 *
 * <p>The filter is H(s) = (1 + α(θ)s/(2ω0)) / (1 + s/(2ω0)) with ω0 = c/a, discretised with the
 * bilinear transform and updated once per block as the source moves; the delay is a fractional
 * delay line read with linear interpolation.
 */
public final class SphericalHeadModel implements Spatializer {

  private static final double SPEED_OF_SOUND = 343.0;
  private static final double ALPHA_MIN = 0.1;
  private static final double THETA_MIN_DEG = 150.0;

  private final double sampleRate;
  private final double headRadius;

  public SphericalHeadModel(double sampleRate) {
    this(sampleRate, 0.0875);
  }

  public SphericalHeadModel(double sampleRate, double headRadiusMetres) {
    this.sampleRate = sampleRate;
    this.headRadius = headRadiusMetres;
  }

  /** Head-shadow α for an incidence angle (degrees from the ear's axis, 0..180). */
  static double alpha(double incidenceDeg) {
    return (1 + ALPHA_MIN / 2)
        + (1 - ALPHA_MIN / 2) * Math.cos(Math.toRadians(incidenceDeg / THETA_MIN_DEG * 180.0));
  }

  /** Arrival delay in seconds relative to the head centre for an incidence angle (degrees). */
  double delaySeconds(double incidenceDeg) {
    double theta = Math.toRadians(Math.abs(incidenceDeg));
    double ac = headRadius / SPEED_OF_SOUND;
    return theta < Math.PI / 2 ? -ac * Math.cos(theta) : ac * (theta - Math.PI / 2);
  }

  /** Angle (0..180) between a source at this azimuth and the ear at earAzimuth (±90). */
  static double incidence(double azimuthDeg, double earAzimuthDeg) {
    double d = Math.abs(azimuthDeg - earAzimuthDeg) % 360;
    return d > 180 ? 360 - d : d;
  }

  @Override
  public void render(
      float[] mono, double[] azimuthDeg, int blockSize, float[] left, float[] right) {
    renderEar(mono, azimuthDeg, blockSize, -90, left);
    renderEar(mono, azimuthDeg, blockSize, 90, right);
  }

  private void renderEar(
      float[] mono, double[] azimuthDeg, int blockSize, double earAzimuth, float[] out) {
    double k = sampleRate * headRadius / SPEED_OF_SOUND; // K = fs / ω0
    double x1 = 0;
    double y1 = 0;
    // Delay is applied to the input: out[n] = filter(mono[n - d(n)]). A constant offset keeps
    // every delay positive (the near ear arrives before the head centre).
    double offset = headRadius / SPEED_OF_SOUND * sampleRate + 1;
    for (int block = 0, n = 0; n < mono.length; block++) {
      double az = azimuthDeg[Math.min(block, azimuthDeg.length - 1)];
      double inc = incidence(az, earAzimuth);
      double a = alpha(inc);
      double b0 = (1 + a * k) / (1 + k);
      double b1 = (1 - a * k) / (1 + k);
      double a1 = (1 - k) / (1 + k);
      double delay = offset + delaySeconds(inc) * sampleRate;
      int end = Math.min(mono.length, n + blockSize);
      for (; n < end; n++) {
        double pos = n - delay;
        int i0 = (int) Math.floor(pos);
        double frac = pos - i0;
        double s0 = i0 >= 0 && i0 < mono.length ? mono[i0] : 0;
        double s1 = i0 + 1 >= 0 && i0 + 1 < mono.length ? mono[i0 + 1] : 0;
        double x = s0 + (s1 - s0) * frac;
        double y = b0 * x + b1 * x1 - a1 * y1;
        x1 = x;
        y1 = y;
        out[n] += (float) y;
      }
    }
  }
}
