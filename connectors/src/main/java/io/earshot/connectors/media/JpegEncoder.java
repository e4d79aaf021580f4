package io.earshot.connectors.media;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/** Encodes images as baseline JPEG at a fixed quality; reuses one writer (not thread-safe). */
public final class JpegEncoder implements AutoCloseable {

  private final ImageWriter writer;
  private final ImageWriteParam param;
  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(32 * 1024);

  public JpegEncoder(int quality) {
    this.writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    this.param = writer.getDefaultWriteParam();
    param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
    param.setCompressionQuality(quality / 100f);
  }

  public byte[] encode(BufferedImage image) {
    buffer.reset();
    try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(buffer)) {
      writer.setOutput(out);
      writer.write(null, new IIOImage(image, null, null), param);
    } catch (IOException e) {
      throw new UncheckedIOException("JPEG encoding failed", e);
    }
    return buffer.toByteArray();
  }

  @Override
  public void close() {
    writer.dispose();
  }
}
