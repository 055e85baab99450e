package io.lookout.ingest;

import com.google.protobuf.ByteString;
import io.lookout.ingest.internal.AnyValues;
import io.lookout.ingest.metrics.OtlpToPrometheus;
import io.lookout.model.LogRecord;
import io.lookout.model.Service;
import io.lookout.model.Severity;
import io.lookout.model.Span;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Decodes OTLP export requests into model records. Records that cannot be stored (malformed ids)
 * are rejected one by one and counted by reason, as OTLP partial success reports them; the rest
 * of the request is kept. Thread-safe.
 */
public final class OtlpDecoder {
  /** Reason labels of rejected records (also the {@code reason} label of the rejection counter). */
  public static final String INVALID_TRACE_ID = "invalid_trace_id";
  public static final String INVALID_SPAN_ID = "invalid_span_id";
  public static final String INVALID_PARENT_SPAN_ID = "invalid_parent_span_id";

  private static final HexFormat HEX = HexFormat.of();
  private static final Map<String, String> LOG_RULES = Map.of(
      INVALID_TRACE_ID, "trace id must be 16 bytes or empty",
      INVALID_SPAN_ID, "span id must be 8 bytes or empty");
  private static final Map<String, String> SPAN_RULES = Map.of(
      INVALID_TRACE_ID, "trace id must be 16 bytes, not all zero",
      INVALID_SPAN_ID, "span id must be 8 bytes, not all zero",
      INVALID_PARENT_SPAN_ID, "parent span id must be 8 bytes or empty");

  private final LongSupplier nowNanos;

  public OtlpDecoder() {
    this(OtlpDecoder::systemNanos);
  }

  /** @param nowNanos the receive time in Unix nanoseconds, used when a record carries no time */
  public OtlpDecoder(LongSupplier nowNanos) {
    this.nowNanos = nowNanos;
  }

  /**
   * Decoded records and the count of rejected ones per reason.
   *
   * @param message empty when nothing was rejected, else what was rejected and what is allowed
   */
  public record Result<T>(List<T> records, Map<String, Long> rejectedByReason, String message) {
    public long rejected() {
      return rejectedByReason.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  public Result<LogRecord> logs(ExportLogsServiceRequest request) {
    long now = nowNanos.getAsLong();
    List<LogRecord> out = new ArrayList<>();
    Rejections rejections = new Rejections();
    for (ResourceLogs rl : request.getResourceLogsList()) {
      Map<String, Object> resource = AnyValues.attributes(rl.getResource().getAttributesList());
      String service = serviceName(rl.getResource());
      for (ScopeLogs sl : rl.getScopeLogsList()) {
        String scope = sl.getScope().getName();
        for (io.opentelemetry.proto.logs.v1.LogRecord r : sl.getLogRecordsList()) {
          String traceId = optionalId(r.getTraceId(), 16);
          String spanId = optionalId(r.getSpanId(), 8);
          if (traceId == null) {
            rejections.add(INVALID_TRACE_ID);
            continue;
          }
          if (spanId == null) {
            rejections.add(INVALID_SPAN_ID);
            continue;
          }
          long observed = r.getObservedTimeUnixNano() != 0 ? r.getObservedTimeUnixNano() : now;
          long time = r.getTimeUnixNano() != 0 ? r.getTimeUnixNano() : observed;
          int severity = r.getSeverityNumberValue();
          if (severity < 0 || severity > 24) {
            severity = 0;
          }
          String severityText = r.getSeverityText().isEmpty() ? Severity.textOf(severity) : r.getSeverityText();
          out.add(new LogRecord(time, observed, severity, severityText, AnyValues.bodyText(r.getBody()),
              service, traceId, spanId, AnyValues.attributes(r.getAttributesList()), resource, scope));
        }
      }
    }
    return new Result<>(out, rejections.counts, rejections.message("log records", LOG_RULES));
  }

  public Result<Span> spans(ExportTraceServiceRequest request) {
    List<Span> out = new ArrayList<>();
    Rejections rejections = new Rejections();
    for (ResourceSpans rs : request.getResourceSpansList()) {
      Map<String, Object> resource = AnyValues.attributes(rs.getResource().getAttributesList());
      String service = serviceName(rs.getResource());
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        String scope = ss.getScope().getName();
        for (io.opentelemetry.proto.trace.v1.Span s : ss.getSpansList()) {
          String traceId = requiredId(s.getTraceId(), 16);
          String spanId = requiredId(s.getSpanId(), 8);
          String parent = optionalId(s.getParentSpanId(), 8);
          if (traceId == null) {
            rejections.add(INVALID_TRACE_ID);
          } else if (spanId == null) {
            rejections.add(INVALID_SPAN_ID);
          } else if (parent == null) {
            rejections.add(INVALID_PARENT_SPAN_ID);
          } else {
            out.add(span(s, traceId, spanId, parent, service, resource, scope));
          }
        }
      }
    }
    return new Result<>(out, rejections.counts, rejections.message("spans", SPAN_RULES));
  }

  /** Data points of every metric type in the request (gauge, sum, histogram, exponential histogram, summary). */
  public static int dataPoints(ExportMetricsServiceRequest request) {
    long n = 0;
    for (ResourceMetrics rm : request.getResourceMetricsList()) {
      for (ScopeMetrics sm : rm.getScopeMetricsList()) {
        for (Metric m : sm.getMetricsList()) {
          n += OtlpToPrometheus.dataPoints(m);
        }
      }
    }
    return (int) Math.min(Integer.MAX_VALUE, n);
  }

  private static Span span(io.opentelemetry.proto.trace.v1.Span s, String traceId, String spanId, String parent,
      String service, Map<String, Object> resource, String scope) {
    List<Span.Event> events = new ArrayList<>(s.getEventsCount());
    for (io.opentelemetry.proto.trace.v1.Span.Event e : s.getEventsList()) {
      events.add(new Span.Event(e.getTimeUnixNano(), e.getName(), AnyValues.attributes(e.getAttributesList())));
    }
    List<Span.Link> links = new ArrayList<>(s.getLinksCount());
    for (io.opentelemetry.proto.trace.v1.Span.Link l : s.getLinksList()) {
      String linkTrace = requiredId(l.getTraceId(), 16);
      String linkSpan = requiredId(l.getSpanId(), 8);
      if (linkTrace != null && linkSpan != null) { // a link to nothing identifiable is dropped
        links.add(new Span.Link(linkTrace, linkSpan, l.getTraceState(), AnyValues.attributes(l.getAttributesList())));
      }
    }
    return new Span(traceId, spanId, parent, s.getTraceState(), s.getName(), s.getKindValue(),
        s.getStartTimeUnixNano(), s.getEndTimeUnixNano(), s.getStatus().getCodeValue(), s.getStatus().getMessage(),
        service, AnyValues.attributes(s.getAttributesList()), resource, scope, events, links);
  }

  private static String serviceName(Resource resource) {
    for (KeyValue kv : resource.getAttributesList()) {
      if (kv.getKey().equals(Service.NAME_ATTRIBUTE)
          && kv.getValue().getValueCase() == AnyValue.ValueCase.STRING_VALUE
          && !kv.getValue().getStringValue().isEmpty()) {
        return kv.getValue().getStringValue();
      }
    }
    return Service.UNKNOWN;
  }

  /** Lowercase hex of an id that may be absent: "" for empty or all-zero, null for a wrong length. */
  private static String optionalId(ByteString id, int length) {
    if (id.isEmpty()) {
      return "";
    }
    if (id.size() != length) {
      return null;
    }
    return allZero(id) ? "" : HEX.formatHex(id.toByteArray());
  }

  /** Lowercase hex of an id that must be present: null when empty, all-zero or of a wrong length. */
  private static String requiredId(ByteString id, int length) {
    if (id.size() != length || allZero(id)) {
      return null;
    }
    return HEX.formatHex(id.toByteArray());
  }

  private static boolean allZero(ByteString id) {
    for (int i = 0; i < id.size(); i++) {
      if (id.byteAt(i) != 0) {
        return false;
      }
    }
    return true;
  }

  private static long systemNanos() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }

  private static final class Rejections {
    final Map<String, Long> counts = new LinkedHashMap<>();

    void add(String reason) {
      counts.merge(reason, 1L, Long::sum);
    }

    String message(String items, Map<String, String> rules) {
      if (counts.isEmpty()) {
        return "";
      }
      StringBuilder sb = new StringBuilder("rejected ");
      sb.append(counts.values().stream().mapToLong(Long::longValue).sum()).append(' ').append(items).append(": ");
      String sep = "";
      for (Map.Entry<String, Long> e : counts.entrySet()) {
        sb.append(sep).append(e.getValue()).append(' ').append(e.getKey())
            .append(" (").append(rules.get(e.getKey())).append(')');
        sep = ", ";
      }
      return sb.toString();
    }
  }
}
