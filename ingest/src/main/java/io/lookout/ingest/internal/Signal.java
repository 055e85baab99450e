package io.lookout.ingest.internal;

import io.vertx.grpc.common.ServiceName;

/** The three OTLP signals and their names on each transport. */
public enum Signal {
  LOGS("logs", "/v1/logs", "opentelemetry.proto.collector.logs.v1", "LogsService", "log records"),
  TRACES("traces", "/v1/traces", "opentelemetry.proto.collector.trace.v1", "TraceService", "spans"),
  METRICS("metrics", "/v1/metrics", "opentelemetry.proto.collector.metrics.v1", "MetricsService", "data points");

  private final String label;
  private final String httpPath;
  private final String grpcPackage;
  private final String grpcService;
  private final String items;

  Signal(String label, String httpPath, String grpcPackage, String grpcService, String items) {
    this.label = label;
    this.httpPath = httpPath;
    this.grpcPackage = grpcPackage;
    this.grpcService = grpcService;
    this.items = items;
  }

  /** Metric label value: logs, traces, metrics. */
  public String label() {
    return label;
  }

  public String httpPath() {
    return httpPath;
  }

  public ServiceName grpcServiceName() {
    return ServiceName.create(grpcPackage, grpcService);
  }

  /** What one counted item is called in messages: log records, spans, data points. */
  public String items() {
    return items;
  }
}
