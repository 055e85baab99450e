package io.lookout.bench;

/** How the metrics mode sends its series ({@code --protocol}). */
public enum MetricsProtocol {
  /** Prometheus remote_write 1.0 to {@code --prom URL/api/v1/write}. */
  REMOTE_WRITE,
  /** OTLP/HTTP protobuf {@code ExportMetricsServiceRequest} to {@code --otlp URL/v1/metrics}. */
  OTLP
}
