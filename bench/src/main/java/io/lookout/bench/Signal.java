package io.lookout.bench;

/** What the load generator sends. */
public enum Signal {
  /** Log records from the loghub samples to {@code /v1/logs}. */
  LOGS,
  /** Span trees to {@code /v1/traces}. */
  TRACES,
  /** Node-exporter shaped series to a Prometheus remote_write 1.0 receiver. */
  METRICS
}
