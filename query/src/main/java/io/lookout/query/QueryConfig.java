package io.lookout.query;

import io.lookout.model.LookoutException;
import io.lookout.model.TimeParser;
import io.lookout.query.promql.eval.EngineOptions;
import java.time.Duration;
import java.util.Map;

/**
 * Configuration of the native query API, read once from the environment at startup.
 *
 * @param timeout time budget of one query, passed to the storage; the API answers 503 timeout
 *     shortly after it when the storage has not answered ({@code LOOKOUT_QUERY_TIMEOUT}, 30s)
 * @param maxLimit largest {@code limit} a log search accepts ({@code LOOKOUT_QUERY_MAX_LIMIT}, 5000)
 * @param defaultRange range searched when {@code start} is absent ({@code LOOKOUT_QUERY_DEFAULT_RANGE}, 1h)
 * @param traceMaxSpans spans returned for one trace at most ({@code LOOKOUT_TRACE_MAX_SPANS}, 10000)
 * @param workers threads that run storage calls ({@code LOOKOUT_QUERY_WORKERS}, 8)
 * @param maxPending queries running or waiting for a worker at most; more are refused with 503
 *     and {@code Retry-After} ({@code LOOKOUT_QUERY_MAX_PENDING}, 64)
 * @param promqlMaxSamples samples one PromQL query may load or produce at most; more is a 422
 *     ({@code LOOKOUT_PROMQL_MAX_SAMPLES}, 50000000)
 * @param promqlMaxSeries series one PromQL query may select at most, and the most series, label
 *     names or values the metadata endpoints return ({@code LOOKOUT_PROMQL_MAX_SERIES}, 100000)
 * @param promqlLookbackDelta how far back an instant vector selector looks for a sample
 *     ({@code LOOKOUT_PROMQL_LOOKBACK_DELTA}, 5m)
 * @param lokiMaxScannedLines log lines one Loki API query may read from the store at most; more
 *     is a 422 ({@code LOOKOUT_LOKI_MAX_SCANNED_LINES}, 1000000)
 */
public record QueryConfig(
    Duration timeout,
    int maxLimit,
    Duration defaultRange,
    int traceMaxSpans,
    int workers,
    int maxPending,
    long promqlMaxSamples,
    int promqlMaxSeries,
    Duration promqlLookbackDelta,
    long lokiMaxScannedLines) {

  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
  public static final int DEFAULT_MAX_LIMIT = 5000;
  public static final Duration DEFAULT_RANGE = Duration.ofHours(1);
  public static final int DEFAULT_TRACE_MAX_SPANS = 10_000;
  public static final int DEFAULT_WORKERS = 8;
  public static final int DEFAULT_MAX_PENDING = 64;
  public static final long DEFAULT_PROMQL_MAX_SAMPLES = 50_000_000L;
  public static final int DEFAULT_PROMQL_MAX_SERIES = 100_000;
  public static final Duration DEFAULT_PROMQL_LOOKBACK_DELTA = Duration.ofMinutes(5);
  public static final long DEFAULT_LOKI_MAX_SCANNED_LINES = 1_000_000L;

  /**
   * The PromQL engine settings of these values, shared by the Prometheus API and alert rules:
   * Prometheus 2.x windows (closed at both ends), as the Prometheus 2.42 that
   * PrometheusDifferentialIT compares against.
   */
  public EngineOptions engineOptions() {
    return new EngineOptions(promqlLookbackDelta.toMillis(), promqlMaxSamples,
        promqlMaxSeries, EngineOptions.DEFAULT_SUBQUERY_STEP_MILLIS, false);
  }

  public QueryConfig {
    requirePositive("LOOKOUT_QUERY_TIMEOUT", timeout);
    requirePositive("LOOKOUT_QUERY_DEFAULT_RANGE", defaultRange);
    requireRange("LOOKOUT_QUERY_MAX_LIMIT", maxLimit, 1, 1_000_000);
    requireRange("LOOKOUT_TRACE_MAX_SPANS", traceMaxSpans, 1, 10_000_000);
    requireRange("LOOKOUT_QUERY_WORKERS", workers, 1, 1024);
    requireRange("LOOKOUT_QUERY_MAX_PENDING", maxPending, 1, 1_000_000);
    if (promqlMaxSamples < 1) {
      throw new IllegalArgumentException(
          "invalid LOOKOUT_PROMQL_MAX_SAMPLES '" + promqlMaxSamples + "': use a positive integer");
    }
    requireRange("LOOKOUT_PROMQL_MAX_SERIES", promqlMaxSeries, 1, 100_000_000);
    requirePositive("LOOKOUT_PROMQL_LOOKBACK_DELTA", promqlLookbackDelta);
    if (lokiMaxScannedLines < 1) {
      throw new IllegalArgumentException(
          "invalid LOOKOUT_LOKI_MAX_SCANNED_LINES '" + lokiMaxScannedLines + "': use a positive integer");
    }
  }

  /** A configuration with the Loki scan cap at its default. */
  public QueryConfig(Duration timeout, int maxLimit, Duration defaultRange, int traceMaxSpans, int workers,
      int maxPending, long promqlMaxSamples, int promqlMaxSeries, Duration promqlLookbackDelta) {
    this(timeout, maxLimit, defaultRange, traceMaxSpans, workers, maxPending, promqlMaxSamples, promqlMaxSeries,
        promqlLookbackDelta, DEFAULT_LOKI_MAX_SCANNED_LINES);
  }

  /** A configuration with the PromQL settings at their defaults. */
  public QueryConfig(
      Duration timeout, int maxLimit, Duration defaultRange, int traceMaxSpans, int workers, int maxPending) {
    this(timeout, maxLimit, defaultRange, traceMaxSpans, workers, maxPending, DEFAULT_PROMQL_MAX_SAMPLES,
        DEFAULT_PROMQL_MAX_SERIES, DEFAULT_PROMQL_LOOKBACK_DELTA);
  }

  /** The configuration with every default. */
  public static QueryConfig defaults() {
    return new QueryConfig(
        DEFAULT_TIMEOUT, DEFAULT_MAX_LIMIT, DEFAULT_RANGE, DEFAULT_TRACE_MAX_SPANS, DEFAULT_WORKERS, DEFAULT_MAX_PENDING);
  }

  /**
   * Reads the configuration from environment variables; absent or blank ones take their default.
   *
   * @throws IllegalArgumentException naming the variable, the value and what is allowed
   */
  public static QueryConfig fromEnv(Map<String, String> env) {
    return new QueryConfig(
        duration(env, "LOOKOUT_QUERY_TIMEOUT", DEFAULT_TIMEOUT),
        integer(env, "LOOKOUT_QUERY_MAX_LIMIT", DEFAULT_MAX_LIMIT),
        duration(env, "LOOKOUT_QUERY_DEFAULT_RANGE", DEFAULT_RANGE),
        integer(env, "LOOKOUT_TRACE_MAX_SPANS", DEFAULT_TRACE_MAX_SPANS),
        integer(env, "LOOKOUT_QUERY_WORKERS", DEFAULT_WORKERS),
        integer(env, "LOOKOUT_QUERY_MAX_PENDING", DEFAULT_MAX_PENDING),
        longInteger(env, "LOOKOUT_PROMQL_MAX_SAMPLES", DEFAULT_PROMQL_MAX_SAMPLES),
        integer(env, "LOOKOUT_PROMQL_MAX_SERIES", DEFAULT_PROMQL_MAX_SERIES),
        duration(env, "LOOKOUT_PROMQL_LOOKBACK_DELTA", DEFAULT_PROMQL_LOOKBACK_DELTA),
        longInteger(env, "LOOKOUT_LOKI_MAX_SCANNED_LINES", DEFAULT_LOKI_MAX_SCANNED_LINES));
  }

  private static long longInteger(Map<String, String> env, String name, long def) {
    String v = env.get(name);
    if (v == null || v.isBlank()) {
      return def;
    }
    try {
      return Long.parseLong(v.trim().replace("_", ""));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("invalid " + name + " '" + v + "': use a positive integer", e);
    }
  }

  static Duration duration(Map<String, String> env, String name, Duration def) {
    String v = env.get(name);
    if (v == null || v.isBlank()) {
      return def;
    }
    try {
      return Duration.ofNanos(TimeParser.parseDuration(name, v));
    } catch (LookoutException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  static int integer(Map<String, String> env, String name, int def) {
    String v = env.get(name);
    if (v == null || v.isBlank()) {
      return def;
    }
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("invalid " + name + " '" + v + "': use a positive integer", e);
    }
  }

  private static void requirePositive(String name, Duration d) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException("invalid " + name + " '" + d + "': use a positive duration such as 30s");
    }
  }

  static void requireRange(String name, int v, int min, int max) {
    if (v < min || v > max) {
      throw new IllegalArgumentException(
          "invalid " + name + " '" + v + "': use an integer from " + min + " to " + max);
    }
  }
}
