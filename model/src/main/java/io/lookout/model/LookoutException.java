package io.lookout.model;

import java.util.Objects;

/**
 * An error with a class that decides the status a client sees. Messages are lowercase, say what
 * was wrong, the limit, and what is allowed.
 */
public final class LookoutException extends RuntimeException {
  private final ErrorCode code;
  private final int retryAfterSeconds;

  public LookoutException(ErrorCode code, String message) {
    this(code, message, 0, null);
  }

  public LookoutException(ErrorCode code, String message, Throwable cause) {
    this(code, message, 0, cause);
  }

  /** An overload error that tells the client when to retry. */
  public static LookoutException overloaded(String message, int retryAfterSeconds) {
    return new LookoutException(ErrorCode.OVERLOADED, message, retryAfterSeconds, null);
  }

  /** A per-tenant rate limit error (429) that tells the client when to retry. */
  public static LookoutException rateLimited(String message, int retryAfterSeconds) {
    return new LookoutException(ErrorCode.RATE_LIMITED, message, retryAfterSeconds, null);
  }

  public static LookoutException badData(String message) {
    return new LookoutException(ErrorCode.BAD_DATA, message);
  }

  private LookoutException(ErrorCode code, String message, int retryAfterSeconds, Throwable cause) {
    super(message, cause);
    this.code = Objects.requireNonNull(code);
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public ErrorCode code() {
    return code;
  }

  /** Seconds a client should wait before retrying; 0 when not an overload error. */
  public int retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
