package io.lookout.query.internal;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** Metrics of the native query API. */
public final class QueryMetrics {
  private final Histogram duration;
  private final Counter errors;

  public QueryMetrics(PrometheusRegistry registry) {
    duration = Histogram.builder()
        .name("lookout_query_duration_seconds")
        .help("Time to answer a native query API request, by endpoint")
        .labelNames("endpoint")
        .classicUpperBounds(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
        .register(registry);
    errors = Counter.builder()
        .name("lookout_query_errors_total")
        .help("Native query API requests answered with an error, by endpoint and errorType")
        .labelNames("endpoint", "error_type")
        .register(registry);
  }

  public void observe(String endpoint, long nanos) {
    duration.labelValues(endpoint).observe(nanos / 1e9);
  }

  public void error(String endpoint, String errorType) {
    errors.labelValues(endpoint, errorType).inc();
  }
}
