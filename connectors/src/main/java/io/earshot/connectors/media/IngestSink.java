package io.earshot.connectors.media;

import io.earshot.avro.AudioWindow;
import io.earshot.avro.DeadLetter;
import io.earshot.avro.StreamMetadata;
import io.earshot.avro.VideoFrame;

/** Where ingested records go: Kafka for the CLI, a queue for the Connect task, or nowhere. */
public interface IngestSink extends AutoCloseable {

  void frame(VideoFrame frame);

  void audio(AudioWindow window);

  void metadata(StreamMetadata metadata);

  void deadLetter(DeadLetter deadLetter);

  /** Blocks until everything handed over so far is durably stored, or throws. */
  void flush();

  @Override
  void close();
}
