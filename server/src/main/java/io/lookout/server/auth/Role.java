package io.lookout.server.auth;

import java.util.Locale;

/**
 * What a credential may do. {@code admin} includes {@code editor}, which includes {@code viewer};
 * {@code ingest} stands apart: an ingest credential can send data and nothing else, and reading
 * roles cannot send data. {@link #PUBLIC} is only a route requirement: no credential needed.
 */
public enum Role {
  PUBLIC,
  INGEST,
  VIEWER,
  EDITOR,
  ADMIN;

  /** True when a credential holding this role may use a route that requires {@code required}. */
  public boolean grants(Role required) {
    if (required == PUBLIC) {
      return true;
    }
    if (this == PUBLIC) {
      return false;
    }
    if (required == INGEST || this == INGEST) {
      return this == required;
    }
    return ordinal() >= required.ordinal();
  }

  /** The lowercase name used in token files, claims and messages. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses a credential role: {@code ingest}, {@code viewer}, {@code editor} or {@code admin}
   * (any case); null when it is none of them.
   */
  public static Role ofCredential(String s) {
    if (s == null) {
      return null;
    }
    return switch (s.trim().toLowerCase(Locale.ROOT)) {
      case "ingest" -> INGEST;
      case "viewer" -> VIEWER;
      case "editor" -> EDITOR;
      case "admin" -> ADMIN;
      default -> null;
    };
  }
}
