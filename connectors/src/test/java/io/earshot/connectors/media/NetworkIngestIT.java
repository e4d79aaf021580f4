package io.earshot.connectors.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.earshot.avro.AudioWindow;
import io.earshot.avro.StreamMetadata;
import io.earshot.avro.StreamStatus;
import io.earshot.connectors.testing.CollectingSink;
import io.earshot.connectors.testing.Ffmpeg;
import io.earshot.domain.Pcm;
import io.earshot.stack.Ports;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Live and remote inputs on loopback: UDP MPEG-TS with a source restart, HLS, unreachable. */
class NetworkIngestIT {

  @TempDir Path dir;

  @Test
  void shouldReconnectAndKeepCountingWhenLiveUdpSourceRestarts() throws Exception {
    int port = Ports.freeLoopbackPort();
    String url = "udp://127.0.0.1:" + port + "?timeout=2000000&overrun_nonfatal=1";
    String target = "udp://127.0.0.1:" + port + "?pkt_size=1316";
    CollectingSink sink = new CollectingSink();
    IngestOptions options =
        IngestOptions.defaults(url, "live-udp").withReconnect(true, 0, Duration.ofSeconds(2));
    MediaIngestor ingestor = new MediaIngestor(options, sink, p -> {});
    CompletableFuture<IngestResult> run = CompletableFuture.supplyAsync(ingestor::run);
    try {
      try (Ffmpeg source =
          Ffmpeg.start(dir.resolve("src1.log"), Ffmpeg.liveStereoSourceTo(target, 30))) {
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () -> {
                  source.requireAlive();
                  return sink.frames.size() >= 12;
                });
      }
      long framesBeforeDrop = sink.frames.size();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  sink.metadata.stream().anyMatch(m -> m.getStatus() == StreamStatus.RECONNECTING));
      try (Ffmpeg source =
          Ffmpeg.start(dir.resolve("src2.log"), Ffmpeg.liveStereoSourceTo(target, 30))) {
        await()
            .atMost(Duration.ofSeconds(40))
            .until(
                () -> {
                  source.requireAlive();
                  return sink.frames.size() >= framesBeforeDrop + 12;
                });
      }
    } finally {
      ingestor.stop();
    }
    IngestResult result = run.get();

    assertThat(result.reconnects()).isGreaterThanOrEqualTo(1);
    assertThat(sink.metadata)
        .extracting(StreamMetadata::getStatus)
        .contains(StreamStatus.STREAMING, StreamStatus.RECONNECTING, StreamStatus.ENDED);
    // Sequence numbers continue across the reconnect: no gaps, no restarts.
    for (int i = 0; i < sink.frames.size(); i++) {
      assertThat(sink.frames.get(i).getSequence()).isEqualTo(i);
    }
    AudioWindow w = sink.windows.get(sink.windows.size() / 2);
    short[] pcm = Pcm.fromS16le(w.getPcm().array());
    assertThat(Pcm.rms(pcm, 2, 0)).isGreaterThan(4 * Pcm.rms(pcm, 2, 1)); // left stays left
  }

  @Test
  void shouldRefuseLocalFilesReferencedByRemotePlaylistWhenIngestingHls() throws Exception {
    Path segment = dir.resolve("seg0.ts");
    Ffmpeg.run(
        "-f",
        "lavfi",
        "-i",
        "testsrc2=size=160x120:rate=25:duration=2",
        "-f",
        "lavfi",
        "-i",
        "sine=frequency=440:duration=2",
        "-ac",
        "2",
        "-c:v",
        "mpeg2video",
        "-c:a",
        "mp2",
        "-f",
        "mpegts",
        segment.toString());
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/seg0.ts",
        ex -> {
          byte[] body = Files.readAllBytes(segment);
          ex.sendResponseHeaders(200, body.length);
          ex.getResponseBody().write(body);
          ex.close();
        });
    server.createContext("/remote.m3u8", ex -> playlist(ex, "seg0.ts"));
    server.createContext("/evil.m3u8", ex -> playlist(ex, segment.toUri().toString()));
    server.start();
    String base = "http://127.0.0.1:" + server.getAddress().getPort();
    try {
      // Control: the same segment over HTTP is ingested.
      CollectingSink ok = new CollectingSink();
      new MediaIngestor(
              IngestOptions.defaults(base + "/remote.m3u8", "hls-ok")
                  .withReconnect(false, 0, Duration.ofSeconds(5)),
              ok,
              p -> {})
          .run();
      assertThat(ok.frames).hasSizeGreaterThanOrEqualTo(10);

      // A remote playlist pointing at a local file must not make ffmpeg read it.
      CollectingSink evil = new CollectingSink();
      assertThatThrownBy(
              () ->
                  new MediaIngestor(
                          IngestOptions.defaults(base + "/evil.m3u8", "hls-evil")
                              .withReconnect(false, 0, Duration.ofSeconds(5)),
                          evil,
                          p -> {})
                      .run())
          .isInstanceOf(MediaInputException.class);
      assertThat(evil.frames).isEmpty();
      assertThat(evil.windows).isEmpty();
    } finally {
      server.stop(0);
    }
  }

  private static void playlist(com.sun.net.httpserver.HttpExchange ex, String segmentUri)
      throws java.io.IOException {
    String m3u8 =
        "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:0\n"
            + "#EXTINF:2.0,\n"
            + segmentUri
            + "\n#EXT-X-ENDLIST\n";
    byte[] body = m3u8.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/vnd.apple.mpegurl");
    ex.sendResponseHeaders(200, body.length);
    ex.getResponseBody().write(body);
    ex.close();
  }

  @Test
  void shouldFailClearlyWhenUrlIsUnreachable() {
    int closed = Ports.freeLoopbackPort();
    String url = "tcp://127.0.0.1:" + closed;
    CollectingSink sink = new CollectingSink();

    assertThatThrownBy(
            () ->
                new MediaIngestor(
                        IngestOptions.defaults(url, "gone")
                            .withReconnect(false, 0, Duration.ofSeconds(2)),
                        sink,
                        p -> {})
                    .run())
        .isInstanceOfSatisfying(
            MediaInputException.class,
            e -> assertThat(e.kind()).isEqualTo(MediaInputException.Kind.UNREACHABLE))
        .hasMessageContaining("cannot open " + url)
        .hasMessageContaining("reachable");
    assertThat(sink.metadata)
        .last()
        .extracting(StreamMetadata::getStatus)
        .isEqualTo(StreamStatus.FAILED);
  }

  @Test
  void shouldGiveUpAfterMaxReconnectsWhenSourceNeverComes() {
    String url = "tcp://127.0.0.1:" + Ports.freeLoopbackPort();
    CollectingSink sink = new CollectingSink();

    assertThatThrownBy(
            () ->
                new MediaIngestor(
                        IngestOptions.defaults(url, "never")
                            .withReconnect(true, 2, Duration.ofSeconds(1)),
                        sink,
                        p -> {})
                    .run())
        .hasMessageContaining("gave up after 2 reconnects");
    assertThat(sink.metadata)
        .extracting(StreamMetadata::getStatus)
        .containsExactly(StreamStatus.RECONNECTING, StreamStatus.RECONNECTING, StreamStatus.FAILED);
  }
}
