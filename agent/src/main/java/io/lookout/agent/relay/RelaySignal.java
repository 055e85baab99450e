package io.lookout.agent.relay;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.lookout.agent.pipeline.Sink;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.vertx.grpc.common.ServiceName;

/** The three OTLP signals as the relay sees them: paths, gRPC services, request messages. */
enum RelaySignal {
  LOGS(Sink.Signal.LOGS, "logs", "opentelemetry.proto.collector.logs.v1", "LogsService"),
  TRACES(Sink.Signal.TRACES, "traces", "opentelemetry.proto.collector.trace.v1", "TraceService"),
  METRICS(Sink.Signal.METRICS, "metrics", "opentelemetry.proto.collector.metrics.v1", "MetricsService");

  private final Sink.Signal sinkSignal;
  private final String label;
  private final ServiceName service;

  RelaySignal(Sink.Signal sinkSignal, String label, String grpcPackage, String grpcService) {
    this.sinkSignal = sinkSignal;
    this.label = label;
    this.service = ServiceName.create(grpcPackage, grpcService);
  }

  Sink.Signal sinkSignal() {
    return sinkSignal;
  }

  /** logs, traces or metrics: the metric label value. */
  String label() {
    return label;
  }

  ServiceName grpcService() {
    return service;
  }

  /** The signal of an OTLP/HTTP path, or null. */
  static RelaySignal ofPath(String path) {
    for (RelaySignal s : values()) {
      if (s.sinkSignal.path().equals(path)) {
        return s;
      }
    }
    return null;
  }

  /** An empty builder of this signal's export request. */
  Message.Builder newRequest() {
    return switch (this) {
      case LOGS -> ExportLogsServiceRequest.newBuilder();
      case TRACES -> ExportTraceServiceRequest.newBuilder();
      case METRICS -> ExportMetricsServiceRequest.newBuilder();
    };
  }

  /** Parses (and so validates) a protobuf export request. */
  Message parse(byte[] data) throws InvalidProtocolBufferException {
    return switch (this) {
      case LOGS -> ExportLogsServiceRequest.parseFrom(data);
      case TRACES -> ExportTraceServiceRequest.parseFrom(data);
      case METRICS -> ExportMetricsServiceRequest.parseFrom(data);
    };
  }

  /** Whether a request carries nothing (no resource entries). */
  static boolean isEmpty(Message request) {
    return switch (request) {
      case ExportLogsServiceRequest r -> r.getResourceLogsCount() == 0;
      case ExportTraceServiceRequest r -> r.getResourceSpansCount() == 0;
      case ExportMetricsServiceRequest r -> r.getResourceMetricsCount() == 0;
      default -> false;
    };
  }

  /** The (empty: full success) export response. */
  Message response() {
    return switch (this) {
      case LOGS -> ExportLogsServiceResponse.getDefaultInstance();
      case TRACES -> ExportTraceServiceResponse.getDefaultInstance();
      case METRICS -> ExportMetricsServiceResponse.getDefaultInstance();
    };
  }
}
