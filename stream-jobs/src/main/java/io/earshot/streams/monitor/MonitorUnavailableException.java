package io.earshot.streams.monitor;

/**
 * The answer cannot be given right now (rebalancing, an instance unreachable); the HTTP API maps it
 * to 503 so clients retry.
 */
public final class MonitorUnavailableException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public MonitorUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }

  public MonitorUnavailableException(String message) {
    super(message);
  }
}
