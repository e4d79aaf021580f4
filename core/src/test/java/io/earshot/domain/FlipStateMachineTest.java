package io.earshot.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FlipStateMachineTest {

  private static final long T0 = 1_700_000_000_000L;
  private static final long HOP = 1_000_000L; // 1 s between clip starts

  private final FlipStateMachine machine = new FlipStateMachine(MonitorPolicy.DEFAULT);

  /** Feeds probabilities one clip per second and records every transition. */
  private final class Feed {
    StreamStatus status;
    long clip;
    long now = T0;
    final List<StateTransition> transitions = new ArrayList<>();

    Feed feed(Double... probabilities) {
      for (Double p : probabilities) {
        FlipStateMachine.Step step = machine.onPrediction(status, "s1", clip, p, "m1", now);
        assertThat(step.outcome()).isEqualTo(FlipStateMachine.Outcome.APPLIED);
        step.transition().ifPresent(transitions::add);
        status = step.status();
        clip += HOP;
        now += 1000;
      }
      return this;
    }

    List<MonitorState> targets() {
      return transitions.stream().map(StateTransition::to).toList();
    }
  }

  private static Double[] repeat(double p, int n) {
    Double[] out = new Double[n];
    java.util.Arrays.fill(out, p);
    return out;
  }

  @Test
  void shouldConfirmOkWhenLowProbabilitiesPersist() {
    Feed f = new Feed().feed(0.1, 0.1);
    assertThat(f.status.state()).isEqualTo(MonitorState.UNKNOWN);

    f.feed(0.1);

    assertThat(f.targets()).containsExactly(MonitorState.OK);
    assertThat(f.transitions.get(0).from()).isEqualTo(MonitorState.UNKNOWN);
    assertThat(f.transitions.get(0).clipStartMicros()).isEqualTo(2 * HOP);
  }

  @Test
  void shouldPassThroughSuspectToFlippedWhenChannelsSwapMidStream() {
    Feed f = new Feed().feed(repeat(0.05, 5)).feed(repeat(0.95, 6));

    assertThat(f.targets())
        .containsExactly(MonitorState.OK, MonitorState.SUSPECT, MonitorState.FLIPPED);
    StateTransition flipped = f.transitions.get(2);
    // Smoothing, then 3 confirming clips: the 5th swapped clip (index 9) confirms.
    assertThat(flipped.clipStartMicros()).isEqualTo(9 * HOP);
    assertThat(flipped.confidence()).isGreaterThan(0.7);
    assertThat(flipped.modelVersion()).isEqualTo("m1");
    assertThat(f.status.swapActive()).isTrue();
  }

  @Test
  void shouldNotFlapWhenProbabilityHoversInsideHysteresisBand() {
    Feed f = new Feed().feed(repeat(0.95, 4));
    assertThat(f.status.state()).isEqualTo(MonitorState.FLIPPED);

    // 0.6 and 0.4 alternate: below the flip threshold, above the OK threshold.
    f.feed(0.6, 0.4, 0.6, 0.4, 0.6, 0.4, 0.6, 0.4);

    assertThat(f.status.state()).isEqualTo(MonitorState.FLIPPED);
    assertThat(f.targets()).containsExactly(MonitorState.SUSPECT, MonitorState.FLIPPED);
  }

  @Test
  void shouldIgnoreSingleOutlierWhenStreamIsOk() {
    Feed f = new Feed().feed(repeat(0.05, 5)).feed(0.99).feed(repeat(0.05, 5));

    assertThat(f.targets()).containsExactly(MonitorState.OK);
  }

  @Test
  void shouldReleaseSwapOnlyWhenOkIsConfirmed() {
    Feed f = new Feed().feed(repeat(0.95, 4));
    f.feed(null, null, null);
    assertThat(f.status.state()).isEqualTo(MonitorState.NO_SIGNAL);
    assertThat(f.status.swapActive()).isTrue();

    f.feed(repeat(0.02, 6));

    assertThat(f.status.state()).isEqualTo(MonitorState.OK);
    assertThat(f.status.swapActive()).isFalse();
  }

  @Test
  void shouldDeclareNoSignalWhenConsecutiveClipsAreUnscored() {
    Feed f = new Feed().feed(repeat(0.05, 3)).feed(null, null);
    assertThat(f.status.state()).isEqualTo(MonitorState.OK);

    f.feed((Double) null);

    assertThat(f.targets()).containsExactly(MonitorState.OK, MonitorState.NO_SIGNAL);
    assertThat(f.transitions.get(1).confidence()).isLessThan(0.1);
  }

  @Test
  void shouldIgnorePredictionWhenClipIsOlderOrSameAsNewestProcessed() {
    Feed f = new Feed().feed(0.1, 0.1, 0.1);
    StreamStatus before = f.status;

    FlipStateMachine.Step late = machine.onPrediction(before, "s1", HOP, 0.99, "m1", f.now);
    FlipStateMachine.Step dup = machine.onPrediction(before, "s1", 2 * HOP, 0.99, "m1", f.now);

    assertThat(late.outcome()).isEqualTo(FlipStateMachine.Outcome.LATE);
    assertThat(dup.outcome()).isEqualTo(FlipStateMachine.Outcome.DUPLICATE);
    assertThat(late.status()).isSameAs(before);
    assertThat(late.transition()).isEmpty();
  }

  @Test
  void shouldGoStaleOnceWhenNoPredictionArrivesWithinStaleAfter() {
    Feed f = new Feed().feed(repeat(0.05, 3));
    long last = f.now - 1000;

    assertThat(machine.onClock(f.status, last + 29_999)).isEmpty();
    Optional<FlipStateMachine.Step> stale = machine.onClock(f.status, last + 30_000);

    assertThat(stale).isPresent();
    StateTransition t = stale.get().transition().orElseThrow();
    assertThat(t.from()).isEqualTo(MonitorState.OK);
    assertThat(t.to()).isEqualTo(MonitorState.STALE);
    assertThat(t.clipStartMicros()).isNull();
    assertThat(machine.onClock(stale.get().status(), last + 90_000)).isEmpty();
  }

  @Test
  void shouldStartNewSessionWhenStaleStreamRestartsMediaTime() {
    Feed f = new Feed().feed(repeat(0.05, 5));
    FlipStateMachine.Step stale = machine.onClock(f.status, f.now + 60_000).orElseThrow();
    f.transitions.add(stale.transition().orElseThrow());
    f.status = stale.status();
    f.now += 60_000;
    f.clip = 0; // the ingest restarted the file from the beginning

    f.feed(repeat(0.95, 2));
    assertThat(f.status.state()).isEqualTo(MonitorState.SUSPECT);
    f.feed(0.95);

    assertThat(f.status.state()).isEqualTo(MonitorState.FLIPPED);
    assertThat(f.targets())
        .containsExactly(
            MonitorState.OK, MonitorState.STALE, MonitorState.SUSPECT, MonitorState.FLIPPED);
  }

  @Test
  void shouldKeepBoundedHistoryWhenManyClipsArrive() {
    MonitorPolicy small = new MonitorPolicy(0.5, 0.7, 0.5, 0.3, 3, 3, Duration.ofSeconds(30), 4);
    FlipStateMachine m = new FlipStateMachine(small);
    StreamStatus s = null;
    for (int i = 0; i < 10; i++) {
      s = m.onPrediction(s, "s1", i * HOP, 0.1 * i / 2, "m1", T0 + i).status();
    }

    assertThat(s.history()).hasSize(4);
    assertThat(s.history().get(0).clipStartMicros()).isEqualTo(6 * HOP);
    assertThat(s.history().get(3).clipStartMicros()).isEqualTo(9 * HOP);
  }

  @Test
  void shouldRejectProbabilityWhenOutsideUnitInterval() {
    assertThatThrownBy(() -> machine.onPrediction(null, "s1", 0, 1.5, "m1", T0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("s1");
  }

  @Test
  void shouldRejectPolicyNamingOptionWhenThresholdsAreInverted() {
    assertThatThrownBy(
            () -> new MonitorPolicy(0.5, 0.3, 0.5, 0.7, 3, 3, Duration.ofSeconds(30), 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ok-threshold");
    assertThatThrownBy(() -> new MonitorPolicy(0, 0.7, 0.5, 0.3, 3, 3, Duration.ofSeconds(1), 1))
        .hasMessageContaining("smoothing");
  }
}
