package io.earshot.training.data;

/** Dataset split; assigned per video, never per clip, so no video leaks across splits. */
public enum Split {
  TRAIN,
  VALIDATION,
  TEST
}
