package io.earshot.training.eval;

import java.nio.file.Path;
import java.util.List;

/**
 * A learned sound-source position: ridge regression from a clip's audio embedding (the network's
 * audio stream, averaged over time) to the horizontal position of the sounding object, 0..1 across
 * the frame. The network was trained only to tell swapped channels from unswapped ones; a linear
 * read-out of its audio features shows how much of "where" it learned on the way.
 */
public final class LinearTracker {

  /** The tracker's file in a model directory (covered by the model's file digests). */
  public static final String FILE_NAME = "tracker.json";

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper()
          .enable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT);

  /**
   * What {@value #FILE_NAME} holds; {@code confidence} is null in trackers fitted before it
   * existed.
   */
  @com.fasterxml.jackson.annotation.JsonIgnoreProperties(ignoreUnknown = true)
  public record Stored(
      String input,
      double[] weights,
      double bias,
      double lambda,
      int fitClips,
      double validationError,
      TrackConfidence confidence) {}

  private final double[] weights;
  private final double bias;
  private final double lambda;
  private final double validationError;
  private final TrackConfidence confidence;

  private LinearTracker(double[] weights, double bias, double lambda) {
    this(weights, bias, lambda, Double.NaN, null);
  }

  private LinearTracker(
      double[] weights,
      double bias,
      double lambda,
      double validationError,
      TrackConfidence confidence) {
    this.weights = weights;
    this.bias = bias;
    this.lambda = lambda;
    this.validationError = validationError;
    this.confidence = confidence;
  }

  /** How far to trust this tracker's positions, or null when it was not calibrated. */
  public TrackConfidence confidence() {
    return confidence;
  }

  /** This tracker with a calibrated confidence for its positions. */
  public LinearTracker withConfidence(TrackConfidence c) {
    return new LinearTracker(weights, bias, lambda, validationError, c);
  }

  /**
   * Mean absolute error on the held-back 20 % with the chosen penalty ({@link #fitWithValidation}),
   * NaN otherwise.
   */
  public double validationError() {
    return validationError;
  }

  public double lambda() {
    return lambda;
  }

  /** Writes the tracker into a model directory with what it was fitted on. */
  public void write(Path modelDir, int fitClips) {
    try {
      JSON.writeValue(
          modelDir.resolve(FILE_NAME).toFile(),
          new Stored(
              "mean over time of the embed signature's audio_embedding",
              weights,
              bias,
              lambda,
              fitClips,
              validationError,
              confidence));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot write " + FILE_NAME + " in " + modelDir, e);
    }
  }

  /** The tracker stored with a model, or null when the model has none. */
  public static LinearTracker read(Path modelDir) {
    Path file = modelDir.resolve(FILE_NAME);
    if (!java.nio.file.Files.isRegularFile(file)) {
      return null;
    }
    try {
      Stored s = JSON.readValue(file.toFile(), Stored.class);
      if (s.weights() == null || s.weights().length == 0) {
        throw new io.earshot.training.release.InvalidModelException(file + " has no weights");
      }
      return new LinearTracker(
          s.weights(), s.bias(), s.lambda(), s.validationError(), s.confidence());
    } catch (java.io.IOException e) {
      throw new io.earshot.training.release.InvalidModelException(
          file + " is not a valid tracker: " + e.getMessage());
    }
  }

  /** Number of features (the audio embedding's width). */
  public int features() {
    return weights.length;
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
    LinearTracker all = fit(features, x, bestLambda);
    return new LinearTracker(all.weights, all.bias, bestLambda, bestError, null);
  }

  /** Gauss-Jordan elimination with partial pivoting on the augmented {@code d x (d+1)} matrix. */
  static double[] solve(double[][] a, int d) {
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
