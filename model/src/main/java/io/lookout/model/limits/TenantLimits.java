package io.lookout.model.limits;

import java.time.Duration;
import java.util.Objects;

/**
 * The limits of one tenant. Zero means "not limited here": for the ingest rates, the active series
 * and the query range no limit at all; for the query limits the module's own setting applies
 * ({@code LOOKOUT_QUERY_TIMEOUT}, {@code LOOKOUT_PROMQL_MAX_SERIES}, {@code LOOKOUT_PROMQL_MAX_SAMPLES},
 * {@code LOOKOUT_QUERY_MAX_LIMIT}; concurrency is then bounded by {@code LOOKOUT_QUERY_MAX_PENDING}).
 *
 * @param ingestRecordsPerSecond log records, spans and samples a tenant may ingest per second,
 *     averaged by a token bucket with a burst of one second
 * @param ingestBytesPerSecond request bytes (after decompression) per second, same bucket rules
 * @param maxActiveSeries metric series seen in about the last 20 minutes; samples of further new
 *     series are rejected
 * @param maxQueryRange longest {@code end - start} of a query
 * @param queryTimeout time budget of one query
 * @param maxConcurrentQueries queries of the tenant running or waiting at once
 * @param maxQuerySeries series one PromQL query may select
 * @param maxQuerySamples samples one PromQL query may load or produce
 * @param maxLogLines most log lines one search may return (its {@code limit} parameter)
 */
public record TenantLimits(
    double ingestRecordsPerSecond,
    double ingestBytesPerSecond,
    long maxActiveSeries,
    Duration maxQueryRange,
    Duration queryTimeout,
    int maxConcurrentQueries,
    int maxQuerySeries,
    long maxQuerySamples,
    int maxLogLines) {

  /** No limit anywhere; the modules' own settings apply. */
  public static final TenantLimits NONE =
      new TenantLimits(0, 0, 0, Duration.ZERO, Duration.ZERO, 0, 0, 0, 0);

  public TenantLimits {
    Objects.requireNonNull(maxQueryRange, "maxQueryRange");
    Objects.requireNonNull(queryTimeout, "queryTimeout");
    if (!(ingestRecordsPerSecond >= 0) || !(ingestBytesPerSecond >= 0) || maxActiveSeries < 0
        || maxQueryRange.isNegative() || queryTimeout.isNegative() || maxConcurrentQueries < 0
        || maxQuerySeries < 0 || maxQuerySamples < 0 || maxLogLines < 0) {
      throw new IllegalArgumentException("limits must be zero (unlimited) or positive");
    }
  }
}
