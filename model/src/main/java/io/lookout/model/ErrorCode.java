package io.lookout.model;

/**
 * Error classes shared by every API. Each maps to one HTTP status and one Prometheus-style
 * {@code errorType}; transports translate in exactly one place each.
 */
public enum ErrorCode {
  BAD_DATA(400, "bad_data"),
  NOT_FOUND(404, "not_found"),
  TOO_LARGE(413, "too_large"),
  UNSUPPORTED_MEDIA_TYPE(415, "bad_data"),
  EXECUTION(422, "execution"),
  RATE_LIMITED(429, "unavailable"),
  OVERLOADED(503, "unavailable"),
  TIMEOUT(503, "timeout"),
  INTERNAL(500, "internal");

  private final int httpStatus;
  private final String errorType;

  ErrorCode(int httpStatus, String errorType) {
    this.httpStatus = httpStatus;
    this.errorType = errorType;
  }

  public int httpStatus() {
    return httpStatus;
  }

  public String errorType() {
    return errorType;
  }
}
