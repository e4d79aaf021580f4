package io.earshot.training.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.earshot.training.data.Clip;
import io.earshot.training.data.ClipDataset;
import io.earshot.training.data.Split;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scores the same clips with every scorer, side by side, and reports accuracy and ROC AUC for each:
 * the model and its baselines are measured on identical data in one pass.
 */
public final class Evaluation {

  /**
   * One scorer's numbers.
   *
   * @param slices with ground truth, the clips and accuracy of each {@link ClipSlice} that has
   *     clips, keyed by {@link ClipSlice#key()} in the slices' order; empty without ground truth
   * @param tellableClips with ground truth, the clips an {@link IdealObserver} could tell (0
   *     without)
   * @param tellableAccuracy accuracy on those clips
   * @param observerTolerance the ideal observer's resolution, a fraction of the frame width (NaN
   *     without ground truth)
   */
  public record Row(
      String scorer,
      int clips,
      double accuracy,
      double rocAuc,
      double clipsPerSecond,
      int decidableClips,
      double decidableAccuracy,
      Map<String, SliceResult> slices,
      int tellableClips,
      double tellableAccuracy,
      double observerTolerance) {

    /**
     * The most an {@link IdealObserver} could get right of these clips, as a fraction: the tellable
     * ones and half of the rest; NaN without ground truth.
     */
    public double ceiling() {
      return tellableClips == 0
          ? Double.NaN
          : (tellableClips + (clips - tellableClips) / 2.0) / clips;
    }
  }

  /** A scorer's accuracy on the clips of one slice. */
  public record SliceResult(int clips, double accuracy) {}

  /**
   * Receives every scored clip with its decidability, slice and whether an {@link IdealObserver}
   * could tell it (all null without ground truth) and each scorer's flip probability, in scorer
   * order; for per-clip error analysis.
   */
  @FunctionalInterface
  public interface ClipListener {
    void scored(
        Clip clip, Boolean decidable, ClipSlice slice, Boolean tellable, double[] probabilities);
  }

  private Evaluation() {}

  /** Evaluates on the given splits of the dataset (batches of {@code batch} clips). */
  public static List<Row> run(
      ClipDataset dataset, List<Split> splits, List<FlipScorer> scorers, int batch) {
    return run(dataset, splits, scorers, batch, null);
  }

  /** As above; with ground truth (generated scenes) also reports accuracy on decidable clips. */
  public static List<Row> run(
      ClipDataset dataset,
      List<Split> splits,
      List<FlipScorer> scorers,
      int batch,
      Decidability decidability) {
    return run(dataset, splits, scorers, batch, decidability, null);
  }

  /** As above, also handing every clip's probabilities to {@code listener} (when not null). */
  public static List<Row> run(
      ClipDataset dataset,
      List<Split> splits,
      List<FlipScorer> scorers,
      int batch,
      Decidability decidability,
      ClipListener listener) {
    List<BinaryMetrics> metrics = new ArrayList<>();
    List<BinaryMetrics> decidable = new ArrayList<>();
    List<BinaryMetrics> tellable = new ArrayList<>();
    List<Map<ClipSlice, BinaryMetrics>> sliced = new ArrayList<>();
    long[] nanos = new long[scorers.size()];
    for (int i = 0; i < scorers.size(); i++) {
      metrics.add(new BinaryMetrics());
      decidable.add(new BinaryMetrics());
      tellable.add(new BinaryMetrics());
      sliced.add(new EnumMap<>(ClipSlice.class));
    }
    List<Clip> pending = new ArrayList<>();
    Runnable flush =
        () -> {
          Boolean[] verdicts = new Boolean[pending.size()];
          ClipSlice[] slices = new ClipSlice[pending.size()];
          Boolean[] told = new Boolean[pending.size()];
          for (int i = 0; decidability != null && i < verdicts.length; i++) {
            Clip c = pending.get(i);
            verdicts[i] = decidability.decidable(c.videoId(), c.startSeconds(), c.spec().seconds());
            slices[i] = decidability.slice(c.videoId(), c.startSeconds(), c.spec().seconds());
            told[i] = decidability.tellable(c.videoId(), c.startSeconds(), c.spec().seconds());
          }
          double[][] probabilities = new double[scorers.size()][];
          for (int s = 0; s < scorers.size(); s++) {
            long t = System.nanoTime();
            double[] p = scorers.get(s).score(pending);
            nanos[s] += System.nanoTime() - t;
            probabilities[s] = p;
            for (int i = 0; i < p.length; i++) {
              Clip c = pending.get(i);
              metrics.get(s).add(c.swapped(), p[i]);
              if (Boolean.TRUE.equals(verdicts[i])) {
                decidable.get(s).add(c.swapped(), p[i]);
              }
              if (Boolean.TRUE.equals(told[i])) {
                tellable.get(s).add(c.swapped(), p[i]);
              }
              if (slices[i] != null) {
                sliced
                    .get(s)
                    .computeIfAbsent(slices[i], k -> new BinaryMetrics())
                    .add(c.swapped(), p[i]);
              }
            }
          }
          if (listener != null) {
            for (int i = 0; i < pending.size(); i++) {
              double[] clipProbabilities = new double[scorers.size()];
              for (int s = 0; s < scorers.size(); s++) {
                clipProbabilities[s] = probabilities[s][i];
              }
              listener.scored(pending.get(i), verdicts[i], slices[i], told[i], clipProbabilities);
            }
          }
          pending.clear();
        };
    for (Split split : splits) {
      dataset.forEach(
          split,
          0,
          c -> {
            pending.add(c);
            if (pending.size() >= batch) {
              flush.run();
            }
          },
          n -> {});
    }
    if (!pending.isEmpty()) {
      flush.run();
    }
    List<Row> rows = new ArrayList<>();
    for (int s = 0; s < scorers.size(); s++) {
      BinaryMetrics m = metrics.get(s);
      BinaryMetrics d = decidable.get(s);
      BinaryMetrics t = tellable.get(s);
      Map<String, SliceResult> bySlice = new LinkedHashMap<>();
      sliced
          .get(s)
          .forEach((k, v) -> bySlice.put(k.key(), new SliceResult(v.count(), v.accuracy())));
      rows.add(
          new Row(
              scorers.get(s).name(),
              m.count(),
              m.accuracy(),
              m.rocAuc(),
              m.count() / Math.max(1e-9, nanos[s] / 1e9),
              d.count(),
              d.accuracy(),
              bySlice,
              t.count(),
              t.accuracy(),
              decidability == null ? Double.NaN : decidability.tolerance()));
    }
    return rows;
  }

  public static String table(List<Row> rows) {
    String name = "%-" + nameWidth(rows) + "s";
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            name + " %7s %9s %8s %10s %10s %9s %9s %9s%n",
            "scorer",
            "clips",
            "accuracy",
            "ROC AUC",
            "clips/s",
            "decidable",
            "accuracy",
            "tellable",
            "accuracy"));
    for (Row r : rows) {
      sb.append(
          String.format(
              name + " %7d %8.1f%% %8.3f %10.1f %10s %9s %9s %9s%n",
              r.scorer(),
              r.clips(),
              100 * r.accuracy(),
              r.rocAuc(),
              r.clipsPerSecond(),
              r.decidableClips() == 0 ? "-" : String.valueOf(r.decidableClips()),
              r.decidableClips() == 0 ? "-" : String.format("%.1f%%", 100 * r.decidableAccuracy()),
              r.tellableClips() == 0 ? "-" : String.valueOf(r.tellableClips()),
              r.tellableClips() == 0 ? "-" : String.format("%.1f%%", 100 * r.tellableAccuracy())));
    }
    if (!rows.isEmpty() && rows.get(0).tellableClips() > 0) {
      Row r = rows.get(0);
      sb.append(
          String.format(
              "ceiling: an ideal observer locating sounds and objects to %.2f of the frame width"
                  + " tells %d of the %d clips and guesses the rest: %.1f%% at best%n",
              r.observerTolerance(), r.tellableClips(), r.clips(), 100 * r.ceiling()));
    }
    return sb.toString();
  }

  /**
   * Accuracy of each scorer per {@link ClipSlice} (the clips per slice in the heading), or an empty
   * string without ground truth.
   */
  public static String sliceTable(List<Row> rows) {
    List<ClipSlice> present = new ArrayList<>();
    for (ClipSlice slice : ClipSlice.values()) {
      if (!rows.isEmpty() && rows.get(0).slices().containsKey(slice.key())) {
        present.add(slice);
      }
    }
    if (present.isEmpty()) {
      return "";
    }
    String name = "%-" + nameWidth(rows) + "s";
    StringBuilder sb = new StringBuilder(String.format(name, "accuracy by kind of clip"));
    for (ClipSlice slice : present) {
      sb.append(String.format(" %24s", slice.label()));
    }
    sb.append(String.format("%n" + name, "clips"));
    for (ClipSlice slice : present) {
      sb.append(String.format(" %24d", rows.get(0).slices().get(slice.key()).clips()));
    }
    sb.append(String.format("%n"));
    for (Row r : rows) {
      sb.append(String.format(name, r.scorer()));
      for (ClipSlice slice : present) {
        SliceResult result = r.slices().get(slice.key());
        sb.append(
            result == null
                ? String.format(" %24s", "-")
                : String.format(" %23.1f%%", 100 * result.accuracy()));
      }
      sb.append(String.format("%n"));
    }
    return sb.toString();
  }

  /** The scorer column: 44 characters, or the longest scorer name. */
  private static int nameWidth(List<Row> rows) {
    return Math.max(44, rows.stream().mapToInt(r -> r.scorer().length()).max().orElse(0));
  }

  public static void writeJson(List<Row> rows, Map<String, Object> context, Path file) {
    Map<String, Object> json = new LinkedHashMap<>(context);
    json.put("results", rows);
    try {
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), json);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
