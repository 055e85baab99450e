package io.lookout.model.limits;

import java.util.Locale;

/**
 * The per-tenant limits: each has a key in the limits file ({@code LOOKOUT_LIMITS_FILE},
 * {@code tenants: {acme: {ingest_records_per_second: 5000}}}) and an environment variable that
 * sets its default for every tenant. Error messages name both, so that an operator knows how to
 * raise the limit.
 */
public enum Limit {
  INGEST_RECORDS_PER_SECOND("LOOKOUT_LIMIT_INGEST_RECORDS_PER_SECOND"),
  INGEST_BYTES_PER_SECOND("LOOKOUT_LIMIT_INGEST_BYTES_PER_SECOND"),
  MAX_ACTIVE_SERIES("LOOKOUT_LIMIT_MAX_ACTIVE_SERIES"),
  MAX_QUERY_RANGE("LOOKOUT_LIMIT_MAX_QUERY_RANGE"),
  /** Defaults to {@code LOOKOUT_QUERY_TIMEOUT}. */
  QUERY_TIMEOUT("LOOKOUT_QUERY_TIMEOUT"),
  MAX_CONCURRENT_QUERIES("LOOKOUT_LIMIT_MAX_CONCURRENT_QUERIES"),
  /** Defaults to {@code LOOKOUT_PROMQL_MAX_SERIES}. */
  MAX_QUERY_SERIES("LOOKOUT_PROMQL_MAX_SERIES"),
  /** Defaults to {@code LOOKOUT_PROMQL_MAX_SAMPLES}. */
  MAX_QUERY_SAMPLES("LOOKOUT_PROMQL_MAX_SAMPLES"),
  /** Defaults to {@code LOOKOUT_QUERY_MAX_LIMIT}. */
  MAX_LOG_LINES("LOOKOUT_QUERY_MAX_LIMIT");

  private final String env;

  Limit(String env) {
    this.env = env;
  }

  /** The key in the limits file, also the {@code limit} label of {@code lookout_limits_exceeded_total}. */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The environment variable that sets the default of every tenant. */
  public String env() {
    return env;
  }

  /** How to raise the limit, for the end of an error message. */
  public String remedy(String tenant) {
    return "raise " + env + " for every tenant, or tenants." + tenant + "." + key() + " in LOOKOUT_LIMITS_FILE";
  }
}
