package io.earshot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code ./earshot bench pipeline} as typed, on small inputs: each run starts its own broker and
 * registry, ingests generated streams and runs the SpatialInferenceJob with the shipped model. Only
 * that the tables are there and sane is checked, never how fast anything was.
 */
class PipelineBenchIT {

  private record Run(int exit, String out, String err) {}

  private static synchronized Run run(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
    try {
      int exit = EarshotCli.run(args);
      return new Run(exit, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  @Test
  void shouldPrintDrainRateNextToBareModelWhenBacklogIsBenchmarked() {
    Run r =
        run(
            "bench",
            "pipeline",
            "--backlog",
            "--streams",
            "2",
            "--seconds",
            "8",
            "--bare-seconds",
            "1");

    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    Matcher m =
        Pattern.compile(
                "median round 1: pipeline ([0-9.]+) clips/s, bare model ([0-9.]+) clips/s at batch"
                    + " 16, ratio ([0-9.]+)")
            .matcher(r.out());
    assertThat(m.find()).as(r.out()).isTrue();
    assertThat(Double.parseDouble(m.group(1))).isPositive();
    assertThat(Double.parseDouble(m.group(2))).isPositive();
    assertThat(Double.parseDouble(m.group(3))).isStrictlyBetween(0.0, 2.0);
    // Round row: 2 streams x (8 - 3) clips cut by their media, all scored, the job never restarted.
    assertThat(r.out())
        .containsPattern("(?m)^\\s+1\\s+10\\s+[0-9.]+\\s+[0-9.]+\\s+.*\\s0\\s+\\d+/\\d+");
    assertThat(r.out()).contains("Where the time goes").contains("earshot_decode_micros");
  }

  @Test
  void shouldPrintOneRowPerStreamCountWhenRealTimeSweepRuns() {
    Run r = run("bench", "pipeline", "--sweep", "1", "--seconds", "6");

    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    Matcher row =
        Pattern.compile("(?m)^\\s+1\\s+1\\.0\\s+([0-9.]+)\\s+(\\d+)/3\\s+([0-9.]+)\\s+([0-9.]+)")
            .matcher(r.out());
    assertThat(row.find()).as(r.out()).isTrue();
    assertThat(Double.parseDouble(row.group(1))).as("sustained clips/s").isPositive();
    assertThat(Integer.parseInt(row.group(2))).as("scored clips").isPositive();
    assertThat(Double.parseDouble(row.group(3))).as("p50 latency ms").isPositive();
    assertThat(r.out()).containsPattern("largest N kept in real time: (1|none of those tried)");
  }
}
