package io.lookout.model.spi;

import java.util.concurrent.CompletableFuture;

/**
 * Metrics storage. Until the time-series store exists, OTLP metric exports are kept durably as
 * received (serialized {@code ExportMetricsServiceRequest} protobuf bytes), so that the
 * time-series store can import them later; they are not queryable yet.
 */
public interface MetricStore extends AutoCloseable {

  /** Appends one export request durably; completes once it is in the write-ahead log on disk. */
  CompletableFuture<AppendResult> appendOtlp(String tenant, byte[] exportMetricsServiceRequest, int dataPoints);

  CheckResult check();

  @Override
  void close();
}
