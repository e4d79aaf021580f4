package io.earshot.training.scene;

/** Kinds of sound a scene's sources make. */
public enum SoundKind {
  SPEECH,
  TAPPING,
  BRUSHING,
  CRINKLING,
  TONE,
  MUSIC
}
