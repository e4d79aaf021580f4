package io.earshot.flink.inference;

import io.earshot.training.data.ClipSpec;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Turns one JPEG frame into the model's frame input exactly as the training data was made: squashed
 * to the clip size / 0.875 with bilinear interpolation and centre-cropped, as RGB bytes (height x
 * width x 3).
 *
 * <p>Runs once per frame when the frame enters the job (a frame belongs to several overlapping
 * clips), reusing one JPEG reader and its destination image: {@code ImageIO.read} would look the
 * reader up, cache the stream in a temporary file and allocate a full-size image on every call. Not
 * thread-safe: one per operator instance.
 */
public final class FrameDecoder {

  private final int width;
  private final int height;
  private final int decodeWidth;
  private final int decodeHeight;
  private final ImageReader reader;
  private final BufferedImage scaled;
  private final int[] row;
  private BufferedImage decoded;

  public FrameDecoder(ClipSpec spec) {
    this.width = spec.width();
    this.height = spec.height();
    this.decodeWidth = spec.decodeWidth();
    this.decodeHeight = spec.decodeHeight();
    Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName("jpeg");
    if (!readers.hasNext()) {
      throw new IllegalStateException("no JPEG reader in this JVM");
    }
    this.reader = readers.next();
    this.scaled = new BufferedImage(decodeWidth, decodeHeight, BufferedImage.TYPE_INT_RGB);
    this.row = new int[width];
  }

  /** Bytes of one decoded frame. */
  public int frameBytes() {
    return height * width * 3;
  }

  /**
   * Decodes {@code jpeg} into {@code out} at {@code offset} ({@link #frameBytes()} bytes).
   *
   * @throws IllegalArgumentException when the bytes are not a readable JPEG
   */
  public void decode(byte[] jpeg, byte[] out, int offset) {
    BufferedImage img = read(jpeg);
    Graphics2D g = scaled.createGraphics();
    try {
      g.setRenderingHint(
          RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.drawImage(img, 0, 0, decodeWidth, decodeHeight, null);
    } finally {
      g.dispose();
    }
    int ox = (decodeWidth - width) / 2;
    int oy = (decodeHeight - height) / 2;
    for (int y = 0; y < height; y++) {
      scaled.getRGB(ox, oy + y, width, 1, row, 0, width);
      int d = offset + y * width * 3;
      for (int x = 0; x < width; x++) {
        int p = row[x];
        out[d++] = (byte) (p >> 16);
        out[d++] = (byte) (p >> 8);
        out[d++] = (byte) p;
      }
    }
  }

  /** As {@link #decode(byte[], byte[], int)} into a new array. */
  public byte[] decode(byte[] jpeg) {
    byte[] out = new byte[frameBytes()];
    decode(jpeg, out, 0);
    return out;
  }

  private BufferedImage read(byte[] jpeg) {
    try (MemoryCacheImageInputStream in =
        new MemoryCacheImageInputStream(new ByteArrayInputStream(jpeg))) {
      reader.setInput(in, true, true);
      int w = reader.getWidth(0);
      int h = reader.getHeight(0);
      // The type ImageIO.read would pick (the reader's first), so pixels are the same as with it.
      ImageTypeSpecifier type = reader.getImageTypes(0).next();
      int t = type.getBufferedImageType();
      if (decoded == null
          || decoded.getWidth() != w
          || decoded.getHeight() != h
          || t == BufferedImage.TYPE_CUSTOM
          || decoded.getType() != t) {
        decoded = type.createBufferedImage(w, h);
      }
      ImageReadParam param = reader.getDefaultReadParam();
      param.setDestination(decoded);
      return reader.read(0, param);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(
          "frame image is not a readable JPEG: " + e.getMessage(), e);
    } finally {
      reader.setInput(null);
    }
  }
}
