package io.earshot.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The scrape config and alert rules as promtool sees them, including the rules' unit tests. */
class PromtoolTest {

  @Test
  void shouldAcceptScrapeConfigAndItsRuleFilesWhenCheckedByPromtool() throws Exception {
    OpsTools.Run r = OpsTools.run("promtool", "check", "config", "prometheus/prometheus.yml");

    assertThat(r.exit()).as(r.output()).isZero();
    assertThat(r.output()).contains("SUCCESS: 3 rule files found");
  }

  @Test
  void shouldAcceptEveryRuleFileWhenCheckedByPromtool() throws Exception {
    List<String> args = new ArrayList<>(List.of("check", "rules"));
    args.addAll(OpsTools.files("prometheus/rules", ".rules.yml"));

    OpsTools.Run r = OpsTools.run("promtool", args.toArray(String[]::new));

    assertThat(r.exit()).as(r.output()).isZero();
    assertThat(r.output()).doesNotContain("FAILED");
  }

  @Test
  void shouldPassAlertUnitTestsWhenRunByPromtool() throws Exception {
    List<String> tests = OpsTools.files("prometheus/tests", ".test.yml");
    List<String> args = new ArrayList<>(List.of("test", "rules"));
    args.addAll(tests);

    OpsTools.Run r = OpsTools.run("promtool", args.toArray(String[]::new));

    assertThat(tests).hasSize(OpsTools.files("prometheus/rules", ".rules.yml").size());
    assertThat(r.exit()).as(r.output()).isZero();
    assertThat(r.output().split("SUCCESS", -1)).hasSize(tests.size() + 1);
  }
}
