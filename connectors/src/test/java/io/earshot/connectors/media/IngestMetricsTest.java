package io.earshot.connectors.media;

import static org.assertj.core.api.Assertions.assertThat;

import io.earshot.avro.AudioWindow;
import io.earshot.avro.VideoFrame;
import io.earshot.domain.Topics;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Measurable;
import org.apache.kafka.common.metrics.Metrics;
import org.junit.jupiter.api.Test;

/** What {@code ./earshot ingest --metrics-port} serves, as Prometheus reads it. */
class IngestMetricsTest {

  private static String scrape(IngestMetrics metrics) throws Exception {
    try (HTTPServer server = metrics.serve("127.0.0.1", 0)) {
      return HttpClient.newHttpClient()
          .send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + server.getPort() + "/metrics"))
                  .build(),
              HttpResponse.BodyHandlers.ofString())
          .body();
    }
  }

  private static VideoFrame frame(String stream) {
    return VideoFrame.newBuilder()
        .setStreamId(stream)
        .setSequence(0)
        .setPtsMicros(0)
        .setIngestTimeMillis(Instant.now())
        .setWidth(2)
        .setHeight(2)
        .setSizeBytes(1)
        .setImage(ByteBuffer.wrap(new byte[1]))
        .build();
  }

  private static AudioWindow window(String stream) {
    return AudioWindow.newBuilder()
        .setStreamId(stream)
        .setSequence(0)
        .setStartPtsMicros(0)
        .setIngestTimeMillis(Instant.now())
        .setSampleRate(16_000)
        .setChannels(2)
        .setFrameCount(8_000)
        .setPcm(ByteBuffer.wrap(new byte[32_000]))
        .build();
  }

  @Test
  void shouldCountAcknowledgedRecordsPerStreamWhenRecordsAreWritten() throws Exception {
    IngestMetrics metrics = new IngestMetrics();

    metrics.written(Topics.VIDEO_FRAMES, "cam-1", frame("cam-1"), 150);
    metrics.written(Topics.VIDEO_FRAMES, "cam-1", frame("cam-1"), 150);
    metrics.written(Topics.AUDIO_WINDOWS, "cam-1", window("cam-1"), 32_100);
    metrics.written(Topics.AUDIO_WINDOWS, "cam-1", window("cam-1"), 32_100);
    metrics.failed(Topics.AUDIO_WINDOWS, "cam-1");
    String text = scrape(metrics);

    assertThat(metrics.count(IngestMetrics.FRAMES, "cam-1")).isEqualTo(2);
    assertThat(text)
        .contains("earshot_ingest_frames_total{stream_id=\"cam-1\"} 2.0")
        .contains("earshot_ingest_audio_windows_total{stream_id=\"cam-1\"} 2.0")
        .contains("earshot_ingest_audio_seconds_total{stream_id=\"cam-1\"} 1.0")
        .contains(
            "earshot_ingest_written_bytes_total{stream_id=\"cam-1\",topic=\"av.video.frames\"}"
                + " 300.0")
        .contains(
            "earshot_ingest_send_errors_total{stream_id=\"cam-1\",topic=\"av.audio.windows\"} 1.0")
        // visible at 0 from the stream's first record, for rates and alerts
        .contains(
            "earshot_ingest_send_errors_total{stream_id=\"cam-1\",topic=\"av.video.frames\"} 0.0");
  }

  @Test
  void shouldExportProducerClientMetricsWhileBoundWhenScraped() throws Exception {
    IngestMetrics metrics = new IngestMetrics();
    try (Metrics kafka = new Metrics()) {
      Map<String, String> client = Map.of("client-id", "earshot-ingest");
      kafka.addMetric(
          kafka.metricName("record-error-total", "producer-metrics", "errors", client),
          (Measurable) (config, now) -> 3);
      kafka.addMetric(
          kafka.metricName("request-latency-avg", "producer-metrics", "latency", client),
          (Measurable) (config, now) -> 12.5);
      kafka.addMetric(
          kafka.metricName("record-send-total", "producer-topic-metrics", "per topic", client),
          (Measurable) (config, now) -> 7);
      Supplier<Map<MetricName, ? extends Metric>> producer = kafka::metrics;

      metrics.bindProducer(producer);
      String bound = scrape(metrics);
      metrics.unbindProducer(producer);
      String unbound = scrape(metrics);

      assertThat(bound)
          .contains("kafka_producer_record_error_total{client_id=\"earshot-ingest\"} 3.0")
          .contains("kafka_producer_request_latency_avg{client_id=\"earshot-ingest\"} 12.5")
          .doesNotContain("record_send_total");
      assertThat(unbound).doesNotContain("kafka_producer_");
    }
  }
}
