package io.earshot.training.release;

/** A model directory or release cannot be used; the message says what is wrong. */
public class InvalidModelException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public InvalidModelException(String message) {
    super(message);
  }
}
