package io.earshot.training.eval;

import java.util.List;

/**
 * A learned sound-source position: ridge regression from a clip's audio embedding (the network's
 * audio stream, averaged over time) to the horizontal position of the sounding object, 0..1 across
 * the frame. The network was trained only to tell swapped channels from unswapped ones; a linear
 * read-out of its audio features shows how much of "where" it learned on the way.
 */
public final class LinearTracker {

  private final double[] weights;
  private final double bias;
  private final double lambda;

  private LinearTracker(double[] weights, double bias, double lambda) {
    this.weights = weights;
    this.bias = bias;
    this.lambda = lambda;
  }

  public double lambda() {
    return lambda;
  }

  /** Position 0..1 for one feature vector. */
  public double predict(double[] features) {
    if (features.length != weights.length) {
      throw new IllegalArgumentException(
          "tracker takes " + weights.length + " features, got " + features.length);
    }
    double p = bias;
    for (int i = 0; i < weights.length; i++) {
      p += weights[i] * features[i];
    }
    return Math.max(0, Math.min(1, p));
  }

  /** Mean absolute error on labelled examples. */
  public double meanAbsoluteError(List<double[]> features, double[] x) {
    double sum = 0;
    for (int i = 0; i < x.length; i++) {
      sum += Math.abs(predict(features.get(i)) - x[i]);
    }
    return sum / Math.max(1, x.length);
  }

  /**
   * Least squares with an L2 penalty {@code lambda * n * |w|^2} (the intercept is not penalised),
   * solved in closed form on centred features.
   */
  public static LinearTracker fit(List<double[]> features, double[] x, double lambda) {
    int n = x.length;
    if (n < 2 || features.size() != n) {
      throw new IllegalArgumentException("need at least 2 examples with one feature vector each");
    }
    int d = features.get(0).length;
    double[] mean = new double[d];
    double meanX = 0;
    for (int i = 0; i < n; i++) {
      double[] f = features.get(i);
      for (int j = 0; j < d; j++) {
        mean[j] += f[j] / n;
      }
      meanX += x[i] / n;
    }
    double[][] a = new double[d][d + 1];
    for (int i = 0; i < n; i++) {
      double[] f = features.get(i);
      double y = x[i] - meanX;
      for (int r = 0; r < d; r++) {
        double fr = f[r] - mean[r];
        for (int c = r; c < d; c++) {
          a[r][c] += fr * (f[c] - mean[c]);
        }
        a[r][d] += fr * y;
      }
    }
    for (int r = 0; r < d; r++) {
      for (int c = 0; c < r; c++) {
        a[r][c] = a[c][r];
      }
      a[r][r] += lambda * n;
    }
    double[] w = solve(a, d);
    double bias = meanX;
    for (int j = 0; j < d; j++) {
      bias -= w[j] * mean[j];
    }
    return new LinearTracker(w, bias, lambda);
  }

  /**
   * Fits with each penalty in {@code lambdas} on the first 80 % of the examples, keeps the one with
   * the lowest error on the last 20 %, and refits it on all of them.
   */
  public static LinearTracker fitWithValidation(
      List<double[]> features, double[] x, double... lambdas) {
    int n = x.length;
    int cut = Math.max(2, (int) Math.round(n * 0.8));
    if (cut >= n) {
      throw new IllegalArgumentException("need at least 3 examples to choose a penalty, got " + n);
    }
    double[] trainX = java.util.Arrays.copyOfRange(x, 0, cut);
    double[] valX = java.util.Arrays.copyOfRange(x, cut, n);
    double bestLambda = lambdas[0];
    double bestError = Double.POSITIVE_INFINITY;
    for (double lambda : lambdas) {
      double error =
          fit(features.subList(0, cut), trainX, lambda)
              .meanAbsoluteError(features.subList(cut, n), valX);
      if (error < bestError) {
        bestError = error;
        bestLambda = lambda;
      }
    }
    return fit(features, x, bestLambda);
  }

  /** Gauss-Jordan elimination with partial pivoting on the augmented {@code d x (d+1)} matrix. */
  private static double[] solve(double[][] a, int d) {
    for (int c = 0; c < d; c++) {
      int pivot = c;
      for (int r = c + 1; r < d; r++) {
        if (Math.abs(a[r][c]) > Math.abs(a[pivot][c])) {
          pivot = r;
        }
      }
      double[] t = a[c];
      a[c] = a[pivot];
      a[pivot] = t;
      if (Math.abs(a[c][c]) < 1e-12) {
        throw new IllegalArgumentException("features are degenerate: use a larger penalty");
      }
      for (int r = 0; r < d; r++) {
        if (r != c) {
          double m = a[r][c] / a[c][c];
          if (m != 0) {
            for (int k = c; k <= d; k++) {
              a[r][k] -= m * a[c][k];
            }
          }
        }
      }
    }
    double[] w = new double[d];
    for (int i = 0; i < d; i++) {
      w[i] = a[i][d] / a[i][i];
    }
    return w;
  }
}
