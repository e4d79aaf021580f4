package io.earshot.training.scene;

/** Kinds of sound a scene's sources make. */
public enum SoundKind {
  SPEECH,
  TAPPING,
  BRUSHING,
  CRINKLING,
  TONE,
  MUSIC;

  /**
   * Whether an object of {@code objectKind} (a ground truth's kind name) can make this sound in a
   * generated scene: speech comes only from faces, and a face makes nothing else; a hand taps or
   * crinkles; every other kind makes any sound but speech. {@link Scene}'s plan assigns the sounds
   * of the objects in view by these rules (an off-screen source, never seen, may make any sound).
   */
  public boolean madeBy(String objectKind) {
    if (this == SPEECH || objectKind.equals("FACE")) {
      return this == SPEECH && objectKind.equals("FACE");
    }
    return !objectKind.equals("HAND") || this == TAPPING || this == CRINKLING;
  }
}
