package io.earshot.serde;

import org.apache.kafka.common.errors.SerializationException;

/** A record's bytes cannot be decoded; the message names what was wrong. */
public class MalformedRecordException extends SerializationException {

  private static final long serialVersionUID = 1L;

  public MalformedRecordException(String message) {
    super(message);
  }

  public MalformedRecordException(String message, Throwable cause) {
    super(message, cause);
  }
}
