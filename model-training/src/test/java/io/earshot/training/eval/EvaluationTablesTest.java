package io.earshot.training.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EvaluationTablesTest {

  private static final String LONG = "network flip-detector cpu-20261122115953 (4 symmetric views)";

  private static Evaluation.Row row(String scorer, double accuracy, boolean withSlices) {
    Map<String, Evaluation.SliceResult> slices = new LinkedHashMap<>();
    if (withSlices) {
      slices.put("centred", new Evaluation.SliceResult(55, accuracy - 0.1));
      slices.put("mirror-free", new Evaluation.SliceResult(645, accuracy + 0.03));
    }
    return new Evaluation.Row(
        scorer,
        1000,
        accuracy,
        0.99,
        250.5,
        572,
        accuracy + 0.02,
        slices,
        withSlices ? 960 : 0,
        accuracy + 0.01,
        withSlices ? 0.05 : Double.NaN);
  }

  @Test
  void shouldKeepTheColumnsAlignedWhenAScorerNameIsLongerThanTheColumn() {
    List<Evaluation.Row> rows = List.of(row("chance", 0.513, true), row(LONG, 0.952, true));

    List<String> table = Evaluation.table(rows).lines().toList();
    List<String> slices = Evaluation.sliceTable(rows).lines().toList();

    assertThat(table).hasSize(4);
    assertThat(table.subList(0, 3)).allSatisfy(l -> assertThat(l).hasSameSizeAs(table.get(0)));
    assertThat(table.get(2)).startsWith(LONG + " ").endsWith(" 960     96.2%");
    // The ideal observer's ceiling: the 960 clips it tells and half of the other 40.
    assertThat(table.get(3))
        .contains("to 0.05 of the frame width tells 960 of the 1000 clips")
        .endsWith(": 98.0% at best");
    assertThat(slices).hasSize(4);
    assertThat(slices).allSatisfy(l -> assertThat(l).hasSameSizeAs(slices.get(0)));
    // The slices that have clips, in ClipSlice order, with their clip counts and accuracies.
    assertThat(slices.get(0)).contains("centred").contains("mirror free").doesNotContain("edge");
    assertThat(slices.get(0).indexOf("centred")).isLessThan(slices.get(0).indexOf("mirror free"));
    assertThat(slices.get(1)).startsWith("clips ").containsPattern(" 55 +645$");
    assertThat(slices.get(3)).startsWith(LONG).containsPattern(" 85\\.2% +98\\.2%$");
  }

  @Test
  void shouldPrintNoSliceTableWithoutGroundTruth() {
    assertThat(Evaluation.sliceTable(List.of(row("chance", 0.5, false)))).isEmpty();
    assertThat(Evaluation.table(List.of(row("chance", 0.5, false)))).doesNotContain("ceiling");
    assertThat(row("chance", 0.5, false).ceiling()).isNaN();
  }
}
