package io.earshot.training.data;

/** A video cannot give training clips; the message is the reason shown in the dataset report. */
public class UnusableVideoException extends Exception {

  private static final long serialVersionUID = 1L;

  public UnusableVideoException(String reason) {
    super(reason);
  }

  public UnusableVideoException(String reason, Throwable cause) {
    super(reason, cause);
  }
}
