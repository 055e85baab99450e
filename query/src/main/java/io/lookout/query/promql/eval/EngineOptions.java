package io.lookout.query.promql.eval;

/**
 * Settings of the PromQL engine.
 *
 * @param lookbackDeltaMillis how far back an instant vector selector looks for a sample (5m)
 * @param maxSamples samples a query may load or produce at most ({@code LOOKOUT_PROMQL_MAX_SAMPLES})
 * @param maxSeries series a query may select at most ({@code LOOKOUT_PROMQL_MAX_SERIES})
 * @param defaultSubqueryStepMillis step of subqueries written without one ({@code x[1h:]}), 1m
 * @param leftOpenRanges true for Prometheus 3 windows ({@code (t-d, t]} for range vectors and the
 *     lookback), false for Prometheus 2 windows ({@code [t-d, t]})
 */
public record EngineOptions(
    long lookbackDeltaMillis, long maxSamples, int maxSeries, long defaultSubqueryStepMillis, boolean leftOpenRanges) {
  public static final long DEFAULT_LOOKBACK_DELTA_MILLIS = 5 * 60_000L;
  public static final long DEFAULT_MAX_SAMPLES = 50_000_000L;
  public static final int DEFAULT_MAX_SERIES = 100_000;
  public static final long DEFAULT_SUBQUERY_STEP_MILLIS = 60_000L;
  /** Points per series a range query may return at most, as Prometheus. */
  public static final long MAX_POINTS_PER_SERIES = 11_000;

  public EngineOptions {
    if (lookbackDeltaMillis <= 0 || maxSamples <= 0 || maxSeries <= 0 || defaultSubqueryStepMillis <= 0) {
      throw new IllegalArgumentException("engine options must be positive");
    }
  }

  public static EngineOptions defaults() {
    return new EngineOptions(
        DEFAULT_LOOKBACK_DELTA_MILLIS, DEFAULT_MAX_SAMPLES, DEFAULT_MAX_SERIES, DEFAULT_SUBQUERY_STEP_MILLIS, true);
  }
}
