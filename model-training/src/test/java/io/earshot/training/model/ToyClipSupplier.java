package io.earshot.training.model;

import java.util.Random;

/**
 * Synthetic clips for the flip task that a tiny network can learn in seconds: a bright square on
 * the left or right half of otherwise noisy dark frames, and a noise source that is louder in the
 * audio channel on the square's side. Label 1 means the channels were swapped, so the loud side
 * contradicts the picture.
 *
 * <p>Overall loudness, square position and background are random so the only reliable cue is the
 * agreement between the visual side and the inter-channel level difference.
 */
final class ToyClipSupplier {

  private static final int SQUARE = 8;

  private final NetConfig config;
  private final Random random;

  ToyClipSupplier(NetConfig config, long seed) {
    this.config = config;
    this.random = new Random(seed);
  }

  ClipBatch next(int size) {
    int t = config.framesPerClip();
    int side = config.frameSize();
    int samples = config.samplesPerClip();
    int channels = config.inputAudioChannels();
    byte[] frames = new byte[size * t * side * side * 3];
    float[] audio = new float[size * samples * channels];
    float[] labels = new float[size];
    for (int clip = 0; clip < size; clip++) {
      boolean left = random.nextBoolean();
      boolean swapped = random.nextBoolean();
      labels[clip] = swapped ? 1f : 0f;
      drawFrames(frames, clip, left);
      mixAudio(audio, clip, left != swapped);
    }
    return new ClipBatch(size, frames, audio, labels);
  }

  private void drawFrames(byte[] frames, int clip, boolean left) {
    int t = config.framesPerClip();
    int side = config.frameSize();
    int half = side / 2;
    int x0 = (left ? 0 : half) + random.nextInt(half - SQUARE + 1);
    int y0 = random.nextInt(side - SQUARE + 1);
    int frameBytes = side * side * 3;
    for (int f = 0; f < t; f++) {
      int base = (clip * t + f) * frameBytes;
      for (int y = 0; y < side; y++) {
        for (int x = 0; x < side; x++) {
          boolean inSquare = x >= x0 && x < x0 + SQUARE && y >= y0 && y < y0 + SQUARE;
          for (int c = 0; c < 3; c++) {
            int value = inSquare ? 200 + random.nextInt(40) : 30 + random.nextInt(30);
            frames[base + (y * side + x) * 3 + c] = (byte) value;
          }
        }
      }
    }
  }

  private void mixAudio(float[] audio, int clip, boolean loudOnLeft) {
    int samples = config.samplesPerClip();
    int channels = config.inputAudioChannels();
    double level = 0.05 + 0.25 * random.nextDouble();
    double near = level;
    double far = level * (0.2 + 0.2 * random.nextDouble());
    int base = clip * samples * channels;
    for (int i = 0; i < samples; i++) {
      double source = random.nextGaussian();
      double leftGain = loudOnLeft ? near : far;
      double rightGain = loudOnLeft ? far : near;
      audio[base + i * channels] = (float) (leftGain * source + 0.005 * random.nextGaussian());
      audio[base + i * channels + 1] = (float) (rightGain * source + 0.005 * random.nextGaussian());
    }
  }
}
