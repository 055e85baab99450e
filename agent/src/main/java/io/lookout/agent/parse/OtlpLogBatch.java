package io.lookout.agent.parse;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import io.opentelemetry.proto.resource.v1.Resource;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects events into one OTLP ExportLogsServiceRequest, one ResourceLogs per resource
 * (an input's service and host). Not thread-safe.
 */
public final class OtlpLogBatch {
  private static final InstrumentationScope SCOPE = InstrumentationScope.newBuilder().setName("lookout-agent").build();

  private final Map<Resource, ScopeLogs.Builder> byResource = new LinkedHashMap<>();
  private int records;
  private long bytes;
  private long firstNanos;

  public int records() {
    return records;
  }

  /** Serialized size estimate. */
  public long bytes() {
    return bytes;
  }

  /** System.nanoTime() when the first record was added. */
  public long firstNanos() {
    return firstNanos;
  }

  /** Adds an event; {@code extra} attributes (file path and name) come first. */
  public void add(Resource resource, Event e, String[] extra, long observedNanos) {
    LogRecord.Builder r = LogRecord.newBuilder()
        .setObservedTimeUnixNano(observedNanos)
        .setBody(AnyValue.newBuilder().setStringValue(e.body));
    if (e.timeNanos != 0) {
      r.setTimeUnixNano(e.timeNanos);
    }
    if (e.severityNumber != 0) {
      r.setSeverityNumberValue(e.severityNumber);
      r.setSeverityText(e.severityText);
    } else {
      r.setSeverityNumber(SeverityNumber.SEVERITY_NUMBER_UNSPECIFIED);
    }
    for (int i = 0; i + 1 < extra.length; i += 2) {
      r.addAttributes(KeyValue.newBuilder().setKey(extra[i]).setValue(AnyValue.newBuilder().setStringValue(extra[i + 1])));
    }
    if (e.attributes != null) {
      for (Map.Entry<String, Object> a : e.attributes.entrySet()) {
        r.addAttributes(KeyValue.newBuilder().setKey(a.getKey()).setValue(any(a.getValue())));
      }
    }
    if (!e.traceId.isEmpty()) {
      try {
        r.setTraceId(ByteString.copyFrom(HexFormat.of().parseHex(e.traceId)));
        if (!e.spanId.isEmpty()) {
          r.setSpanId(ByteString.copyFrom(HexFormat.of().parseHex(e.spanId)));
        }
      } catch (IllegalArgumentException ignored) {
        // not hex: left out
      }
    }
    LogRecord built = r.build();
    if (records == 0) {
      firstNanos = System.nanoTime();
    }
    byResource.computeIfAbsent(resource, k -> ScopeLogs.newBuilder().setScope(SCOPE)).addLogRecords(built);
    records++;
    bytes += built.getSerializedSize() + 4;
  }

  /** The request, and the batch emptied. */
  public ExportLogsServiceRequest drain() {
    ExportLogsServiceRequest.Builder b = ExportLogsServiceRequest.newBuilder();
    for (Map.Entry<Resource, ScopeLogs.Builder> e : byResource.entrySet()) {
      b.addResourceLogs(ResourceLogs.newBuilder().setResource(e.getKey()).addScopeLogs(e.getValue()));
    }
    byResource.clear();
    records = 0;
    bytes = 0;
    return b.build();
  }

  /** A resource from string attributes. */
  public static Resource resource(Map<String, String> attributes) {
    Resource.Builder b = Resource.newBuilder();
    attributes.forEach((k, v) -> b.addAttributes(KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setStringValue(v))));
    return b.build();
  }

  static AnyValue any(Object v) {
    AnyValue.Builder b = AnyValue.newBuilder();
    if (v instanceof String s) {
      b.setStringValue(s);
    } else if (v instanceof Long l) {
      b.setIntValue(l);
    } else if (v instanceof Integer i) {
      b.setIntValue(i);
    } else if (v instanceof Double d) {
      b.setDoubleValue(d);
    } else if (v instanceof Boolean bo) {
      b.setBoolValue(bo);
    } else if (v instanceof List<?> list) {
      ArrayValue.Builder a = ArrayValue.newBuilder();
      for (Object o : list) {
        a.addValues(any(o));
      }
      b.setArrayValue(a);
    } else {
      b.setStringValue(String.valueOf(v));
    }
    return b.build();
  }
}
