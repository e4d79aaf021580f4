package io.earshot.connectors.connect;

import io.earshot.avro.AudioWindow;
import io.earshot.avro.DeadLetter;
import io.earshot.avro.StreamMetadata;
import io.earshot.avro.VideoFrame;
import io.earshot.connectors.media.IngestSink;
import io.earshot.domain.Topics;
import io.earshot.serde.AvroSerializer;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * The ingest side of {@link MediaSourceTask}: serializes each record into the Confluent wire format
 * (the same bytes the CLI's {@code KafkaIngestSink} produces) and hands it to the task's bounded
 * queue. Called only from the ingest thread, except {@link #acknowledge()}.
 *
 * <p>The queue is the back-pressure: when Connect polls slower than ffmpeg decodes, {@code put}
 * blocks the decoder instead of buffering an unbounded amount of media in memory.
 */
final class SourceRecordSink implements IngestSink {

  /** Source offset key: media timestamp (microseconds) of the record. */
  static final String OFFSET_PTS = "ptsMicros";

  private static final long OFFER_MILLIS = 100;

  private final BlockingQueue<SourceRecord> queue;
  private final AvroSerializer<SpecificRecord> serializer;
  private final String streamId;
  private final Map<String, ?> sourcePartition;
  private final BooleanSupplier stopping;
  private final Object acks = new Object();

  /** Highest media timestamp handed over; the offset of status records, which have none. */
  private long highestPts;

  private long handedOver;
  private long acknowledged; // guarded by acks

  /** Raised on the ingest thread when the task stops while it waits for queue space or acks. */
  static final class Stopped extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Stopped() {
      super("media source task stopped", null, false, false);
    }
  }

  SourceRecordSink(
      BlockingQueue<SourceRecord> queue,
      AvroSerializer<SpecificRecord> serializer,
      String streamId,
      Map<String, ?> sourcePartition,
      BooleanSupplier stopping) {
    this.queue = queue;
    this.serializer = serializer;
    this.streamId = streamId;
    this.sourcePartition = sourcePartition;
    this.stopping = stopping;
  }

  @Override
  public void frame(VideoFrame frame) {
    put(Topics.VIDEO_FRAMES, frame, frame.getPtsMicros());
  }

  @Override
  public void audio(AudioWindow window) {
    put(Topics.AUDIO_WINDOWS, window, window.getStartPtsMicros());
  }

  @Override
  public void metadata(StreamMetadata metadata) {
    put(Topics.STREAMS, metadata, highestPts);
  }

  @Override
  public void deadLetter(DeadLetter deadLetter) {
    put(Topics.DEAD_LETTER, deadLetter, highestPts);
  }

  private void put(String topic, SpecificRecord value, long pts) {
    highestPts = Math.max(highestPts, pts);
    byte[] bytes = serializer.serialize(topic, value);
    SourceRecord record =
        new SourceRecord(
            sourcePartition,
            Map.of(OFFSET_PTS, pts),
            topic,
            null, // partition chosen by key hash, like the CLI's producer
            Schema.STRING_SCHEMA,
            streamId,
            Schema.BYTES_SCHEMA,
            bytes);
    try {
      // Offer with a timeout rather than put: a stopped task no longer polls, so a full queue
      // would otherwise block this thread forever.
      while (!queue.offer(record, OFFER_MILLIS, TimeUnit.MILLISECONDS)) {
        if (stopping.getAsBoolean()) {
          throw new Stopped();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Stopped();
    }
    handedOver++;
  }

  /** Connect wrote one of our records to Kafka (or dropped it under errors.tolerance=all). */
  void acknowledge() {
    synchronized (acks) {
      acknowledged++;
      acks.notifyAll();
    }
  }

  /** Waits until Connect has acknowledged every record handed over so far, or the task stops. */
  @Override
  public void flush() {
    synchronized (acks) {
      while (acknowledged < handedOver) {
        if (stopping.getAsBoolean()) {
          throw new Stopped();
        }
        try {
          acks.wait(OFFER_MILLIS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new Stopped();
        }
      }
    }
  }

  @Override
  public void close() {
    // Nothing owned: the queue belongs to the task, the registry client holds no connections.
  }
}
