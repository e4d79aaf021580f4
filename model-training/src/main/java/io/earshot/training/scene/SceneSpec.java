package io.earshot.training.scene;

import java.nio.file.Path;

/**
 * How scenes are generated. {@link #defaults()} is the varied mix used for training; tests narrow
 * it (one source, no room, no noise) to check the physics.
 *
 * @param seconds video length
 * @param width frame width
 * @param height frame height
 * @param fps video frame rate
 * @param sampleRate audio sample rate
 * @param minSources fewest visible sounding objects
 * @param maxSources most visible sounding objects
 * @param maxDistractors most silent moving objects
 * @param offScreenProbability chance of an extra sound source outside the field of view
 * @param reverb add room reverberation at a random level
 * @param noise add diffuse background noise at a random level
 * @param alwaysOn sources sound the whole time (no silent stretches)
 * @param minFovDeg narrowest horizontal camera field of view
 * @param maxFovDeg widest horizontal camera field of view
 * @param hrtf SOFA file to spatialise with instead of the spherical-head model, or null
 */
public record SceneSpec(
    double seconds,
    int width,
    int height,
    int fps,
    int sampleRate,
    int minSources,
    int maxSources,
    int maxDistractors,
    double offScreenProbability,
    boolean reverb,
    boolean noise,
    boolean alwaysOn,
    double minFovDeg,
    double maxFovDeg,
    Path hrtf) {

  public SceneSpec {
    if (!(seconds > 0) || seconds > 600) {
      throw new IllegalArgumentException("--seconds must be in (0, 600], got " + seconds);
    }
    if (width < 32 || height < 32 || width % 2 != 0 || height % 2 != 0) {
      throw new IllegalArgumentException("frame size must be even and at least 32x32");
    }
    if (minSources < 0 || maxSources < minSources || maxSources > 4) {
      throw new IllegalArgumentException("sources must satisfy 0 <= min <= max <= 4");
    }
  }

  public static SceneSpec defaults() {
    return new SceneSpec(8, 320, 240, 25, 48_000, 1, 3, 2, 0.15, true, true, false, 60, 100, null);
  }

  public SceneSpec withSeconds(double s) {
    return new SceneSpec(
        s,
        width,
        height,
        fps,
        sampleRate,
        minSources,
        maxSources,
        maxDistractors,
        offScreenProbability,
        reverb,
        noise,
        alwaysOn,
        minFovDeg,
        maxFovDeg,
        hrtf);
  }

  public SceneSpec withHrtf(Path file) {
    return new SceneSpec(
        seconds,
        width,
        height,
        fps,
        sampleRate,
        minSources,
        maxSources,
        maxDistractors,
        offScreenProbability,
        reverb,
        noise,
        alwaysOn,
        minFovDeg,
        maxFovDeg,
        file);
  }

  /** A single always-sounding visible source, no distractors, dry and noiseless. */
  public SceneSpec singleDrySource() {
    return new SceneSpec(
        seconds,
        width,
        height,
        fps,
        sampleRate,
        1,
        1,
        0,
        0,
        false,
        false,
        true,
        minFovDeg,
        maxFovDeg,
        hrtf);
  }
}
