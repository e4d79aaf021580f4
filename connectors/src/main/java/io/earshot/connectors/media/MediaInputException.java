package io.earshot.connectors.media;

/**
 * The input cannot be ingested. The message is one line meant for the person who gave the input: it
 * names what was wrong and, where possible, what to do about it.
 */
public class MediaInputException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** Broad cause, used for exit codes, metrics and dead-letter reasons. */
  public enum Kind {
    NOT_FOUND,
    EMPTY,
    UNREADABLE,
    NO_VIDEO,
    NO_AUDIO,
    MONO,
    UNSUPPORTED_LAYOUT,
    UNREACHABLE,
    FORBIDDEN_PROTOCOL,
    DECODE_ERROR
  }

  private final Kind kind;

  public MediaInputException(Kind kind, String message) {
    this(kind, message, null);
  }

  public MediaInputException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
