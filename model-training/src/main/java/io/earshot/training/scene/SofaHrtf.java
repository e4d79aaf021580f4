package io.earshot.training.scene;

import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A measured head-related transfer function from a SOFA file (AES69, SimpleFreeFieldHRIR), read
 * with jHDF. For each block the horizontal-plane measurement nearest to the source's azimuth is
 * convolved with the source; consecutive blocks cross-fade so a moving source does not click.
 *
 * <p>SOFA measures azimuth counter-clockwise (90° = left); Earshot's scene azimuth is positive to
 * the right, so the sign is flipped on lookup.
 */
public final class SofaHrtf implements Spatializer {

  private final double[] azimuths; // SOFA convention, degrees
  private final float[][] left;
  private final float[][] right;
  private final Path source;

  private SofaHrtf(Path source, double[] azimuths, float[][] left, float[][] right) {
    this.source = source;
    this.azimuths = azimuths;
    this.left = left;
    this.right = right;
  }

  /**
   * Loads the horizontal-plane HRIRs (|elevation| ≤ 10°) and resamples them to the scene rate.
   *
   * @throws IllegalArgumentException naming what is missing when the file is not a usable SOFA
   */
  public static SofaHrtf load(Path file, double sampleRate) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("HRTF file not found: " + file);
    }
    try (HdfFile hdf = new HdfFile(file)) {
      double[][][] ir = (double[][][]) dataset(hdf, file, "Data.IR").getData();
      double[][] positions = (double[][]) dataset(hdf, file, "SourcePosition").getData();
      Object rateData = dataset(hdf, file, "Data.SamplingRate").getData();
      double rate = rateData instanceof double[] d ? d[0] : ((Number) rateData).doubleValue();
      if (ir.length != positions.length || ir.length == 0 || ir[0].length != 2) {
        throw new IllegalArgumentException(
            file
                + " is not a two-receiver SOFA HRIR set (Data.IR must be [M][2][N], got "
                + ir.length
                + " measurements x "
                + (ir.length == 0 ? 0 : ir[0].length)
                + " receivers)");
      }
      List<Integer> horizontal = new ArrayList<>();
      for (int m = 0; m < positions.length; m++) {
        if (Math.abs(positions[m][1]) <= 10) {
          horizontal.add(m);
        }
      }
      if (horizontal.isEmpty()) {
        throw new IllegalArgumentException(
            file + " has no measurement within 10° of the horizontal plane");
      }
      double[] az = new double[horizontal.size()];
      float[][] l = new float[horizontal.size()][];
      float[][] r = new float[horizontal.size()][];
      for (int i = 0; i < horizontal.size(); i++) {
        int m = horizontal.get(i);
        az[i] = positions[m][0];
        l[i] = resample(ir[m][0], rate, sampleRate);
        r[i] = resample(ir[m][1], rate, sampleRate);
      }
      return new SofaHrtf(file, az, l, r);
    } catch (ClassCastException e) {
      throw new IllegalArgumentException(
          file + " has SOFA datasets of an unexpected shape: " + e.getMessage(), e);
    }
  }

  private static Dataset dataset(HdfFile hdf, Path file, String name) {
    try {
      return hdf.getDatasetByPath(name);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          file + " is not a SOFA HRTF file: dataset '" + name + "' is missing", e);
    }
  }

  private static float[] resample(double[] ir, double from, double to) {
    int n = (int) Math.round(ir.length * to / from);
    float[] out = new float[Math.max(1, n)];
    for (int i = 0; i < out.length; i++) {
      double pos = i * from / to;
      int i0 = (int) pos;
      double f = pos - i0;
      double a = i0 < ir.length ? ir[i0] : 0;
      double b = i0 + 1 < ir.length ? ir[i0 + 1] : 0;
      // Scale by the rate ratio so the filter's energy is preserved when downsampling.
      out[i] = (float) ((a + (b - a) * f) * Math.min(1.0, to / from));
    }
    return out;
  }

  public Path source() {
    return source;
  }

  public int measurements() {
    return azimuths.length;
  }

  int nearest(double sceneAzimuthDeg) {
    double target = -sceneAzimuthDeg;
    int best = 0;
    double bestDist = Double.MAX_VALUE;
    for (int i = 0; i < azimuths.length; i++) {
      double d = Math.abs(((azimuths[i] - target) % 360 + 540) % 360 - 180);
      if (d < bestDist) {
        bestDist = d;
        best = i;
      }
    }
    return best;
  }

  @Override
  public void render(
      float[] mono, double[] azimuthDeg, int blockSize, float[] outLeft, float[] outRight) {
    int previous = -1;
    for (int block = 0, start = 0; start < mono.length; block++, start += blockSize) {
      int current = nearest(azimuthDeg[Math.min(block, azimuthDeg.length - 1)]);
      int end = Math.min(mono.length, start + blockSize);
      convolveBlock(
          mono, start, end, current, previous < 0 ? current : previous, outLeft, outRight);
      previous = current;
    }
  }

  /** Output samples start..end from the IRs, fading from the previous IR to the current one. */
  private void convolveBlock(
      float[] x, int start, int end, int current, int previous, float[] outLeft, float[] outRight) {
    int len = end - start;
    for (int n = start; n < end; n++) {
      double fade = previous == current ? 1 : (n - start + 1) / (double) len;
      outLeft[n] += (float) mix(x, n, left[current], left[previous], fade);
      outRight[n] += (float) mix(x, n, right[current], right[previous], fade);
    }
  }

  private static double mix(float[] x, int n, float[] cur, float[] prev, double fade) {
    double a = 0;
    double b = 0;
    int taps = Math.min(cur.length, n + 1);
    for (int k = 0; k < taps; k++) {
      a += cur[k] * x[n - k];
    }
    if (fade < 1) {
      int tapsPrev = Math.min(prev.length, n + 1);
      for (int k = 0; k < tapsPrev; k++) {
        b += prev[k] * x[n - k];
      }
      return a * fade + b * (1 - fade);
    }
    return a;
  }
}
