package io.earshot.cli;

import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/**
 * An in-process Flink metric reporter for the benchmarks: keeps every task and operator metric of
 * the MiniCluster in this JVM so {@code bench pipeline} can read busy time per task and the job's
 * own counters when it finishes, without a Prometheus round trip.
 */
public final class BenchMetrics implements MetricReporterFactory {

  private static final Map<String, Metric> METRICS = new ConcurrentHashMap<>();

  /** Flink configuration that installs this reporter. */
  static Configuration configuration() {
    Configuration c = new Configuration();
    c.setString("metrics.reporter.bench.factory.class", BenchMetrics.class.getName());
    return c;
  }

  /** Forgets every metric (before a new job). */
  static void clear() {
    METRICS.clear();
  }

  /**
   * Current numeric value of every metric named {@code name}, keyed by its task (for task metrics)
   * or operator name; counters, numeric gauges and histogram means.
   */
  static Map<String, Double> values(String name) {
    Map<String, Double> out = new TreeMap<>();
    String suffix = "|" + name;
    METRICS.forEach(
        (k, m) -> {
          if (k.endsWith(suffix)) {
            double v = value(m);
            if (!Double.isNaN(v)) {
              String where = k.substring(0, k.length() - suffix.length()).replaceAll("#\\d+$", "");
              out.merge(where, v, Double::sum);
            }
          }
        });
    return out;
  }

  /** Names of every metric seen. */
  static java.util.Set<String> names() {
    java.util.Set<String> out = new java.util.TreeSet<>();
    for (String k : METRICS.keySet()) {
      out.add(k.substring(k.lastIndexOf('|') + 1));
    }
    return out;
  }

  /** Sum over every task or operator of {@link #values(String)}. */
  static double total(String name) {
    return values(name).values().stream().mapToDouble(Double::doubleValue).sum();
  }

  private static double value(Metric m) {
    if (m instanceof Counter c) {
      return c.getCount();
    }
    if (m instanceof Gauge<?> g && g.getValue() instanceof Number n) {
      return n.doubleValue();
    }
    if (m instanceof Histogram h) {
      return h.getStatistics().getMean();
    }
    return Double.NaN;
  }

  @Override
  public MetricReporter createMetricReporter(Properties properties) {
    return new MetricReporter() {
      @Override
      public void open(MetricConfig config) {}

      @Override
      public void close() {}

      @Override
      public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
        METRICS.put(key(name, group), metric);
      }

      @Override
      public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {
        // Kept: the benchmark reads the last values after the job has stopped.
      }
    };
  }

  private static String key(String name, MetricGroup group) {
    Map<String, String> v = group.getAllVariables();
    String where = v.get("<operator_name>");
    if (where == null) {
      where = v.get("<task_name>");
    }
    if (where == null) {
      where = "-";
    }
    String subtask = v.get("<subtask_index>");
    return (subtask == null ? where : where + "#" + subtask) + "|" + name;
  }
}
