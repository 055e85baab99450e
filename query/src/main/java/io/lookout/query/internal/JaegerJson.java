package io.lookout.query.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lookout.model.Service;
import io.lookout.model.Span;
import io.lookout.model.spi.Trace;
import io.lookout.query.ApiResponses.DataWriter;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Jaeger's query-service JSON (the {@code model/json} shape the Jaeger UI and Grafana's Jaeger
 * datasource read): the {@code {"data","total","limit","offset","errors"}} envelope, and OTel
 * spans mapped to Jaeger spans the way Jaeger's own OTLP translator does.
 *
 * <p>Mapping: times and durations in microseconds (truncated); the parent becomes a
 * {@code CHILD_OF} reference, links {@code FOLLOWS_FROM} references; tags are typed
 * ({@code string|bool|int64|float64}; arrays and maps as JSON strings), the scope name is
 * {@code otel.scope.name}, then the span attributes, then {@code span.kind} (omitted when
 * unspecified), {@code otel.status_code} ({@code OK|ERROR}), {@code error=true} for error status,
 * {@code otel.status_description} and {@code w3c.tracestate}; events become logs whose first
 * field is {@code event} (the event name); each distinct (service, resource) is one process, keyed
 * {@code p1..pN} in order of first appearance, whose tags are the resource attributes other than
 * {@code service.name}. {@code flags} is omitted (Jaeger omits a zero value; OTel spans carry no
 * sampling flags here).
 */
public final class JaegerJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private JaegerJson() {}

  /** One error of the {@code errors} array; {@code code} 0 and null traceID are omitted. */
  public record Error(int code, String msg, String traceId) {}

  /** {@code {"data":<data>,"total":total,"limit":0,"offset":0,"errors":null|[...]}}. */
  public static Buffer envelope(DataWriter data, int total, List<Error> errors) {
    return Json.render(g -> {
      g.writeStartObject();
      g.writeFieldName("data");
      data.write(g);
      g.writeNumberField("total", total);
      g.writeNumberField("limit", 0);
      g.writeNumberField("offset", 0);
      g.writeFieldName("errors");
      if (errors == null || errors.isEmpty()) {
        g.writeNull();
      } else {
        g.writeStartArray();
        for (Error e : errors) {
          g.writeStartObject();
          if (e.code() != 0) {
            g.writeNumberField("code", e.code());
          }
          g.writeStringField("msg", e.msg());
          if (e.traceId() != null) {
            g.writeStringField("traceID", e.traceId());
          }
          g.writeEndObject();
        }
        g.writeEndArray();
      }
      g.writeEndObject();
    });
  }

  /** The error envelope: {@code {"data":null,...,"errors":[{"code":status,"msg":...}]}}. */
  public static Buffer error(int status, String message) {
    return envelope(JsonGenerator::writeNull, 0, List.of(new Error(status, message == null ? "" : message, null)));
  }

  /** {@code ["a","b"]}. */
  public static DataWriter strings(List<String> values) {
    return Json.strings(values);
  }

  /** Jaeger's span kind names; empty for unspecified. */
  public static String kind(int kind) {
    return switch (kind) {
      case 1 -> "internal";
      case 2 -> "server";
      case 3 -> "client";
      case 4 -> "producer";
      case 5 -> "consumer";
      default -> "";
    };
  }

  /** {@code [trace, ...]}; a truncated trace carries a warning. */
  public static DataWriter traces(List<Trace> traces) {
    return g -> {
      g.writeStartArray();
      for (Trace t : traces) {
        trace(g, t);
      }
      g.writeEndArray();
    };
  }

  private record Process(String service, Map<String, Object> tags) {}

  static void trace(JsonGenerator g, Trace t) throws IOException {
    Map<Process, String> processes = new LinkedHashMap<>();
    for (Span s : t.spans()) {
      processes.computeIfAbsent(process(s), p -> "p" + (processes.size() + 1));
    }
    g.writeStartObject();
    g.writeStringField("traceID", t.traceId());
    g.writeArrayFieldStart("spans");
    for (Span s : t.spans()) {
      span(g, s, processes.get(process(s)));
    }
    g.writeEndArray();
    g.writeObjectFieldStart("processes");
    for (Map.Entry<Process, String> e : processes.entrySet()) {
      g.writeObjectFieldStart(e.getValue());
      g.writeStringField("serviceName", e.getKey().service());
      g.writeArrayFieldStart("tags");
      for (Map.Entry<String, Object> a : e.getKey().tags().entrySet()) {
        tag(g, a.getKey(), a.getValue());
      }
      g.writeEndArray();
      g.writeEndObject();
    }
    g.writeEndObject();
    g.writeFieldName("warnings");
    if (t.truncated()) {
      g.writeStartArray();
      g.writeString("trace truncated to its first " + t.spans().size()
          + " spans (LOOKOUT_TRACE_MAX_SPANS)");
      g.writeEndArray();
    } else {
      g.writeNull();
    }
    g.writeEndObject();
  }

  private static Process process(Span s) {
    Map<String, Object> tags = s.resource();
    if (tags.containsKey(Service.NAME_ATTRIBUTE)) {
      tags = new LinkedHashMap<>(tags);
      tags.remove(Service.NAME_ATTRIBUTE);
    }
    return new Process(s.service(), tags);
  }

  private static void span(JsonGenerator g, Span s, String processId) throws IOException {
    g.writeStartObject();
    g.writeStringField("traceID", s.traceId());
    g.writeStringField("spanID", s.spanId());
    g.writeStringField("operationName", s.name());
    g.writeArrayFieldStart("references");
    if (!s.parentSpanId().isEmpty()) {
      reference(g, "CHILD_OF", s.traceId(), s.parentSpanId());
    }
    for (Span.Link l : s.links()) {
      reference(g, "FOLLOWS_FROM", l.traceId(), l.spanId());
    }
    g.writeEndArray();
    g.writeNumberField("startTime", micros(s.startNanos()));
    g.writeNumberField("duration", s.durationNanos() / 1000);
    g.writeArrayFieldStart("tags");
    if (!s.scopeName().isEmpty()) {
      tag(g, "otel.scope.name", s.scopeName());
    }
    for (Map.Entry<String, Object> a : s.attributes().entrySet()) {
      tag(g, a.getKey(), a.getValue());
    }
    if (!kind(s.kind()).isEmpty()) {
      tag(g, "span.kind", kind(s.kind()));
    }
    if (s.statusCode() == 1) {
      tag(g, "otel.status_code", "OK");
    } else if (s.statusCode() == 2) {
      tag(g, "otel.status_code", "ERROR");
      tag(g, "error", true);
    }
    if (!s.statusMessage().isEmpty()) {
      tag(g, "otel.status_description", s.statusMessage());
    }
    if (!s.traceState().isEmpty()) {
      tag(g, "w3c.tracestate", s.traceState());
    }
    g.writeEndArray();
    g.writeArrayFieldStart("logs");
    for (Span.Event e : s.events()) {
      g.writeStartObject();
      g.writeNumberField("timestamp", micros(e.timeNanos()));
      g.writeArrayFieldStart("fields");
      if (!e.name().isEmpty()) {
        tag(g, "event", e.name());
      }
      for (Map.Entry<String, Object> a : e.attributes().entrySet()) {
        tag(g, a.getKey(), a.getValue());
      }
      g.writeEndArray();
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeStringField("processID", processId);
    g.writeNullField("warnings");
    g.writeEndObject();
  }

  private static void reference(JsonGenerator g, String type, String traceId, String spanId) throws IOException {
    g.writeStartObject();
    g.writeStringField("refType", type);
    g.writeStringField("traceID", traceId);
    g.writeStringField("spanID", spanId);
    g.writeEndObject();
  }

  static long micros(long nanos) {
    return Math.floorDiv(nanos, 1000L);
  }

  /** {@code {"key":..,"type":..,"value":..}} with Jaeger's value types. */
  static void tag(JsonGenerator g, String key, Object v) throws IOException {
    g.writeStartObject();
    g.writeStringField("key", key);
    switch (v) {
      case Boolean b -> {
        g.writeStringField("type", "bool");
        g.writeBooleanField("value", b);
      }
      case Long l -> int64(g, l);
      case Integer i -> int64(g, i);
      case Short s -> int64(g, s);
      case Byte b -> int64(g, b);
      case BigInteger bi when bi.bitLength() < 64 -> int64(g, bi.longValue());
      case Double d -> float64(g, d);
      case Float f -> float64(g, f.doubleValue());
      case BigDecimal bd -> float64(g, bd.doubleValue());
      case List<?> l -> string(g, MAPPER.writeValueAsString(l));
      case Map<?, ?> m -> string(g, MAPPER.writeValueAsString(m));
      case null -> string(g, "");
      default -> string(g, v.toString());
    }
    g.writeEndObject();
  }

  private static void int64(JsonGenerator g, long v) throws IOException {
    g.writeStringField("type", "int64");
    g.writeNumberField("value", v);
  }

  private static void float64(JsonGenerator g, double v) throws IOException {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      string(g, Double.toString(v));
      return;
    }
    g.writeStringField("type", "float64");
    g.writeNumberField("value", v);
  }

  private static void string(JsonGenerator g, String v) throws IOException {
    g.writeStringField("type", "string");
    g.writeStringField("value", v);
  }
}
