package io.earshot.connectors.connect;

import io.earshot.connectors.media.IngestOptions;
import io.earshot.connectors.media.IngestResult;
import io.earshot.connectors.media.InputPolicy;
import io.earshot.connectors.media.MediaIngestor;
import io.earshot.connectors.media.MediaInputException;
import io.earshot.serde.AvroSerializer;
import io.earshot.serde.SchemaRegistryClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one {@link MediaIngestor} on a daemon thread and hands its records to Connect.
 *
 * <p>Records are serialized on the ingest thread (see {@link SourceRecordSink}) and pass through a
 * bounded queue that {@link #poll()} drains, so a slow worker slows the decoder instead of filling
 * memory. Source partition: {@code {"stream": id, "input": input without credentials}}; source
 * offset: {@code {"ptsMicros": media timestamp}}.
 *
 * <p>How the ingest ends decides what poll() does once the queue is empty:
 *
 * <ul>
 *   <li>the input ended (a file) or was rejected ({@link MediaInputException}: its FAILED status
 *       and dead letter have gone out like any other record, and the one-line reason was logged):
 *       poll waits and returns null until the task is stopped, without spinning;
 *   <li>anything else (schema registry unreachable, a bug): poll throws, so Connect marks the task
 *       FAILED and shows the cause in its status.
 * </ul>
 */
public final class MediaSourceTask extends SourceTask {

  private static final Logger LOG = LoggerFactory.getLogger(MediaSourceTask.class);

  /**
   * Records between the decoder and Connect. Frames are ~10-40 KB JPEGs and windows 32 KB, so this
   * bounds the buffer to a few MB while still covering several seconds of media per poll.
   */
  static final int QUEUE_CAPACITY = 128;

  /** Most records returned by one poll. */
  static final int MAX_BATCH = 64;

  private static final long POLL_WAIT_MILLIS = 200;
  private static final long IDLE_WAIT_MILLIS = 1_000;

  /** Longer than the ingest timeout (10 s), so a read blocked in ffmpeg can return. */
  private static final long JOIN_MILLIS = 15_000;

  private final CountDownLatch stopSignal = new CountDownLatch(1);
  private volatile boolean stopping;
  private volatile boolean finished;
  private volatile RuntimeException failure;

  private String streamId;
  private BlockingQueue<SourceRecord> queue;
  private SourceRecordSink sink;
  private MediaIngestor ingestor;
  private Thread ingestThread;

  @Override
  public String version() {
    return MediaSourceConnector.VERSION;
  }

  @Override
  public void start(Map<String, String> props) {
    MediaSourceConfig config = new MediaSourceConfig(props);
    IngestOptions options = config.ingestOptions();
    streamId = options.streamId();
    queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    sink =
        new SourceRecordSink(
            queue,
            new AvroSerializer<>(new SchemaRegistryClient(config.registryUrl()), false),
            streamId,
            Map.of("stream", streamId, "input", InputPolicy.redact(options.input())),
            () -> stopping);
    ingestor =
        new MediaIngestor(
            options,
            sink,
            progress -> {
              if (LOG.isDebugEnabled()) {
                LOG.debug("stream {}: {}", streamId, progress.line());
              }
            });
    ingestThread = new Thread(this::ingest, "earshot-ingest-" + streamId);
    // Daemon: a decoder stuck in a network read must not keep the worker JVM alive.
    ingestThread.setDaemon(true);
    ingestThread.start();
    LOG.info("stream {}: ingesting {}", streamId, InputPolicy.redact(options.input()));
  }

  /** Body of the ingest thread. */
  private void ingest() {
    try {
      IngestResult result = ingestor.run();
      if (!stopping) {
        LOG.info(
            "stream {}: input ended after {} frames and {} audio windows{}",
            streamId,
            result.frames(),
            result.windows(),
            result.warning() == null ? "" : " (" + result.warning() + ")");
      }
    } catch (MediaInputException e) {
      // The ingestor has already queued the FAILED status and the dead letter.
      LOG.error("stream {}: {}", streamId, e.getMessage());
      failure = e;
    } catch (SourceRecordSink.Stopped e) {
      LOG.debug("stream {}: ingest stopped", streamId);
    } catch (RuntimeException e) {
      if (stopping) {
        LOG.debug("stream {}: ingest ended while stopping: {}", streamId, e.toString());
      } else {
        LOG.error("stream {}: ingest failed: {}", streamId, e.getMessage(), e);
        failure = e;
      }
    } finally {
      finished = true;
    }
  }

  @Override
  public List<SourceRecord> poll() throws InterruptedException {
    SourceRecord first = queue.poll(POLL_WAIT_MILLIS, TimeUnit.MILLISECONDS);
    if (first == null) {
      // finished is set after the last record was queued, so finished + empty means no more.
      if (finished && queue.isEmpty()) {
        return afterIngest();
      }
      return null;
    }
    List<SourceRecord> batch = new ArrayList<>(MAX_BATCH);
    batch.add(first);
    queue.drainTo(batch, MAX_BATCH - 1);
    return batch;
  }

  private List<SourceRecord> afterIngest() throws InterruptedException {
    RuntimeException f = failure;
    if (f != null && !(f instanceof MediaInputException)) {
      throw new ConnectException("ingest of stream " + streamId + " failed: " + f.getMessage(), f);
    }
    // Nothing more will come. Wait here rather than return at once: the worker calls poll() in a
    // loop, and an immediate null would spin a core for an idle task.
    stopSignal.await(IDLE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
    return null;
  }

  @Override
  public void commitRecord(SourceRecord record, RecordMetadata metadata) {
    sink.acknowledge();
  }

  /** Whether the ingest thread has ended and everything it produced has been polled. */
  boolean isDrained() {
    return finished && queue.isEmpty();
  }

  /** Whether the ingest thread has ended (tests). */
  boolean ingestFinished() {
    return finished;
  }

  /** Records waiting to be polled (tests). */
  int queued() {
    return queue.size();
  }

  @Override
  public void stop() {
    stopping = true;
    stopSignal.countDown();
    if (ingestor == null) {
      return; // start() failed before the ingest began
    }
    ingestor.stop();
    try {
      ingestThread.join(JOIN_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (ingestThread.isAlive()) {
      LOG.warn(
          "stream {}: ingest thread still running {} ms after stop; leaving it (daemon)",
          streamId,
          JOIN_MILLIS);
    }
    queue.clear();
  }
}
