package io.earshot.training.scene;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** A planned scene: its objects, camera and room, from one seed. */
final class Scene {

  final long seed;
  final SceneSpec spec;
  final double fovDeg;
  final List<SceneObject> objects;
  final BufferedImage background;
  final double reverbWet;
  final double rt60;
  final double noiseLevel;

  private Scene(
      long seed,
      SceneSpec spec,
      double fovDeg,
      List<SceneObject> objects,
      BufferedImage background,
      double reverbWet,
      double rt60,
      double noiseLevel) {
    this.seed = seed;
    this.spec = spec;
    this.fovDeg = fovDeg;
    this.objects = objects;
    this.background = background;
    this.reverbWet = reverbWet;
    this.rt60 = rt60;
    this.noiseLevel = noiseLevel;
  }

  /** Azimuth (degrees, positive right) of a normalised horizontal position through the lens. */
  double azimuth(double x) {
    return Math.toDegrees(Math.atan((x - 0.5) * 2 * Math.tan(Math.toRadians(fovDeg / 2))));
  }

  static Scene plan(SceneSpec spec, long seed) {
    Random r = new Random(seed);
    double fov = spec.minFovDeg() + r.nextDouble() * (spec.maxFovDeg() - spec.minFovDeg());
    List<SceneObject> objects = new ArrayList<>();
    int sources = spec.minSources() + r.nextInt(spec.maxSources() - spec.minSources() + 1);
    int distractors = spec.maxDistractors() == 0 ? 0 : r.nextInt(spec.maxDistractors() + 1);
    SoundKind[] kinds = SoundKind.values();
    for (int i = 0; i < sources; i++) {
      SceneObject.Kind kind =
          SceneObject.Kind.values()[r.nextInt(SceneObject.Kind.values().length)];
      SoundKind sound =
          kind == SceneObject.Kind.FACE
              ? SoundKind.SPEECH
              : kind == SceneObject.Kind.HAND
                  ? (r.nextBoolean() ? SoundKind.TAPPING : SoundKind.CRINKLING)
                  : kinds[1 + r.nextInt(kinds.length - 1)];
      objects.add(object(objects.size(), kind, sound, false, r, spec));
    }
    for (int i = 0; i < distractors; i++) {
      SceneObject.Kind kind =
          SceneObject.Kind.values()[r.nextInt(SceneObject.Kind.values().length)];
      objects.add(object(objects.size(), kind, null, false, r, spec));
    }
    if (r.nextDouble() < spec.offScreenProbability()) {
      objects.add(
          object(
              objects.size(),
              SceneObject.Kind.BALL,
              kinds[r.nextInt(kinds.length)],
              true,
              r,
              spec));
    }
    double wet = spec.reverb() ? 0.05 + r.nextDouble() * 0.35 : 0;
    double rt60 = 0.2 + r.nextDouble() * 0.7;
    double noise = spec.noise() ? 0.002 + r.nextDouble() * 0.03 : 0;
    return new Scene(seed, spec, fov, objects, SceneRenderer.background(spec, r), wet, rt60, noise);
  }

  private static SceneObject object(
      int id, SceneObject.Kind kind, SoundKind sound, boolean offScreen, Random r, SceneSpec spec) {
    float hue = r.nextFloat();
    Color color =
        kind == SceneObject.Kind.FACE
            ? new Color(180 + r.nextInt(60), 120 + r.nextInt(60), 90 + r.nextInt(50))
            : Color.getHSBColor(hue, 0.55f + r.nextFloat() * 0.45f, 0.6f + r.nextFloat() * 0.4f);
    SceneObject.Texture texture =
        SceneObject.Texture.values()[r.nextInt(SceneObject.Texture.values().length)];
    double size = 0.18 + r.nextDouble() * 0.3;
    int mode = r.nextInt(10); // 0-1 still, 2-7 wandering, 8-9 crossing (leaves the frame)
    int harmonics = 2;
    double[] ax = new double[harmonics];
    double[] fx = new double[harmonics];
    double[] px = new double[harmonics];
    double[] ay = new double[harmonics];
    double[] fy = new double[harmonics];
    double[] py = new double[harmonics];
    double motion = mode <= 1 ? 0 : 1;
    for (int h = 0; h < harmonics; h++) {
      ax[h] = motion * (0.05 + r.nextDouble() * 0.2) / (h + 1);
      fx[h] = (0.03 + r.nextDouble() * 0.15) * (h + 1);
      px[h] = r.nextDouble() * 2 * Math.PI;
      ay[h] = motion * (0.02 + r.nextDouble() * 0.08) / (h + 1);
      fy[h] = (0.05 + r.nextDouble() * 0.2) * (h + 1);
      py[h] = r.nextDouble() * 2 * Math.PI;
    }
    double x0 = 0.15 + r.nextDouble() * 0.7;
    double drift = 0;
    if (mode >= 8) {
      x0 = r.nextBoolean() ? 0.1 : 0.9;
      drift = (x0 < 0.5 ? 1 : -1) * (1.2 / Math.max(2, spec.seconds())) * (0.8 + r.nextDouble());
    }
    if (offScreen) {
      x0 = r.nextBoolean() ? -0.4 - r.nextDouble() * 0.6 : 1.4 + r.nextDouble() * 0.6;
      drift = 0;
    }
    double y0 = 0.35 + r.nextDouble() * 0.3;
    return new SceneObject(
        id, kind, color, texture, size, x0, y0, ax, fx, px, ay, fy, py, drift, sound, offScreen);
  }
}
