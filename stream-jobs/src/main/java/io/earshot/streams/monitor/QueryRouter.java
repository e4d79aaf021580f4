package io.earshot.streams.monitor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Answers queries for any stream from any instance. Each stream's state lives on the instance that
 * owns its partition; the router asks Kafka Streams' metadata ({@link Locator}) which one that is
 * and either reads the local stores or forwards the request to that instance's HTTP API with {@code
 * scope=local}, which never forwards again (no loops during a rebalance).
 */
final class QueryRouter {

  /** Where stores and keys live: Kafka Streams metadata in production, a fake in unit tests. */
  interface Locator {
    /** This instance's {@code application.server}. */
    HostInfo self();

    /** Instance owning the active copy of the key's partition, empty while unknown. */
    Optional<HostInfo> activeHost(String store, String key);

    /** Every instance that runs the store (this one included). */
    Set<HostInfo> instances(String store);
  }

  /** Fetches another instance's local answer. */
  interface Remote {
    /**
     * GETs {@code path} on the instance; empty on 404.
     *
     * @throws IOException when the instance cannot be reached or answers with another error
     */
    Optional<Content> get(HostInfo host, String path) throws IOException;
  }

  private final Locator locator;
  private final LocalView local;
  private final Remote remote;

  QueryRouter(Locator locator, LocalView local, Remote remote) {
    this.locator = locator;
    this.local = local;
    this.remote = remote;
  }

  /**
   * The fleet: every stream of every instance, sorted by id. Instances that cannot be reached are
   * listed under {@code unavailable} instead of failing the whole answer.
   *
   * @param localOnly only this instance's streams (the form instances ask each other for)
   */
  ObjectNode streams(boolean localOnly) {
    ObjectNode out = StreamStatusSerde.JSON.createObjectNode();
    List<JsonNode> all = new ArrayList<>();
    local.list().forEach(all::add);
    ArrayNode instances = out.putArray("instances");
    ArrayNode unavailable = out.putArray("unavailable");
    instances.add(hostString(locator.self()));
    if (!localOnly) {
      Set<HostInfo> others = new TreeSet<>(Comparator.comparing(QueryRouter::hostString));
      others.addAll(locator.instances(FlipMonitorTopology.STATUS_STORE));
      others.remove(locator.self());
      for (HostInfo host : others) {
        instances.add(hostString(host));
        try {
          byte[] body =
              remote
                  .get(host, "/api/streams?scope=local")
                  .orElseThrow(() -> new IOException("404 from " + hostString(host)))
                  .bytes();
          StreamStatusSerde.JSON.readTree(body).path("streams").forEach(all::add);
        } catch (IOException e) {
          unavailable.add(hostString(host));
        }
      }
    }
    all.sort(Comparator.comparing(n -> n.path("streamId").asText()));
    out.putArray("streams").addAll(all);
    return out;
  }

  /** One stream with its history, from whichever instance owns it; empty when unknown. */
  Optional<JsonNode> stream(String streamId, boolean localOnly) {
    HostInfo owner = owner(FlipMonitorTopology.STATUS_STORE, streamId, localOnly);
    if (owner.equals(locator.self())) {
      return local.detail(streamId).map(n -> n);
    }
    Optional<Content> body = forward(owner, "/api/streams/" + encode(streamId) + "?scope=local");
    try {
      return body.isEmpty()
          ? Optional.empty()
          : Optional.of(StreamStatusSerde.JSON.readTree(body.get().bytes()));
    } catch (IOException e) {
      throw new MonitorUnavailableException("bad answer from " + hostString(owner), e);
    }
  }

  /**
   * The newest frame of a stream, from whichever instance owns it (empty without operator view).
   */
  Optional<Content> frame(String streamId, boolean localOnly) {
    if (!local.operatorView()) {
      return Optional.empty();
    }
    // Frames live in the same task as the stream's status (see FlipMonitorTopology).
    HostInfo owner = owner(FlipMonitorTopology.STATUS_STORE, streamId, localOnly);
    if (owner.equals(locator.self())) {
      return local.frame(streamId);
    }
    return forward(owner, "/api/streams/" + encode(streamId) + "/frame?scope=local");
  }

  private HostInfo owner(String store, String key, boolean localOnly) {
    if (localOnly) {
      return locator.self();
    }
    return locator
        .activeHost(store, key)
        .orElseThrow(
            () ->
                new MonitorUnavailableException(
                    "no instance owns stream " + key + " right now (rebalancing?)"));
  }

  private Optional<Content> forward(HostInfo host, String path) {
    try {
      return remote.get(host, path);
    } catch (IOException e) {
      throw new MonitorUnavailableException(
          "instance " + hostString(host) + " did not answer: " + e.getMessage(), e);
    }
  }

  static String hostString(HostInfo h) {
    return h.host() + ":" + h.port();
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
