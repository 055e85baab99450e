package io.lookout.ingest.internal;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The ingest counters. Both receivers share one instance per registry (a registry refuses a
 * second registration of the same name), so {@link #of(PrometheusRegistry)} hands out the
 * instance already registered on that registry.
 */
public final class IngestMetrics {
  public static final String HTTP = "http";
  public static final String GRPC = "grpc";
  /** Transport label of Prometheus remote_write (signal {@code metrics}). */
  public static final String REMOTE_WRITE = "remote_write";
  /** Transport label of the Loki push API (signal {@code logs}). */
  public static final String LOKI = "loki";

  private static final Map<PrometheusRegistry, IngestMetrics> BY_REGISTRY = new WeakHashMap<>();

  private final Counter records;
  private final Counter bytes;
  private final Counter rejected;
  private final Counter requests;

  private IngestMetrics(PrometheusRegistry registry) {
    records = Counter.builder()
        .name("lookout_ingest_records_total")
        .help("Records (log records, spans, metric samples) accepted into storage")
        .labelNames("signal", "transport")
        .register(registry);
    bytes = Counter.builder()
        .name("lookout_ingest_bytes_total")
        .help("Request payload bytes received, after decompression")
        .labelNames("signal", "transport")
        .register(registry);
    rejected = Counter.builder()
        .name("lookout_ingest_rejected_records_total")
        .help("Records rejected inside otherwise accepted requests (OTLP partial success, remote_write 400)")
        .labelNames("signal", "reason")
        .register(registry);
    requests = Counter.builder()
        .name("lookout_ingest_requests_total")
        .help("Export requests by outcome (success, partial_success, bad_data, too_large, ...)")
        .labelNames("signal", "transport", "outcome")
        .register(registry);
  }

  public static IngestMetrics of(PrometheusRegistry registry) {
    synchronized (BY_REGISTRY) {
      return BY_REGISTRY.computeIfAbsent(registry, IngestMetrics::new);
    }
  }

  public void accepted(Signal signal, String transport, long n) {
    if (n > 0) {
      records.labelValues(signal.label(), transport).inc(n);
    }
  }

  public void bytes(Signal signal, String transport, long n) {
    if (n > 0) {
      bytes.labelValues(signal.label(), transport).inc(n);
    }
  }

  public void rejected(Signal signal, String reason, long n) {
    if (n > 0) {
      rejected.labelValues(signal.label(), reason).inc(n);
    }
  }

  public void request(Signal signal, String transport, String outcome) {
    requests.labelValues(signal.label(), transport, outcome).inc();
  }
}
