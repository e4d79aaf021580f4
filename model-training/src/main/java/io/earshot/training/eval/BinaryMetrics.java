package io.earshot.training.eval;

import java.util.ArrayList;
import java.util.List;

/** Accumulates (label, score) pairs; reports accuracy at 0.5 and ROC AUC. */
public final class BinaryMetrics {

  private final List<double[]> pairs = new ArrayList<>();

  public void add(boolean positive, double score) {
    pairs.add(new double[] {positive ? 1 : 0, score});
  }

  public int count() {
    return pairs.size();
  }

  public double accuracy() {
    if (pairs.isEmpty()) {
      return Double.NaN;
    }
    int correct = 0;
    for (double[] p : pairs) {
      if ((p[1] >= 0.5) == (p[0] == 1)) {
        correct++;
      }
    }
    return correct / (double) pairs.size();
  }

  /** Area under the ROC curve by the rank-sum (Mann-Whitney) formula, ties counted half. */
  public double rocAuc() {
    List<double[]> sorted = new ArrayList<>(pairs);
    sorted.sort((a, b) -> Double.compare(a[1], b[1]));
    long positives = sorted.stream().filter(p -> p[0] == 1).count();
    long negatives = sorted.size() - positives;
    if (positives == 0 || negatives == 0) {
      return Double.NaN;
    }
    double rankSum = 0;
    int i = 0;
    while (i < sorted.size()) {
      int j = i;
      while (j + 1 < sorted.size() && sorted.get(j + 1)[1] == sorted.get(i)[1]) {
        j++;
      }
      double rank = (i + j) / 2.0 + 1;
      for (int k = i; k <= j; k++) {
        if (sorted.get(k)[0] == 1) {
          rankSum += rank;
        }
      }
      i = j + 1;
    }
    return (rankSum - positives * (positives + 1) / 2.0) / (positives * (double) negatives);
  }
}
