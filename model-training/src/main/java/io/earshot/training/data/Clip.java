package io.earshot.training.data;

/**
 * One self-supervised training example.
 *
 * @param videoId path of the source video relative to the dataset root
 * @param index clip number within the video
 * @param startSeconds clip start in the video's media time
 * @param split the video's split
 * @param swapped the label: true when the audio channels were swapped
 * @param mirrored augmentation: frames mirrored and channels swapped together (label unchanged)
 * @param rgb frames, uint8 RGB, layout [frames][height][width][3]
 * @param audio float PCM in [-1, 1], interleaved stereo [samples][2]
 */
public record Clip(
    String videoId,
    int index,
    double startSeconds,
    Split split,
    boolean swapped,
    boolean mirrored,
    ClipSpec spec,
    byte[] rgb,
    float[] audio) {

  /** 1 for swapped, 0 for original: the flip task's target. */
  public float label() {
    return swapped ? 1f : 0f;
  }
}
