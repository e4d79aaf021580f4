package io.earshot.training.scene;

import java.awt.Color;

/**
 * One object of a scene: how it looks, how it moves and whether it sounds. Positions are in
 * normalised frame coordinates (0..1, may leave the frame); paths are smooth sums of sinusoids,
 * optionally with a drift that carries the object out of view.
 */
final class SceneObject {

  enum Kind {
    FACE,
    HAND,
    BALL,
    BOX,
    TRIANGLE,
    STAR,
    BOTTLE
  }

  enum Texture {
    PLAIN,
    STRIPES,
    DOTS,
    CHECKER
  }

  final int id;
  final Kind kind;
  final Color color;
  final Texture texture;
  final double size; // height of the object as a fraction of frame height
  final double x0;
  final double y0;
  final double[] ax; // amplitudes
  final double[] fx; // frequencies (Hz)
  final double[] px; // phases
  final double[] ay;
  final double[] fy;
  final double[] py;
  final double driftX; // per second
  final SoundKind sound; // null for a silent distractor
  final boolean offScreen; // sounding but never visible
  float[] signal;
  float[] envelopePerFrame;

  SceneObject(
      int id,
      Kind kind,
      Color color,
      Texture texture,
      double size,
      double x0,
      double y0,
      double[] ax,
      double[] fx,
      double[] px,
      double[] ay,
      double[] fy,
      double[] py,
      double driftX,
      SoundKind sound,
      boolean offScreen) {
    this.id = id;
    this.kind = kind;
    this.color = color;
    this.texture = texture;
    this.size = size;
    this.x0 = x0;
    this.y0 = y0;
    this.ax = ax;
    this.fx = fx;
    this.px = px;
    this.ay = ay;
    this.fy = fy;
    this.py = py;
    this.driftX = driftX;
    this.sound = sound;
    this.offScreen = offScreen;
  }

  double x(double t) {
    double x = x0 + driftX * t;
    for (int i = 0; i < ax.length; i++) {
      x += ax[i] * Math.sin(2 * Math.PI * fx[i] * t + px[i]);
    }
    return x;
  }

  double y(double t) {
    double y = y0;
    for (int i = 0; i < ay.length; i++) {
      y += ay[i] * Math.sin(2 * Math.PI * fy[i] * t + py[i]);
    }
    return y;
  }

  boolean sounds() {
    return sound != null;
  }

  /** Width/height ratio of the drawn shape. */
  double aspect() {
    return switch (kind) {
      case FACE -> 0.78;
      case HAND -> 0.8;
      case BOTTLE -> 0.4;
      default -> 1.0;
    };
  }
}
