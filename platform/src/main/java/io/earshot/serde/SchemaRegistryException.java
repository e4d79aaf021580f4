package io.earshot.serde;

/** A schema registry refused a request or could not be reached; the message says which. */
public class SchemaRegistryException extends RuntimeException {

  private static final long serialVersionUID = 1L;
  private final int httpStatus;
  private final int errorCode;

  public SchemaRegistryException(String message, int httpStatus, int errorCode, Throwable cause) {
    super(message, cause);
    this.httpStatus = httpStatus;
    this.errorCode = errorCode;
  }

  /** HTTP status returned by the registry, or -1 when it was not reached. */
  public int httpStatus() {
    return httpStatus;
  }

  /** Confluent error code from the response body (e.g. 409 incompatible), or -1. */
  public int errorCode() {
    return errorCode;
  }

  /** True when the registry rejected a schema as incompatible with the subject's history. */
  public boolean isIncompatible() {
    return httpStatus == 409 || errorCode == 409;
  }
}
