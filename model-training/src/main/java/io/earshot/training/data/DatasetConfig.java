package io.earshot.training.data;

/**
 * How videos become clips.
 *
 * @param clip clip shape
 * @param hopSeconds distance between clip starts within a video
 * @param trainFraction share of videos in the training split
 * @param validationFraction share of videos in the validation split (the rest is test)
 * @param seed seeds labels, augmentations and splits
 * @param augment random crop, colour/contrast shift and joint mirroring on the training split
 * @param silenceRms clips whose audio RMS is below this are skipped as silent
 * @param maxClipsPerVideo cap per video (0 = no cap), so long videos do not dominate
 */
public record DatasetConfig(
    ClipSpec clip,
    double hopSeconds,
    double trainFraction,
    double validationFraction,
    long seed,
    boolean augment,
    double silenceRms,
    int maxClipsPerVideo) {

  public DatasetConfig {
    if (!(hopSeconds > 0)) {
      throw new IllegalArgumentException("hop must be positive, got " + hopSeconds);
    }
    if (trainFraction < 0 || validationFraction < 0 || trainFraction + validationFraction > 1) {
      throw new IllegalArgumentException("split fractions must be >= 0 and sum to <= 1");
    }
  }

  public static DatasetConfig defaults() {
    return new DatasetConfig(ClipSpec.defaults(), 3.0, 0.8, 0.1, 1, true, 1e-3, 0);
  }

  public DatasetConfig withClip(ClipSpec spec) {
    return new DatasetConfig(
        spec,
        hopSeconds,
        trainFraction,
        validationFraction,
        seed,
        augment,
        silenceRms,
        maxClipsPerVideo);
  }

  public DatasetConfig withSeed(long s) {
    return new DatasetConfig(
        clip,
        hopSeconds,
        trainFraction,
        validationFraction,
        s,
        augment,
        silenceRms,
        maxClipsPerVideo);
  }

  public DatasetConfig withSplits(double train, double validation) {
    return new DatasetConfig(
        clip, hopSeconds, train, validation, seed, augment, silenceRms, maxClipsPerVideo);
  }

  public DatasetConfig withHop(double hop) {
    return new DatasetConfig(
        clip, hop, trainFraction, validationFraction, seed, augment, silenceRms, maxClipsPerVideo);
  }

  public DatasetConfig withAugment(boolean on) {
    return new DatasetConfig(
        clip,
        hopSeconds,
        trainFraction,
        validationFraction,
        seed,
        on,
        silenceRms,
        maxClipsPerVideo);
  }
}
