package io.earshot.streams.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.earshot.domain.FlipStateMachine;
import io.earshot.domain.MonitorPolicy;
import io.earshot.domain.StreamStatus;
import org.junit.jupiter.api.Test;

class StreamStatusSerdeTest {

  private final StreamStatusSerde serde = new StreamStatusSerde();

  private static StreamStatus fullHistory() {
    FlipStateMachine m = new FlipStateMachine(MonitorPolicy.DEFAULT);
    StreamStatus s = null;
    for (int i = 0; i < 200; i++) {
      Double p = i % 17 == 0 ? null : (i < 100 ? 0.0312345 : 0.9712345);
      s =
          m.onPrediction(s, "cam-1", i * 1_000_000L, p, "m1", 1_795_000_000_000L + i * 1000L)
              .status();
    }
    return s;
  }

  @Test
  void shouldRoundTripStatusWithHistoryWhenStored() {
    StreamStatus s = fullHistory();

    byte[] bytes = serde.serializer().serialize("changelog", s);

    assertThat(serde.deserializer().deserialize("changelog", bytes)).isEqualTo(s);
  }

  @Test
  void shouldKeepChangelogRecordSmallWhenHistoryIsFull() {
    byte[] bytes = serde.serializer().serialize("changelog", fullHistory());

    assertThat(fullHistory().history()).hasSize(MonitorPolicy.DEFAULT.historySize());
    assertThat(bytes.length).isLessThan(8 * 1024);
  }
}
