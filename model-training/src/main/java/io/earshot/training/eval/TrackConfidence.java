package io.earshot.training.eval;

import java.nio.file.Path;
import java.util.List;

/**
 * How far to trust a learned source position: the probability that it lies within {@link
 * #tolerance()} of the horizontal centre of an object that is visible and sounding for most of the
 * clip, from a logistic regression fitted on generated scenes with ground truth.
 *
 * <p>Its inputs are what the job has for every clip: the learned position, the interaural (audio
 * only) position and the visual salience position. On held-out generated scenes the learned
 * position is right most often when it agrees with the interaural estimate and lies away from the
 * centre; clips with no visible sounding object (a third of them) can never be right. A lateral
 * interaural estimate alone, which the job used as the confidence before, says the opposite of what
 * it should there: its most lateral fifth is right less often than the rest.
 *
 * <p>The same regression with the classical FUSED position in the learned one's place calibrates
 * the tracks of models without a learned tracker ({@link #fused()}).
 *
 * @param weights one per {@link #features} entry
 * @param bias intercept
 * @param tolerance the x error, in frame widths, under which a position counts as right
 * @param fitClips clips the regression was fitted on
 * @param validationBrier mean squared error of the probability on the held-back fifth of the fit
 *     clips (NaN when not measured)
 * @param validationLateralBrier the same for the interaural lateralness used as a probability, the
 *     job's confidence before calibration, on the same clips
 */
public record TrackConfidence(
    double[] weights,
    double bias,
    double tolerance,
    int fitClips,
    double validationBrier,
    double validationLateralBrier) {

  /** The x error, in frame widths, under which a learned position counts as right. */
  public static final double TOLERANCE = 0.1;

  /** Names of the inputs, in {@link #features} order (written next to the weights). */
  public static final List<String> FEATURES =
      List.of(
          "|learned - audio|",
          "|learned - 0.5| * 2",
          "|audio - 0.5| * 2",
          "|learned - visual| (0.5 without a salient region)",
          "no salient region");

  public TrackConfidence {
    if (weights == null || weights.length != FEATURES.size()) {
      throw new IllegalArgumentException(
          "a track confidence takes "
              + FEATURES.size()
              + " weights, got "
              + (weights == null ? "none" : weights.length));
    }
  }

  /** Resource holding {@link #fused()}, written by {@link #writeFused}. */
  public static final String FUSED_RESOURCE = "fused-confidence.json";

  /** What {@value #FUSED_RESOURCE} holds: how it was fitted, the input names and the regression. */
  public record FusedFile(String description, List<String> features, TrackConfidence confidence) {}

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper()
          .enable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT);

  private static final class Fused {
    private static final TrackConfidence INSTANCE = readFused();
  }

  /**
   * The calibration of the classical FUSED position ({@code
   * io.earshot.domain.ClassicalFlipDetector#fusedPosition}), with that position in place of the
   * learned one in {@link #features}: it depends on no model, so it ships with Earshot, fitted on
   * generated scenes ({@code ./earshot evaluate --model classical --fit-fused-confidence FILE}).
   * The job gives it to the tracks of models without a learned tracker, such as models trained on
   * videos without ground truth.
   */
  public static TrackConfidence fused() {
    return Fused.INSTANCE;
  }

  private static TrackConfidence readFused() {
    try (java.io.InputStream in = TrackConfidence.class.getResourceAsStream(FUSED_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(
            FUSED_RESOURCE + " is missing from the classpath next to " + TrackConfidence.class);
      }
      return JSON.readValue(in, FusedFile.class).confidence();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot read " + FUSED_RESOURCE, e);
    }
  }

  /** Writes {@code confidence} as a {@value #FUSED_RESOURCE} file. */
  public static void writeFused(TrackConfidence confidence, String description, Path file) {
    try {
      JSON.writeValue(file.toFile(), new FusedFile(description, FEATURES, confidence));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot write " + file, e);
    }
  }

  /** The regression's inputs for one clip's positions (visual may be NaN: no salient region). */
  public static double[] features(double learnedX, double audioX, double visualX) {
    boolean noVisual = Double.isNaN(visualX);
    return new double[] {
      Math.abs(learnedX - audioX),
      Math.abs(learnedX - 0.5) * 2,
      Math.abs(audioX - 0.5) * 2,
      noVisual ? 0.5 : Math.abs(learnedX - visualX),
      noVisual ? 1 : 0
    };
  }

  /** Probability that {@code learnedX} is right, 0..1. */
  public double probability(double learnedX, double audioX, double visualX) {
    if (Double.isNaN(learnedX) || Double.isNaN(audioX)) {
      return 0;
    }
    return probability(features(learnedX, audioX, visualX));
  }

  /** Probability that a position is right, from its {@link #features}. */
  public double probability(double[] features) {
    return logistic(bias, weights, features);
  }

  /**
   * Fits the regression on {@code right[i]} (was clip i's learned position right?) by Newton's
   * method with a small L2 penalty (which keeps it finite when a feature separates the classes).
   */
  public static TrackConfidence fit(List<double[]> features, boolean[] right) {
    int n = right.length;
    if (n < 2 || features.size() != n) {
      throw new IllegalArgumentException(
          "need at least 2 clips with one feature vector each, got " + n);
    }
    int d = FEATURES.size() + 1; // weights, then the bias
    double[] w = new double[d];
    // Absolute, so it fades as clips grow: enough to keep separable data finite, no more.
    double penalty = 1.0;
    for (int iter = 0; iter < 50; iter++) {
      double[] grad = new double[d];
      double[][] hess = new double[d][d + 1];
      for (int i = 0; i < n; i++) {
        double[] x = withOne(features.get(i));
        double p = logistic(0, w, x);
        double g = p - (right[i] ? 1 : 0);
        double h = Math.max(1e-9, p * (1 - p));
        for (int r = 0; r < d; r++) {
          grad[r] += g * x[r];
          for (int c = 0; c < d; c++) {
            hess[r][c] += h * x[r] * x[c];
          }
        }
      }
      for (int r = 0; r < d - 1; r++) {
        grad[r] += penalty * w[r];
        hess[r][r] += penalty;
      }
      for (int r = 0; r < d; r++) {
        hess[r][d] = grad[r];
      }
      double[] step = LinearTracker.solve(hess, d);
      double size = 0;
      for (int r = 0; r < d; r++) {
        w[r] -= step[r];
        size = Math.max(size, Math.abs(step[r]));
      }
      if (size < 1e-8) {
        break;
      }
    }
    double[] weights = java.util.Arrays.copyOf(w, d - 1);
    return new TrackConfidence(weights, w[d - 1], TOLERANCE, n, Double.NaN, Double.NaN);
  }

  /**
   * Fits on the first 80 % of the clips, measures the Brier score there against the lateralness
   * confidence on the last 20 %, and refits on all of them.
   *
   * @param lateral per clip, the interaural lateralness {@code |audio - 0.5| * 2} clamped to 1
   */
  public static TrackConfidence fitWithValidation(
      List<double[]> features, boolean[] right, double[] lateral) {
    int n = right.length;
    int cut = (int) Math.round(n * 0.8);
    if (cut < 2 || cut >= n) {
      throw new IllegalArgumentException(
          "need at least 3 clips to fit and check a track confidence, got " + n);
    }
    TrackConfidence early =
        fit(features.subList(0, cut), java.util.Arrays.copyOfRange(right, 0, cut));
    double brier = 0;
    double lateralBrier = 0;
    for (int i = cut; i < n; i++) {
      double y = right[i] ? 1 : 0;
      double p = logistic(early.bias, early.weights, features.get(i));
      brier += (p - y) * (p - y);
      double l = Math.min(1, lateral[i]);
      lateralBrier += (l - y) * (l - y);
    }
    TrackConfidence all = fit(features, right);
    return new TrackConfidence(
        all.weights, all.bias, TOLERANCE, n, brier / (n - cut), lateralBrier / (n - cut));
  }

  private static double[] withOne(double[] f) {
    double[] x = java.util.Arrays.copyOf(f, f.length + 1);
    x[f.length] = 1;
    return x;
  }

  private static double logistic(double bias, double[] w, double[] x) {
    double z = bias;
    for (int i = 0; i < x.length && i < w.length; i++) {
      z += w[i] * x[i];
    }
    return 1 / (1 + Math.exp(-z));
  }
}
