package io.earshot.connectors.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.earshot.avro.AudioWindow;
import io.earshot.avro.StreamMetadata;
import io.earshot.avro.StreamStatus;
import io.earshot.avro.VideoFrame;
import io.earshot.connectors.testing.TestMedia;
import io.earshot.domain.Topics;
import io.earshot.serde.AvroDeserializer;
import io.earshot.serde.AvroSerializer;
import io.earshot.serde.SchemaRegistryClient;
import io.earshot.stack.LocalStack;
import io.earshot.testing.SharedStack;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.connect.cli.ConnectStandalone;
import org.apache.kafka.connect.runtime.Connect;
import org.apache.kafka.connect.runtime.Herder;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorInfo;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.apache.kafka.connect.runtime.standalone.StandaloneHerder;
import org.apache.kafka.connect.util.FutureCallback;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The connector in a real standalone Connect worker (in this JVM, REST on loopback) against a real
 * KRaft broker and schema registry: what lands on the topics must be what the CLI writes.
 */
@ExtendWith(SharedStack.class)
class MediaSourceConnectorIT {

  private static final Duration DEADLINE = Duration.ofSeconds(90);

  @TempDir Path dir;

  @Test
  void shouldWriteCliIdenticalRecordsToTopicsWhenRunInStandaloneWorker(LocalStack stack)
      throws Exception {
    String streamId = "connect-it-" + System.nanoTime();
    Path file = TestMedia.write(dir.resolve("clip.mkv"), TestMedia.Spec.pcmStereo(3));

    Map<String, String> worker = new HashMap<>();
    worker.put("bootstrap.servers", stack.bootstrapServers());
    worker.put("listeners", "http://127.0.0.1:0");
    worker.put("offset.storage.file.filename", dir.resolve("offsets").toString());
    worker.put("offset.flush.interval.ms", "1000");
    worker.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
    worker.put("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
    // The connector is on the test classpath and found through its ServiceLoader manifest; skip
    // the slow reflective scan of every jar (ffmpeg's natives are large).
    worker.put("plugin.discovery", "service_load");

    Map<String, String> connector = new HashMap<>();
    connector.put("name", streamId);
    connector.put("connector.class", MediaSourceConnector.class.getName());
    connector.put("tasks.max", "3");
    connector.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
    connector.put("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
    connector.put(MediaSourceConfig.MEDIA_INPUT, file.toString());
    connector.put(MediaSourceConfig.STREAM_ID, streamId);
    connector.put(MediaSourceConfig.SCHEMA_REGISTRY_URL, stack.registryUrl());

    // A worker that fails to start calls Exit.exit: make that an exception, not the end of the JVM.
    Exit.setExitProcedure(
        (code, message) -> {
          throw new IllegalStateException("Connect worker exited (" + code + "): " + message);
        });
    Connect<StandaloneHerder> connect = null;
    try {
      connect = new ConnectStandalone().startConnect(worker);
      assertThat(connect.rest().serverUrl().getHost()).isEqualTo("127.0.0.1");
      StandaloneHerder herder = connect.herder();
      FutureCallback<Herder.Created<ConnectorInfo>> created = new FutureCallback<>();
      herder.putConnectorConfig(streamId, connector, false, created);
      assertThat(created.get(30, TimeUnit.SECONDS).created()).isTrue();

      Map<String, List<ConsumerRecord<byte[], byte[]>>> got = consumeUntilEnded(stack, streamId);

      ConnectorStateInfo status = herder.connectorStatus(streamId);
      assertThat(status.connector().state()).isEqualTo("RUNNING");
      assertThat(status.tasks()).hasSize(1); // tasks.max=3, one input: one task
      assertThat(status.tasks().get(0).state()).isEqualTo("RUNNING");

      SchemaRegistryClient registry = new SchemaRegistryClient(stack.registryUrl());
      List<ConsumerRecord<byte[], byte[]>> frames = got.get(Topics.VIDEO_FRAMES);
      List<ConsumerRecord<byte[], byte[]>> windows = got.get(Topics.AUDIO_WINDOWS);
      assertThat(frames).hasSizeBetween(17, 19);
      assertThat(windows).hasSize(6);
      for (int i = 0; i < frames.size(); i++) {
        VideoFrame f = decodeAndCheckWire(registry, frames.get(i), VideoFrame.class, streamId);
        assertThat(f.getStreamId()).isEqualTo(streamId);
        assertThat(f.getSequence()).isEqualTo(i);
      }
      for (int i = 0; i < windows.size(); i++) {
        AudioWindow w = decodeAndCheckWire(registry, windows.get(i), AudioWindow.class, streamId);
        assertThat(w.getStreamId()).isEqualTo(streamId);
        assertThat(w.getSequence()).isEqualTo(i);
        assertThat(w.getChannels()).isEqualTo(2);
      }
    } finally {
      if (connect != null) {
        connect.stop();
        connect.awaitStop();
      }
      Exit.resetExitProcedure();
    }
  }

  /**
   * Decodes a record and checks its bytes are exactly what the CLI's serializer writes for the
   * decoded value, and its key is the stream id as plain UTF-8 (StringSerializer's encoding).
   */
  private static <T extends SpecificRecord> T decodeAndCheckWire(
      SchemaRegistryClient registry,
      ConsumerRecord<byte[], byte[]> r,
      Class<T> type,
      String streamId) {
    T value = new AvroDeserializer<>(registry, type).deserialize(r.topic(), r.value());
    byte[] cli = new AvroSerializer<T>(registry, false).serialize(r.topic(), value);
    assertThat(r.value()).isEqualTo(cli);
    assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(streamId);
    return value;
  }

  /**
   * Reads the media and status topics, keeping the stream's records, until its ENDED status has
   * arrived along with as many frames and windows as that status says were produced (topics are
   * read independently, so the status may arrive before the last media records).
   */
  private static Map<String, List<ConsumerRecord<byte[], byte[]>>> consumeUntilEnded(
      LocalStack stack, String streamId) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, streamId);
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    byte[] key = streamId.getBytes(StandardCharsets.UTF_8);
    Map<String, List<ConsumerRecord<byte[], byte[]>>> got = new HashMap<>();
    for (String topic : List.of(Topics.VIDEO_FRAMES, Topics.AUDIO_WINDOWS, Topics.STREAMS)) {
      got.put(topic, new ArrayList<>());
    }
    AvroDeserializer<StreamMetadata> statuses =
        new AvroDeserializer<>(new SchemaRegistryClient(stack.registryUrl()), StreamMetadata.class);
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.copyOf(got.keySet()));
      await()
          .atMost(DEADLINE)
          .pollInterval(Duration.ZERO)
          .until(
              () -> {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                  if (Arrays.equals(r.key(), key)) {
                    got.get(r.topic()).add(r);
                  }
                }
                List<ConsumerRecord<byte[], byte[]>> s = got.get(Topics.STREAMS);
                if (s.isEmpty()) {
                  return false;
                }
                StreamMetadata last =
                    statuses.deserialize(Topics.STREAMS, s.get(s.size() - 1).value());
                return last.getStatus() == StreamStatus.ENDED
                    && got.get(Topics.VIDEO_FRAMES).size() >= last.getFramesProduced()
                    && got.get(Topics.AUDIO_WINDOWS).size() >= last.getWindowsProduced();
              });
    }
    return got;
  }
}
