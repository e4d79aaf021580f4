package io.earshot.flink.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.earshot.training.data.ClipSpec;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class FrameDecoderTest {

  private static final ClipSpec SPEC = new ClipSpec(3, 6, 64, 64, 16_000);

  @Test
  void shouldGiveSamePixelsAsImageIoReadWhenDecodingFramesOfSeveralSizes() throws IOException {
    FrameDecoder decoder = new FrameDecoder(SPEC);
    Random random = new Random(7);
    int[][] sizes = {{320, 180}, {320, 180}, {320, 240}, {160, 90}, {320, 180}};
    for (int[] size : sizes) {
      byte[] jpeg = jpeg(size[0], size[1], random);

      byte[] ours = decoder.decode(jpeg);

      assertThat(ours).hasSize(decoder.frameBytes()).isEqualTo(reference(jpeg));
    }
  }

  @Test
  void shouldWriteAtOffsetWhenGivenAnArray() throws IOException {
    FrameDecoder decoder = new FrameDecoder(SPEC);
    byte[] jpeg = jpeg(320, 180, new Random(3));
    byte[] out = new byte[decoder.frameBytes() * 2];

    decoder.decode(jpeg, out, decoder.frameBytes());

    byte[] second = java.util.Arrays.copyOfRange(out, decoder.frameBytes(), out.length);
    assertThat(second).isEqualTo(reference(jpeg));
  }

  @Test
  void shouldRejectBytesThatAreNotAReadableJpeg() throws IOException {
    FrameDecoder decoder = new FrameDecoder(SPEC);
    byte[] jpeg = jpeg(320, 180, new Random(5));
    byte[] truncated = java.util.Arrays.copyOf(jpeg, 40);

    assertThatThrownBy(() -> decoder.decode(truncated))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a readable JPEG");
    // The decoder is still usable afterwards.
    assertThat(decoder.decode(jpeg)).isEqualTo(reference(jpeg));
  }

  private static byte[] jpeg(int w, int h, Random random) throws IOException {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = img.createGraphics();
    for (int i = 0; i < 30; i++) {
      g.setColor(new Color(random.nextInt(0xFFFFFF)));
      g.fillOval(
          random.nextInt(w), random.nextInt(h), 10 + random.nextInt(60), 10 + random.nextInt(60));
    }
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "jpg", out);
    return out.toByteArray();
  }

  /** The preparation the job did per clip before: ImageIO.read, bilinear squash, centre crop. */
  private static byte[] reference(byte[] jpeg) throws IOException {
    int w = SPEC.width();
    int h = SPEC.height();
    int decodeW = SPEC.decodeWidth();
    int decodeH = SPEC.decodeHeight();
    int ox = (decodeW - w) / 2;
    int oy = (decodeH - h) / 2;
    BufferedImage scaled = new BufferedImage(decodeW, decodeH, BufferedImage.TYPE_INT_RGB);
    BufferedImage img = ImageIO.read(new ByteArrayInputStream(jpeg));
    Graphics2D g = scaled.createGraphics();
    g.setRenderingHint(
        RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.drawImage(img, 0, 0, decodeW, decodeH, null);
    g.dispose();
    byte[] rgb = new byte[h * w * 3];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int p = scaled.getRGB(ox + x, oy + y);
        int d = (y * w + x) * 3;
        rgb[d] = (byte) (p >> 16);
        rgb[d + 1] = (byte) (p >> 8);
        rgb[d + 2] = (byte) p;
      }
    }
    return rgb;
  }
}
