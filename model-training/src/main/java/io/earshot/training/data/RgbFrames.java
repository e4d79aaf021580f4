package io.earshot.training.data;

/** Operations on a clip's packed RGB frames ({@code [frames][height][width][3]} bytes). */
public final class RgbFrames {

  private RgbFrames() {}

  /**
   * Writes {@code src} mirrored left to right into {@code dst} from {@code offset}: every one of
   * its {@code rows} rows (frames times height) of {@code width} pixels reversed.
   */
  public static void mirror(byte[] src, byte[] dst, int offset, int rows, int width) {
    for (int r = 0; r < rows; r++) {
      int base = r * width * 3;
      for (int x = 0; x < width; x++) {
        int from = base + (width - 1 - x) * 3;
        int to = offset + base + x * 3;
        dst[to] = src[from];
        dst[to + 1] = src[from + 1];
        dst[to + 2] = src[from + 2];
      }
    }
  }
}
