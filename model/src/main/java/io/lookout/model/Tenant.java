package io.lookout.model;

import java.util.regex.Pattern;

/** Tenant ids: taken from {@code X-Scope-OrgID}, used as directory names in storage. */
public final class Tenant {
  public static final String DEFAULT = "default";
  /** The HTTP header (and gRPC metadata key, lowercased) that names the tenant. */
  public static final String HEADER = "X-Scope-OrgID";

  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}");

  private Tenant() {}

  /**
   * Returns the tenant id for a header value: {@link #DEFAULT} when absent or blank.
   *
   * @throws LookoutException bad_data when the id has characters other than letters, digits,
   *     {@code _ . -}, or is longer than 64
   */
  public static String resolve(String headerValue) {
    if (headerValue == null || headerValue.isBlank()) {
      return DEFAULT;
    }
    String t = headerValue.trim();
    if (!VALID.matcher(t).matches()) {
      throw LookoutException.badData(
          "invalid tenant id in " + HEADER + ": allowed are 1-64 characters of letters, digits,"
              + " '_', '.' and '-', not starting with '.' or '-'");
    }
    return t;
  }
}
