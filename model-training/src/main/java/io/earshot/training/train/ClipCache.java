package io.earshot.training.train;

import io.earshot.training.data.Clip;
import io.earshot.training.data.RgbFrames;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.BitSet;

/**
 * Decoded clips kept in a file with their audio aligned to their frames (no label applied), so
 * every epoch can draw fresh swap labels and mirrorings: the self-supervised label costs nothing to
 * resample, and decoding once keeps the two cores on the network.
 *
 * <p>The clips live on disk, not on the heap: the operating system's page cache holds as many as
 * fit and the rest are read back at disk speed. So the number of scenes a run can train on is
 * bounded by free disk space, not by the JVM heap (9000 scenes at a 2 s hop took ~10 GB of heap
 * when they were kept there; 18000 take ~20 GB of file). Each clip is one fixed-size record: its
 * RGB frames, then its stereo audio as 16-bit little-endian PCM, as the media carried it (a 3 s
 * clip at 64x64 takes 0.41 MB). Quantising the decoder's float output to 16 bits adds noise 96 dB
 * below full scale, under the front end's log floor (1e-6 of mel power).
 *
 * <p>The file is opened with {@link StandardOpenOption#DELETE_ON_CLOSE}: on Linux it leaves the
 * directory at once and its space returns when the cache is closed or the process ends, so a killed
 * run leaves no tens of gigabytes behind.
 *
 * <p>Adding is single-threaded; reading is through one {@link Reader} per thread.
 */
final class ClipCache implements AutoCloseable {

  private static final float SCALE = 32767f;

  private final Path file;
  private final FileChannel channel;
  private final int rows;
  private final int width;
  private final int frameBytes;
  private final int audioSamples;
  private final BitSet labels = new BitSet();
  private final ByteBuffer record;
  private int size;

  /**
   * A cache in {@code file} (created, or emptied when it is there) for clips whose frames stack to
   * {@code rows} rows of {@code width} RGB pixels and whose audio is {@code audioSamples}
   * interleaved stereo samples.
   */
  ClipCache(Path file, int rows, int width, int audioSamples) {
    if (rows < 0 || width < 0 || audioSamples < 0 || audioSamples % 2 != 0) {
      throw new IllegalArgumentException(
          "a clip needs whole frames and whole stereo samples: "
              + rows
              + " rows of "
              + width
              + " pixels, "
              + audioSamples
              + " samples");
    }
    this.file = file;
    this.rows = rows;
    this.width = width;
    this.frameBytes = rows * width * 3;
    this.audioSamples = audioSamples;
    this.record = ByteBuffer.allocate(recordBytes()).order(ByteOrder.LITTLE_ENDIAN);
    try {
      this.channel =
          FileChannel.open(
              file,
              StandardOpenOption.CREATE,
              StandardOpenOption.TRUNCATE_EXISTING,
              StandardOpenOption.READ,
              StandardOpenOption.WRITE,
              StandardOpenOption.DELETE_ON_CLOSE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the clip cache " + file + ": " + e, e);
    }
  }

  /** Appends a clip, undoing the channel swap its reader applied for its own label. */
  void add(Clip clip) {
    if (clip.rgb().length != frameBytes || clip.audio().length != audioSamples) {
      throw new IllegalArgumentException(
          String.format(
              "clip %s#%d has %d frame bytes and %d samples; this cache holds %d and %d",
              clip.videoId(),
              clip.index(),
              clip.rgb().length,
              clip.audio().length,
              frameBytes,
              audioSamples));
    }
    record.clear();
    record.put(clip.rgb());
    float[] stereo = clip.audio();
    boolean swap = clip.swapped();
    for (int k = 0; k + 1 < stereo.length; k += 2) {
      record.putShort(toShort(stereo[swap ? k + 1 : k]));
      record.putShort(toShort(stereo[swap ? k : k + 1]));
    }
    record.flip();
    long at = (long) size * recordBytes();
    try {
      while (record.hasRemaining()) {
        at += channel.write(record, at);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot write clip " + size + " to the clip cache " + file + " (disk full?): " + e, e);
    }
    labels.set(size, swap);
    size++;
  }

  int size() {
    return size;
  }

  /** The swap label clip i was read with (validation keeps the dataset's fixed labels). */
  boolean swapped(int i) {
    return labels.get(i);
  }

  /** RGB bytes of one clip's frames. */
  int frameBytes() {
    return frameBytes;
  }

  /** Interleaved stereo samples of one clip. */
  int audioSamples() {
    return audioSamples;
  }

  /** Bytes the cache's file holds now. */
  long bytesOnDisk() {
    try {
      return channel.size();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read the size of the clip cache " + file + ": " + e, e);
    }
  }

  private int recordBytes() {
    return frameBytes + 2 * audioSamples;
  }

  /** A reader with its own buffers; one per thread. */
  Reader reader() {
    return new Reader();
  }

  /** Closes the file, which deletes it (it was opened DELETE_ON_CLOSE). */
  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close the clip cache " + file + ": " + e, e);
    }
  }

  private static short toShort(float v) {
    return (short) Math.round(Math.max(-1f, Math.min(1f, v)) * SCALE);
  }

  /** Reads one clip at a time into its buffers and copies it out into batches. */
  final class Reader {
    private final byte[] frames = new byte[frameBytes];
    private final ByteBuffer buffer =
        ByteBuffer.allocate(recordBytes()).order(ByteOrder.LITTLE_ENDIAN);

    /** Reads clip i; the copy methods then copy it out. */
    Reader read(int i) {
      if (i < 0 || i >= size) {
        throw new IndexOutOfBoundsException("clip " + i + " of " + size);
      }
      buffer.clear();
      long at = (long) i * recordBytes();
      try {
        while (buffer.hasRemaining()) {
          int n = channel.read(buffer, at);
          if (n < 0) {
            throw new IOException("the file ends inside clip " + i);
          }
          at += n;
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read clip " + i + " from " + file + ": " + e, e);
      }
      buffer.flip();
      buffer.get(frames);
      return this;
    }

    /** Copies the clip's frames into dst at offset, mirrored horizontally when asked. */
    void copyFrames(byte[] dst, int offset, boolean mirror) {
      if (mirror) {
        RgbFrames.mirror(frames, dst, offset, rows, width);
      } else {
        System.arraycopy(frames, 0, dst, offset, frameBytes);
      }
    }

    /**
     * Writes the clip's interleaved stereo audio, as floats, into dst at offset, with left and
     * right exchanged when asked.
     */
    void copyAudio(float[] dst, int offset, boolean swap) {
      for (int k = 0; k < audioSamples; k += 2) {
        float left = buffer.getShort(frameBytes + 2 * k) / SCALE;
        float right = buffer.getShort(frameBytes + 2 * k + 2) / SCALE;
        dst[offset + k] = swap ? right : left;
        dst[offset + k + 1] = swap ? left : right;
      }
    }
  }
}
