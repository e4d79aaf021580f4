package io.earshot.training.model;

/**
 * Names of the exported SavedModel's signatures and their tensors; serving code looks them up by
 * these strings.
 *
 * <ul>
 *   <li>{@value #FLIP}: {@value #FRAMES} {@code uint8 [batch, T, H, W, 3]} and {@value #AUDIO}
 *       {@code float32 [batch, samples, channels]} in, {@value #FLIP_PROBABILITY} {@code float32
 *       [batch]} out (probability that the audio channels are swapped relative to the video).
 *   <li>{@value #EMBED}: the same inputs, {@value #AUDIO_EMBEDDING} {@code float32 [batch, T, audio
 *       features]} and {@value #VISUAL_EMBEDDING} {@code float32 [batch, T, visual features]} out
 *       (the per-frame vectors the two streams feed into fusion).
 * </ul>
 */
public final class ModelSignatures {

  public static final String SERVE_TAG = "serve";
  public static final String FLIP = "flip";
  public static final String EMBED = "embed";
  public static final String FRAMES = "frames";
  public static final String AUDIO = "audio";
  public static final String FLIP_PROBABILITY = "flip_probability";
  public static final String AUDIO_EMBEDDING = "audio_embedding";
  public static final String VISUAL_EMBEDDING = "visual_embedding";

  private ModelSignatures() {}
}
