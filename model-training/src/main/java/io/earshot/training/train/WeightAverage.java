package io.earshot.training.train;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The running mean of samples of a network's weights (stochastic weight averaging), kept in double
 * precision and saved beside the checkpoints so that a resumed run continues the same average.
 */
final class WeightAverage {

  private static final int MAGIC = 0x45535741; // "ESWA"

  private final double[][] sum;
  private int count;

  private WeightAverage(double[][] sum, int count) {
    this.sum = sum;
    this.count = count;
  }

  /** An empty average of weights shaped as {@code shapes} (one flattened array per variable). */
  static WeightAverage of(float[][] shapes) {
    double[][] sum = new double[shapes.length][];
    for (int i = 0; i < shapes.length; i++) {
      sum[i] = new double[shapes[i].length];
    }
    return new WeightAverage(sum, 0);
  }

  /** Adds one sample of the weights. */
  void add(float[][] weights) {
    if (weights.length != sum.length) {
      throw new IllegalArgumentException(
          weights.length + " variables, the average holds " + sum.length);
    }
    for (int i = 0; i < sum.length; i++) {
      if (weights[i].length != sum[i].length) {
        throw new IllegalArgumentException(
            "variable " + i + " has " + weights[i].length + " values, not " + sum[i].length);
      }
      for (int k = 0; k < sum[i].length; k++) {
        sum[i][k] += weights[i][k];
      }
    }
    count++;
  }

  /** Samples added so far. */
  int count() {
    return count;
  }

  /** The mean of the samples. */
  float[][] mean() {
    if (count == 0) {
      throw new IllegalStateException("no weights sampled to average");
    }
    float[][] mean = new float[sum.length][];
    for (int i = 0; i < sum.length; i++) {
      mean[i] = new float[sum[i].length];
      for (int k = 0; k < mean[i].length; k++) {
        mean[i][k] = (float) (sum[i][k] / count);
      }
    }
    return mean;
  }

  /**
   * Writes the average to {@code file} (through a temporary file, so a crash leaves the old one).
   */
  void save(Path file) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (DataOutputStream out =
        new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp)))) {
      out.writeInt(MAGIC);
      out.writeInt(count);
      out.writeInt(sum.length);
      for (double[] values : sum) {
        out.writeInt(values.length);
        for (double v : values) {
          out.writeDouble(v);
        }
      }
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /**
   * Reads an average {@link #save}d for weights shaped as {@code shapes}.
   *
   * @throws IOException if the file is unreadable or holds weights of another shape
   */
  static WeightAverage load(Path file, float[][] shapes) throws IOException {
    try (DataInputStream in =
        new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
      if (in.readInt() != MAGIC) {
        throw new IOException(file + " is not a weight average");
      }
      int count = in.readInt();
      int variables = in.readInt();
      if (variables != shapes.length) {
        throw new IOException(
            file + " averages " + variables + " variables, the network has " + shapes.length);
      }
      double[][] sum = new double[variables][];
      for (int i = 0; i < variables; i++) {
        int n = in.readInt();
        if (n != shapes[i].length) {
          throw new IOException(
              file
                  + ": variable "
                  + i
                  + " has "
                  + n
                  + " values, the network's "
                  + shapes[i].length);
        }
        sum[i] = new double[n];
        for (int k = 0; k < n; k++) {
          sum[i][k] = in.readDouble();
        }
      }
      return new WeightAverage(sum, count);
    }
  }
}
