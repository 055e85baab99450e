package io.lookout.server.auth;

/** A refused credential: the message says what was wrong, never the credential. No stack trace. */
public final class AuthFailure extends RuntimeException {
  private final boolean forbidden;

  private AuthFailure(String message, boolean forbidden) {
    super(message, null, false, false);
    this.forbidden = forbidden;
  }

  /** No or invalid credentials: 401. */
  public static AuthFailure unauthenticated(String message) {
    return new AuthFailure(message, false);
  }

  /** Valid credentials, not allowed: 403. */
  public static AuthFailure forbidden(String message) {
    return new AuthFailure(message, true);
  }

  public boolean forbidden() {
    return forbidden;
  }
}
