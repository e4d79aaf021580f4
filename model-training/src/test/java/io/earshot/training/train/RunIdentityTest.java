package io.earshot.training.train;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RunIdentityTest {

  private static final RunIdentity RUN =
      new RunIdentity("cpu", "3000 generated scenes", 1.0, 1L, 16, 0.05, 24, "");

  @Test
  void shouldNameEveryFieldThatDiffersWithTheOtherRunsValueFirst() {
    RunIdentity other =
        new RunIdentity("cpu-96", "3000 generated scenes", 2.0, 1L, 16, 0.01, 10, "cpu-1");

    assertThat(RUN.differences(other))
        .containsExactly(
            "config: cpu-96 vs cpu",
            "hop (s): 2.0 vs 1.0",
            "learning rate: 0.01 vs 0.05",
            "epochs: 10 vs 24",
            "started from: model cpu-1 vs fresh weights");
  }

  @Test
  void shouldSkipUnknownFieldsAndToleratePeakRatesStoredAsFloats() {
    // Metadata from before hops were recorded, with the rate as the float it was trained at.
    RunIdentity older = new RunIdentity("cpu", "3000 generated scenes", null, 1L, 16, null, 24, "");
    RunIdentity asFloat =
        new RunIdentity("cpu", "3000 generated scenes", 1.0, 1L, 16, (double) 0.05f, 24, "");

    assertThat(RUN.differences(older)).isEmpty();
    assertThat(RUN.differences(asFloat)).isEmpty();
  }

  @Test
  void shouldLeaveEpochsAndAnUnsaidStartOpenWhenResuming() {
    RunIdentity longer = new RunIdentity("cpu", "3000 generated scenes", 1.0, 1L, 16, 0.05, 40, "");
    RunIdentity fineTune =
        new RunIdentity("cpu", "3000 generated scenes", 1.0, 1L, 16, 0.05, 24, "cpu-1");

    assertThat(RUN.forResume().differences(longer)).isEmpty();
    assertThat(RUN.forResume().differences(fineTune)).isEmpty();
    // A resumed fine-tune that names its start is held to it.
    assertThat(fineTune.forResume().differences(RUN))
        .containsExactly("started from: fresh weights vs model cpu-1");
  }

  @Test
  void shouldHoldAResumedRunToTheLayersItFroze() {
    RunIdentity head =
        new RunIdentity("cpu-cells", "6000 generated scenes", 2.0, 2L, 16, 0.02, 6, "cpu-1", "cpu");
    RunIdentity all =
        new RunIdentity("cpu-cells", "6000 generated scenes", 2.0, 2L, 16, 0.02, 6, "cpu-1");

    assertThat(all.forResume().differences(head))
        .containsExactly("frozen layers: those of 'cpu' vs none");
    assertThat(head.forResume().differences(head)).isEmpty();
    // A run file from before the field existed says nothing about it.
    RunIdentity unknown =
        new RunIdentity("cpu-cells", "6000 generated scenes", 2.0, 2L, 16, 0.02, 6, "cpu-1", null);
    assertThat(head.forResume().differences(unknown)).isEmpty();
  }
}
