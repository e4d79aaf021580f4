package io.earshot.connectors.testing;

import io.earshot.avro.AudioWindow;
import io.earshot.avro.DeadLetter;
import io.earshot.avro.StreamMetadata;
import io.earshot.avro.VideoFrame;
import io.earshot.connectors.media.IngestSink;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps everything ingest produces in memory, for tests that do not need a broker. */
public final class CollectingSink implements IngestSink {

  public final List<VideoFrame> frames = new CopyOnWriteArrayList<>();
  public final List<AudioWindow> windows = new CopyOnWriteArrayList<>();
  public final List<StreamMetadata> metadata = new CopyOnWriteArrayList<>();
  public final List<DeadLetter> deadLetters = new CopyOnWriteArrayList<>();

  @Override
  public void frame(VideoFrame frame) {
    frames.add(frame);
  }

  @Override
  public void audio(AudioWindow window) {
    windows.add(window);
  }

  @Override
  public void metadata(StreamMetadata m) {
    metadata.add(m);
  }

  @Override
  public void deadLetter(DeadLetter d) {
    deadLetters.add(d);
  }

  @Override
  public void flush() {}

  @Override
  public void close() {}
}
