package io.earshot.streams.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.earshot.domain.FlipStateMachine;
import io.earshot.domain.MonitorPolicy;
import io.earshot.domain.StreamStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.Test;

class QueryRouterTest {

  private static final HostInfo SELF = new HostInfo("127.0.0.1", 8090);
  private static final HostInfo OTHER = new HostInfo("127.0.0.1", 8091);

  private final Map<String, StreamStatus> localStreams = new TreeMap<>();
  private final Map<String, HostInfo> owners = new TreeMap<>();
  private final List<String> remoteCalls = new ArrayList<>();
  private final Map<String, String> remoteAnswers = new TreeMap<>();
  private boolean otherDown;

  private final QueryRouter.Locator locator =
      new QueryRouter.Locator() {
        @Override
        public HostInfo self() {
          return SELF;
        }

        @Override
        public Optional<HostInfo> activeHost(String store, String key) {
          return Optional.ofNullable(owners.get(key));
        }

        @Override
        public Set<HostInfo> instances(String store) {
          return Set.of(SELF, OTHER);
        }
      };

  private final QueryRouter.Remote remote =
      (host, path) -> {
        remoteCalls.add(QueryRouter.hostString(host) + path);
        if (otherDown) {
          throw new IOException("connection refused");
        }
        String body = remoteAnswers.get(path);
        return body == null
            ? Optional.empty()
            : Optional.of(new Content("application/json", body.getBytes(StandardCharsets.UTF_8)));
      };

  private final QueryRouter router =
      new QueryRouter(
          locator,
          new LocalView(
              store -> new MapStore<>(localStreams),
              AvroBinarySerde.monitorSerdes(),
              FlipMonitorConfig.from(Map.of()).correction(),
              false,
              QueryRouter.hostString(SELF)),
          remote);

  private static StreamStatus status(String id, double p) {
    FlipStateMachine m = new FlipStateMachine(MonitorPolicy.DEFAULT);
    StreamStatus s = null;
    for (int i = 0; i < 4; i++) {
      s = m.onPrediction(s, id, i * 1_000_000L, p, "m1", 1000L * i).status();
    }
    return s;
  }

  @Test
  void shouldReadLocalStoreWhenThisInstanceOwnsStream() {
    localStreams.put("a", status("a", 0.05));
    owners.put("a", SELF);

    JsonNode a = router.stream("a", false).orElseThrow();

    assertThat(a.path("state").asText()).isEqualTo("OK");
    assertThat(a.path("instance").asText()).isEqualTo("127.0.0.1:8090");
    assertThat(a.path("history")).hasSize(4);
    assertThat(remoteCalls).isEmpty();
  }

  @Test
  void shouldForwardWithLocalScopeWhenAnotherInstanceOwnsStream() {
    owners.put("b c", OTHER);
    remoteAnswers.put(
        "/api/streams/b%20c?scope=local", "{\"streamId\":\"b c\",\"state\":\"FLIPPED\"}");

    JsonNode b = router.stream("b c", false).orElseThrow();

    assertThat(b.path("state").asText()).isEqualTo("FLIPPED");
    assertThat(remoteCalls).containsExactly("127.0.0.1:8091/api/streams/b%20c?scope=local");
  }

  @Test
  void shouldAnswerNotFoundWhenOwnerDoesNotKnowStream() {
    owners.put("ghost", OTHER);

    assertThat(router.stream("ghost", false)).isEmpty();
  }

  @Test
  void shouldReadOnlyLocallyWhenScopeIsLocal() {
    owners.put("b", OTHER);

    assertThat(router.stream("b", true)).isEmpty();
    assertThat(router.streams(true).path("streams")).isEmpty();
    assertThat(remoteCalls).isEmpty();
  }

  @Test
  void shouldReportUnavailableWhenNoInstanceOwnsStreamYet() {
    assertThatThrownBy(() -> router.stream("new", false))
        .isInstanceOf(MonitorUnavailableException.class)
        .hasMessageContaining("new");
  }

  @Test
  void shouldReportUnavailableWhenOwnerCannotBeReached() {
    owners.put("b", OTHER);
    otherDown = true;

    assertThatThrownBy(() -> router.stream("b", false))
        .isInstanceOf(MonitorUnavailableException.class)
        .hasMessageContaining("127.0.0.1:8091");
  }

  @Test
  void shouldMergeEveryInstanceSortedWhenListingFleet() {
    localStreams.put("m", status("m", 0.05));
    localStreams.put("a", status("a", 0.95));
    remoteAnswers.put(
        "/api/streams?scope=local",
        "{\"streams\":[{\"streamId\":\"f\",\"state\":\"OK\"},{\"streamId\":\"z\",\"state\":\"STALE\"}]}");

    JsonNode fleet = router.streams(false);

    assertThat(fleet.path("streams").findValuesAsText("streamId"))
        .containsExactly("a", "f", "m", "z");
    assertThat(fleet.path("instances").toString()).contains("8090", "8091");
    assertThat(fleet.path("unavailable")).isEmpty();
    assertThat(fleet.path("streams").get(0).path("sparkline")).hasSize(4);
  }

  @Test
  void shouldListUnreachableInstanceWhenFleetIsPartial() {
    localStreams.put("a", status("a", 0.05));
    otherDown = true;

    JsonNode fleet = router.streams(false);

    assertThat(fleet.path("streams").findValuesAsText("streamId")).containsExactly("a");
    assertThat(fleet.path("unavailable").get(0).asText()).isEqualTo("127.0.0.1:8091");
  }

  /** A read-only store over a sorted map. */
  private record MapStore<V>(Map<String, V> map) implements ReadOnlyKeyValueStore<String, V> {
    @Override
    public V get(String key) {
      return map.get(key);
    }

    @Override
    public KeyValueIterator<String, V> range(String from, String to) {
      throw new UnsupportedOperationException();
    }

    @Override
    public KeyValueIterator<String, V> all() {
      Iterator<Map.Entry<String, V>> it = new ArrayList<>(map.entrySet()).iterator();
      return new KeyValueIterator<>() {
        @Override
        public void close() {}

        @Override
        public String peekNextKey() {
          throw new UnsupportedOperationException();
        }

        @Override
        public boolean hasNext() {
          return it.hasNext();
        }

        @Override
        public KeyValue<String, V> next() {
          Map.Entry<String, V> e = it.next();
          return KeyValue.pair(e.getKey(), e.getValue());
        }
      };
    }

    @Override
    public long approximateNumEntries() {
      return map.size();
    }
  }
}
