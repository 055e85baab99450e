package io.lookout.agent.parse;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
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
import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Collects events into one OTLP ExportLogsServiceRequest, one ResourceLogs per resource
 * (an input's service and host). Not thread-safe.
 *
 * <p>Each record is encoded as soon as it is added: a batch being built is a few hundred KB of
 * protobuf bytes rather than thousands of message objects (several times larger), which would
 * survive young collections and be promoted while the batch fills.
 */
public final class OtlpLogBatch {
  private static final InstrumentationScope SCOPE = InstrumentationScope.newBuilder().setName("lookout-agent").build();
  // field numbers of opentelemetry/proto/collector/logs/v1 and logs/v1
  private static final int REQUEST_RESOURCE_LOGS = ExportLogsServiceRequest.RESOURCE_LOGS_FIELD_NUMBER;
  private static final int RESOURCE_LOGS_RESOURCE = ResourceLogs.RESOURCE_FIELD_NUMBER;
  private static final int RESOURCE_LOGS_SCOPE_LOGS = ResourceLogs.SCOPE_LOGS_FIELD_NUMBER;
  private static final int SCOPE_LOGS_SCOPE = ScopeLogs.SCOPE_FIELD_NUMBER;
  private static final int SCOPE_LOGS_LOG_RECORDS = ScopeLogs.LOG_RECORDS_FIELD_NUMBER;

  /**
   * Resources in arrival order with their records. A list searched by identity, then equals(), not a
   * hash map: a generated message's hashCode() builds the descriptors of its .proto file and of
   * every file it imports (~170 protobuf classes, ~1 MB of metaspace), which the agent never needs.
   */
  private final List<Resource> resources = new ArrayList<>(2);
  /** Per resource: its records, each encoded as ScopeLogs field 2 (log_records). */
  private final List<Buffer> scopes = new ArrayList<>(2);
  /** The last {@code extra} attributes and their messages: the same file's path and name repeat on every record. */
  private String[] lastExtra = new String[0];
  private List<KeyValue> lastExtraValues = List.of();
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
    r.addAllAttributes(extraValues(extra));
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
    int size = CodedOutputStream.computeMessageSize(SCOPE_LOGS_LOG_RECORDS, built);
    Buffer out = scope(resource);
    out.ensure(size);
    try {
      CodedOutputStream c = CodedOutputStream.newInstance(out.bytes, out.length, size);
      c.writeMessage(SCOPE_LOGS_LOG_RECORDS, built);
      c.checkNoSpaceLeft();
    } catch (IOException ex) {
      throw new IllegalStateException("protobuf size mismatch", ex);
    }
    out.length += size;
    records++;
    bytes += size;
  }

  private List<KeyValue> extraValues(String[] extra) {
    if (!java.util.Arrays.equals(extra, lastExtra)) {
      List<KeyValue> kv = new ArrayList<>(extra.length / 2);
      for (int i = 0; i + 1 < extra.length; i += 2) {
        kv.add(KeyValue.newBuilder().setKey(extra[i]).setValue(AnyValue.newBuilder().setStringValue(extra[i + 1])).build());
      }
      lastExtra = extra.clone();
      lastExtraValues = List.copyOf(kv);
    }
    return lastExtraValues;
  }

  private Buffer scope(Resource resource) {
    for (int i = 0; i < resources.size(); i++) {
      if (resources.get(i) == resource) {
        return scopes.get(i);
      }
    }
    for (int i = 0; i < resources.size(); i++) {
      if (resources.get(i).equals(resource)) {
        return scopes.get(i);
      }
    }
    Buffer s = new Buffer();
    resources.add(resource);
    scopes.add(s);
    return s;
  }

  /** The request, and the batch emptied. */
  public ExportLogsServiceRequest drain() {
    try {
      return ExportLogsServiceRequest.parseFrom(drainBytes());
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalStateException("cannot read back an encoded batch", e);
    }
  }

  /** The request as protobuf bytes (what is queued and sent), and the batch emptied. */
  public byte[] drainBytes() {
    int scopeSize = CodedOutputStream.computeMessageSize(SCOPE_LOGS_SCOPE, SCOPE);
    int total = 0;
    int[] resourceLogsSizes = new int[resources.size()];
    for (int i = 0; i < resources.size(); i++) {
      int scopeLogs = scopeSize + scopes.get(i).length;
      int resourceLogs = CodedOutputStream.computeMessageSize(RESOURCE_LOGS_RESOURCE, resources.get(i))
          + CodedOutputStream.computeTagSize(RESOURCE_LOGS_SCOPE_LOGS) + CodedOutputStream.computeUInt32SizeNoTag(scopeLogs)
          + scopeLogs;
      resourceLogsSizes[i] = resourceLogs;
      total += CodedOutputStream.computeTagSize(REQUEST_RESOURCE_LOGS) + CodedOutputStream.computeUInt32SizeNoTag(resourceLogs)
          + resourceLogs;
    }
    byte[] out = new byte[total];
    try {
      CodedOutputStream c = CodedOutputStream.newInstance(out);
      for (int i = 0; i < resources.size(); i++) {
        Buffer records = scopes.get(i);
        c.writeTag(REQUEST_RESOURCE_LOGS, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        c.writeUInt32NoTag(resourceLogsSizes[i]);
        c.writeMessage(RESOURCE_LOGS_RESOURCE, resources.get(i));
        c.writeTag(RESOURCE_LOGS_SCOPE_LOGS, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        c.writeUInt32NoTag(scopeSize + records.length);
        c.writeMessage(SCOPE_LOGS_SCOPE, SCOPE);
        c.writeRawBytes(records.bytes, 0, records.length);
      }
      c.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new IllegalStateException("protobuf size mismatch", e);
    }
    resources.clear();
    scopes.clear();
    records = 0;
    bytes = 0;
    return out;
  }

  /** A growable byte array. */
  private static final class Buffer {
    byte[] bytes = new byte[4096];
    int length;

    void ensure(int more) {
      if (bytes.length - length < more) {
        bytes = java.util.Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
      }
    }
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
