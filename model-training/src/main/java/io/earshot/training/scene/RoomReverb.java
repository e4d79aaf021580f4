package io.earshot.training.scene;

/**
 * A small algorithmic room (Schroeder/Freeverb structure: parallel damped comb filters into series
 * all-pass filters), run separately per ear with slightly different delays so the tail is
 * decorrelated like a real diffuse field. Much cheaper than convolving with a measured room
 * response, which matters when generating hundreds of clips on two cores.
 */
public final class RoomReverb {

  private static final int[] COMB_MS_X100 = {2530, 2690, 2890, 3070};
  private static final int[] ALLPASS_MS_X100 = {500, 170};
  private static final double STEREO_SPREAD = 1.07;

  private final double sampleRate;
  private final double feedback;
  private final double damping;

  /**
   * @param rt60Seconds decay time to -60 dB
   * @param damping high-frequency damping 0..1 (soft furnishings)
   */
  public RoomReverb(double sampleRate, double rt60Seconds, double damping) {
    this.sampleRate = sampleRate;
    double meanDelay = 0.028;
    this.feedback = Math.pow(10, -3 * meanDelay / Math.max(0.05, rt60Seconds));
    this.damping = damping;
  }

  /** Adds the wet reverberation of the dry stereo input, scaled by {@code wet}, to out. */
  public void process(
      float[] inLeft, float[] inRight, double wet, float[] outLeft, float[] outRight) {
    channel(inLeft, inRight, wet, outLeft, 1.0);
    channel(inRight, inLeft, wet, outRight, STEREO_SPREAD);
  }

  private void channel(float[] in, float[] other, double wet, float[] out, double spread) {
    int n = in.length;
    float[] acc = new float[n];
    for (int ms : COMB_MS_X100) {
      int delay = Math.max(1, (int) Math.round(ms / 100.0 / 1000.0 * sampleRate * spread));
      float[] buf = new float[delay];
      int idx = 0;
      double store = 0;
      for (int i = 0; i < n; i++) {
        double input = 0.5 * (in[i] + 0.3 * other[i]);
        double y = buf[idx];
        store = y * (1 - damping) + store * damping;
        buf[idx] = (float) (input + store * feedback);
        idx = (idx + 1) % delay;
        acc[i] += (float) y;
      }
    }
    for (int ms : ALLPASS_MS_X100) {
      int delay = Math.max(1, (int) Math.round(ms / 100.0 / 1000.0 * sampleRate * spread));
      float[] buf = new float[delay];
      int idx = 0;
      for (int i = 0; i < n; i++) {
        double b = buf[idx];
        double y = -acc[i] + b;
        buf[idx] = (float) (acc[i] + b * 0.5);
        idx = (idx + 1) % delay;
        acc[i] = (float) y;
      }
    }
    for (int i = 0; i < n; i++) {
      out[i] += (float) (acc[i] * wet * 0.25);
    }
  }
}
