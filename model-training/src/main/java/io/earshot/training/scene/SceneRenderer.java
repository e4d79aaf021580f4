package io.earshot.training.scene;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.Polygon;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import java.util.Random;

/** Draws scene frames with Java2D: a cluttered static background, then the objects. */
final class SceneRenderer {

  private SceneRenderer() {}

  static BufferedImage background(SceneSpec spec, Random r) {
    BufferedImage bg = new BufferedImage(spec.width(), spec.height(), BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = bg.createGraphics();
    Color top =
        Color.getHSBColor(
            r.nextFloat(), 0.2f + r.nextFloat() * 0.3f, 0.15f + r.nextFloat() * 0.35f);
    Color bottom =
        Color.getHSBColor(r.nextFloat(), 0.2f + r.nextFloat() * 0.3f, 0.1f + r.nextFloat() * 0.3f);
    g.setPaint(new GradientPaint(0, 0, top, 0, spec.height(), bottom));
    g.fillRect(0, 0, spec.width(), spec.height());
    // Low-contrast clutter so "the only thing on screen" is never a shortcut.
    int clutter = 5 + r.nextInt(15);
    for (int i = 0; i < clutter; i++) {
      Color c =
          Color.getHSBColor(
              r.nextFloat(), 0.2f + r.nextFloat() * 0.3f, 0.2f + r.nextFloat() * 0.35f);
      g.setColor(new Color(c.getRed(), c.getGreen(), c.getBlue(), 60 + r.nextInt(80)));
      int w = 10 + r.nextInt(spec.width() / 3);
      int h = 10 + r.nextInt(spec.height() / 3);
      int x = r.nextInt(spec.width());
      int y = r.nextInt(spec.height());
      if (r.nextBoolean()) {
        g.fillRect(x - w / 2, y - h / 2, w, h);
      } else {
        g.fillOval(x - w / 2, y - h / 2, w, h);
      }
    }
    g.dispose();
    return bg;
  }

  /** Pixel box (x, y, w, h) of an object at time t. */
  static double[] box(SceneObject o, SceneSpec spec, double t) {
    double h = o.size * spec.height();
    double w = h * o.aspect();
    double cx = o.x(t) * spec.width();
    double cy = o.y(t) * spec.height();
    return new double[] {cx - w / 2, cy - h / 2, w, h};
  }

  static void draw(Scene scene, double t, int frameIndex, BufferedImage target) {
    Graphics2D g = target.createGraphics();
    g.drawImage(scene.background, 0, 0, null);
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    for (SceneObject o : scene.objects) {
      if (o.offScreen) {
        continue;
      }
      double[] b = box(o, scene.spec, t);
      float mouth = 0;
      if (o.envelopePerFrame != null && frameIndex < o.envelopePerFrame.length) {
        mouth = o.envelopePerFrame[frameIndex];
      }
      drawObject(g, o, b, mouth);
    }
    g.dispose();
  }

  private static void drawObject(Graphics2D g, SceneObject o, double[] b, float mouth) {
    double x = b[0];
    double y = b[1];
    double w = b[2];
    double h = b[3];
    Shape body =
        switch (o.kind) {
          case FACE, BALL -> new Ellipse2D.Double(x, y, w, h);
          case BOX -> new Rectangle2D.Double(x, y, w, h);
          case HAND -> new RoundRectangle2D.Double(x, y + h * 0.35, w, h * 0.65, w * 0.3, w * 0.3);
          case BOTTLE ->
              new RoundRectangle2D.Double(x, y + h * 0.25, w, h * 0.75, w * 0.4, w * 0.4);
          case TRIANGLE -> polygon(new double[] {0.5, 1, 0}, new double[] {0, 1, 1}, x, y, w, h);
          case STAR -> star(x, y, w, h);
        };
    g.setColor(o.color);
    g.fill(body);
    texture(g, o, body, x, y, w, h);
    g.setColor(o.color.darker());
    g.setStroke(new BasicStroke(1.5f));
    g.draw(body);
    switch (o.kind) {
      case FACE -> {
        g.setColor(new Color(30, 30, 40));
        double eye = w * 0.1;
        g.fill(new Ellipse2D.Double(x + w * 0.28, y + h * 0.32, eye, eye));
        g.fill(new Ellipse2D.Double(x + w * 0.62, y + h * 0.32, eye, eye));
        // The mouth opens with the speech envelope: a visible cue tied to the sound.
        double open = h * (0.02 + 0.16 * Math.min(1, mouth * 3));
        g.setColor(new Color(110, 30, 40));
        g.fill(new Ellipse2D.Double(x + w * 0.32, y + h * 0.68 - open / 2, w * 0.36, open));
      }
      case HAND -> {
        g.setColor(o.color);
        for (int f = 0; f < 4; f++) {
          g.fill(
              new RoundRectangle2D.Double(
                  x + w * (0.05 + f * 0.24),
                  y + h * 0.05 * (f % 2),
                  w * 0.18,
                  h * 0.45,
                  w * 0.15,
                  w * 0.15));
        }
      }
      case BOTTLE -> {
        g.setColor(o.color);
        g.fill(new Rectangle2D.Double(x + w * 0.3, y, w * 0.4, h * 0.3));
      }
      default -> {}
    }
  }

  private static void texture(
      Graphics2D g, SceneObject o, Shape body, double x, double y, double w, double h) {
    if (o.texture == SceneObject.Texture.PLAIN) {
      return;
    }
    Shape clip = g.getClip();
    g.clip(body);
    Color c = o.color;
    g.setColor(
        new Color(
            Math.max(0, c.getRed() - 28),
            Math.max(0, c.getGreen() - 28),
            Math.max(0, c.getBlue() - 28)));
    double step = Math.max(3, w / 6);
    switch (o.texture) {
      case STRIPES -> {
        for (double s = x; s < x + w; s += step) {
          g.fill(new Rectangle2D.Double(s, y, step / 3, h));
        }
      }
      case DOTS -> {
        for (double sx = x; sx < x + w; sx += step) {
          for (double sy = y; sy < y + h; sy += step) {
            g.fill(new Ellipse2D.Double(sx, sy, step / 3, step / 3));
          }
        }
      }
      case CHECKER -> {
        int i = 0;
        for (double sx = x; sx < x + w; sx += step, i++) {
          int j = 0;
          for (double sy = y; sy < y + h; sy += step, j++) {
            if ((i + j) % 2 == 0) {
              g.fill(new Rectangle2D.Double(sx, sy, step / 2, step / 2));
            }
          }
        }
      }
      default -> {}
    }
    g.setClip(clip);
  }

  private static Polygon polygon(double[] px, double[] py, double x, double y, double w, double h) {
    Polygon p = new Polygon();
    for (int i = 0; i < px.length; i++) {
      p.addPoint((int) Math.round(x + px[i] * w), (int) Math.round(y + py[i] * h));
    }
    return p;
  }

  private static Polygon star(double x, double y, double w, double h) {
    Polygon p = new Polygon();
    for (int i = 0; i < 10; i++) {
      double a = Math.PI / 2 + i * Math.PI / 5;
      double r = i % 2 == 0 ? 0.5 : 0.22;
      p.addPoint(
          (int) Math.round(x + w / 2 + Math.cos(a) * r * w),
          (int) Math.round(y + h / 2 - Math.sin(a) * r * h));
    }
    return p;
  }
}
