package io.earshot.domain;

/**
 * The baseline with no learning: where is the sound (from interaural level and time differences)
 * and where is the thing that moves or stands out in the picture, and do they agree?
 *
 * <p>Per frame, the visual position is the centroid of the motion between consecutive frames (or,
 * without motion, of the pixels that differ most from the frame's mean colour); the audio
 * lateralisation combines the level difference of the high-passed channels with the delay that
 * maximises their cross-correlation. Their agreement over the clip, weighted by loudness and by how
 * far off-centre the object is, becomes the flip probability through a logistic. Clips with nothing
 * off-centre to see or hear give 0.5.
 *
 * <p>It is also Earshot's audio-only source position estimate ({@link #audioPosition}).
 */
public final class ClassicalFlipDetector {

  /** Per-clip result. */
  public record Result(
      double flipProbability,
      double agreement,
      double audioPosition,
      double visualPosition,
      double confidence) {}

  private static final double GAIN = 5.0;
  private static final double MAX_ITD_SECONDS = 0.0008;

  private final int sampleRate;
  private final double fps;

  public ClassicalFlipDetector(int sampleRate, double fps) {
    this.sampleRate = sampleRate;
    this.fps = fps;
  }

  /**
   * @param rgb frames [T][H][W][3] uint8
   * @param audio interleaved stereo float PCM covering the clip
   */
  public Result score(byte[] rgb, int frames, int height, int width, float[] audio) {
    double[] x = visualPositions(rgb, frames, height, width);
    int samplesPerFrame = (int) Math.round(sampleRate / fps);
    double num = 0;
    double den = 0;
    double lateralSum = 0;
    double energySum = 0;
    double xSum = 0;
    int xCount = 0;
    for (int t = 0; t < frames; t++) {
      int from = t * samplesPerFrame;
      int to = Math.min(audio.length / 2, from + samplesPerFrame);
      if (to - from < 64) {
        continue;
      }
      double[] lat = lateralisation(audio, from, to);
      double lateral = lat[0];
      double energy = lat[1];
      lateralSum += lateral * energy;
      energySum += energy;
      if (Double.isNaN(x[t])) {
        continue;
      }
      xSum += x[t];
      xCount++;
      double offCentre = x[t] - 0.5;
      num += energy * offCentre * lateral;
      den += energy * Math.abs(offCentre);
    }
    double agreement = den > 1e-12 ? num / den : 0;
    double audioLateral = energySum > 1e-12 ? lateralSum / energySum : 0;
    double visual = xCount == 0 ? Double.NaN : xSum / xCount;
    double confidence = Math.min(1, den / Math.max(1e-12, energySum) * 4);
    double p = 1 / (1 + Math.exp(GAIN * agreement * Math.min(1, confidence * 2)));
    return new Result(p, agreement, audioPosition(audioLateral), visual, confidence);
  }

  /**
   * Where the sound is without a learned tracker: the visual salience position pulled towards the
   * interaural estimate as that gets more lateral (the interaural estimate alone when nothing
   * stands out in the picture). On generated scenes this beats either alone (the tracking line of
   * {@code ./earshot evaluate}).
   *
   * @param visualX NaN when there is no salient region
   */
  public static double fusedPosition(double audioX, double visualX) {
    if (Double.isNaN(visualX)) {
      return audioX;
    }
    double w = Math.min(1, Math.abs(audioX - 0.5) * 2);
    return (1 - w) * visualX + w * audioX;
  }

  /** Maps a lateralisation in [-2, 2] to a horizontal position 0..1 (centre 0.5). */
  public static double audioPosition(double lateral) {
    return 0.5 + 0.5 * Math.tanh(lateral);
  }

  /** [lateral (positive = right), energy] of stereo samples [from, to). */
  double[] lateralisation(float[] audio, int from, int to) {
    double el = 0;
    double er = 0;
    float pl = from > 0 ? audio[2 * (from - 1)] : 0;
    float pr = from > 0 ? audio[2 * (from - 1) + 1] : 0;
    int n = to - from;
    // High-passed channels (first difference, in float as always), held as doubles: the products
    // below are the same double products as float x (double) float.
    double[] hl = new double[n];
    double[] hr = new double[n];
    for (int i = 0; i < n; i++) {
      float l = audio[2 * (from + i)];
      float r = audio[2 * (from + i) + 1];
      float dl = l - pl;
      float dr = r - pr;
      hl[i] = dl;
      hr[i] = dr;
      pl = l;
      pr = r;
      el += dl * (double) dl;
      er += dr * (double) dr;
    }
    double energy = (el + er) / n;
    if (energy < 1e-10) {
      return new double[] {0, 0};
    }
    double ild = 10 * Math.log10((er + 1e-12) / (el + 1e-12));
    int maxLag = (int) Math.ceil(MAX_ITD_SECONDS * sampleRate);
    // Cross-correlation at every lag, all lags in one pass over the samples: each lag's sum still
    // adds its terms in sample order (the same doubles as one pass per lag), but the lags'
    // independent sums keep the CPU busy instead of waiting on one chain of additions.
    double[] c = new double[2 * maxLag + 1];
    for (int i = 0; i < n; i++) {
      double l = hl[i];
      int lo = Math.max(-maxLag, i - n + 1);
      int hi = Math.min(maxLag, i);
      for (int lag = lo; lag <= hi; lag++) {
        c[lag + maxLag] += l * hr[i - lag];
      }
    }
    int bestLag = 0;
    double best = Double.NEGATIVE_INFINITY;
    for (int lag = -maxLag; lag <= maxLag; lag++) {
      if (c[lag + maxLag] > best) {
        best = c[lag + maxLag];
        bestLag = lag;
      }
    }
    // Positive lag: the left channel lags the right, i.e. the sound reached the right ear first.
    double itd = bestLag / (double) sampleRate;
    double lateral = Math.tanh(ild / 6.0) + Math.tanh(itd / (MAX_ITD_SECONDS / 2));
    return new double[] {lateral, energy};
  }

  /**
   * Horizontal centroid (0..1) of what moves or stands out in each frame; NaN when nothing does.
   */
  static double[] visualPositions(byte[] rgb, int frames, int height, int width) {
    double[] x = new double[frames];
    int frameBytes = height * width * 3;
    double[] column = new double[width];
    for (int t = 0; t < frames; t++) {
      java.util.Arrays.fill(column, 0);
      int base = t * frameBytes;
      double total = 0;
      if (t > 0) {
        int prev = base - frameBytes;
        for (int y = 0; y < height; y += 2) {
          for (int c = 0; c < width; c++) {
            int i = (y * width + c) * 3;
            double d =
                Math.abs((rgb[base + i] & 0xff) - (rgb[prev + i] & 0xff))
                    + Math.abs((rgb[base + i + 1] & 0xff) - (rgb[prev + i + 1] & 0xff))
                    + Math.abs((rgb[base + i + 2] & 0xff) - (rgb[prev + i + 2] & 0xff));
            if (d > 30) {
              column[c] += d;
              total += d;
            }
          }
        }
      }
      if (total < width * 10.0) {
        total = salience(rgb, base, height, width, column);
      }
      if (total < 1e-9) {
        x[t] = Double.NaN;
        continue;
      }
      double sum = 0;
      for (int c = 0; c < width; c++) {
        sum += column[c] * (c + 0.5);
      }
      x[t] = sum / total / width;
    }
    return x;
  }

  private static double salience(byte[] rgb, int base, int height, int width, double[] column) {
    java.util.Arrays.fill(column, 0);
    double[] mean = new double[3];
    int count = 0;
    for (int y = 0; y < height; y += 2) {
      for (int c = 0; c < width; c += 2) {
        int i = base + (y * width + c) * 3;
        mean[0] += rgb[i] & 0xff;
        mean[1] += rgb[i + 1] & 0xff;
        mean[2] += rgb[i + 2] & 0xff;
        count++;
      }
    }
    for (int k = 0; k < 3; k++) {
      mean[k] /= Math.max(1, count);
    }
    double total = 0;
    for (int y = 0; y < height; y += 2) {
      for (int c = 0; c < width; c++) {
        int i = base + (y * width + c) * 3;
        double d =
            Math.abs((rgb[i] & 0xff) - mean[0])
                + Math.abs((rgb[i + 1] & 0xff) - mean[1])
                + Math.abs((rgb[i + 2] & 0xff) - mean[2]);
        if (d > 120) {
          column[c] += d;
          total += d;
        }
      }
    }
    return total;
  }
}
