package io.earshot.cli;

import static io.earshot.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code ./earshot bench pipeline} as typed, on small inputs: each run starts its own broker and
 * registry, ingests generated streams and runs the SpatialInferenceJob with the shipped model. Only
 * that the tables are there and sane is checked, never how fast anything was.
 */
class PipelineBenchIT {

  @Test
  void shouldPrintDrainRateNextToBareModelWhenBacklogIsBenchmarked() {
    CliRun r =
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
    CliRun r = run("bench", "pipeline", "--sweep", "1", "--seconds", "6");

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
