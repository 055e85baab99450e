package io.lookout.server;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.resource.v1.Resource;
import java.util.List;

/** Builds OTLP protobuf requests for tests that need exact control of the records. */
final class OtlpRequests {
  private OtlpRequests() {}

  static KeyValue kv(String key, String value) {
    return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)).build();
  }

  /** One request with one record per body, all of one service, timestamps now. */
  static ExportLogsServiceRequest logs(String service, List<String> bodies, KeyValue... attributes) {
    long now = System.currentTimeMillis() * 1_000_000L;
    ScopeLogs.Builder scope = ScopeLogs.newBuilder();
    for (String body : bodies) {
      scope.addLogRecords(LogRecord.newBuilder()
          .setTimeUnixNano(now)
          .setObservedTimeUnixNano(now)
          .setSeverityNumber(io.opentelemetry.proto.logs.v1.SeverityNumber.SEVERITY_NUMBER_INFO)
          .setBody(AnyValue.newBuilder().setStringValue(body))
          .addAllAttributes(List.of(attributes))
          .setTraceId(ByteString.EMPTY));
    }
    return ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(ResourceLogs.newBuilder()
            .setResource(Resource.newBuilder().addAttributes(kv("service.name", service)))
            .addScopeLogs(scope))
        .build();
  }
}
