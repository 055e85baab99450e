package io.lookout.query.internal;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lookout.model.LogRecord;
import io.lookout.model.Span;
import io.lookout.model.TimeParser;
import io.lookout.model.spi.FieldValues;
import io.lookout.model.spi.Histogram;
import io.lookout.model.spi.LogPage;
import io.lookout.model.spi.Trace;
import io.lookout.query.ApiResponses.DataWriter;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/** JSON rendering of the native API's responses, streamed with Jackson. */
public final class Json {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private Json() {}

  /** {@code {"status":"success","data":<data>}}. */
  public static Buffer success(DataWriter data) {
    return render(g -> {
      g.writeStartObject();
      g.writeStringField("status", "success");
      g.writeFieldName("data");
      data.write(g);
      g.writeEndObject();
    });
  }

  /** {@code {"status":"error","errorType":...,"error":...}}. */
  public static Buffer error(String errorType, String message) {
    return render(g -> {
      g.writeStartObject();
      g.writeStringField("status", "error");
      g.writeStringField("errorType", errorType);
      g.writeStringField("error", message == null ? "" : message);
      g.writeEndObject();
    });
  }

  static Buffer render(DataWriter w) {
    Buffer buffer = Buffer.buffer(256);
    try (JsonGenerator g = MAPPER.getFactory().createGenerator(new BufferOutputStream(buffer), JsonEncoding.UTF8)) {
      w.write(g);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return buffer;
  }

  /** Lets Jackson write straight into a Vert.x buffer (no intermediate byte array copy). */
  private static final class BufferOutputStream extends OutputStream {
    private final Buffer buffer;

    BufferOutputStream(Buffer buffer) {
      this.buffer = buffer;
    }

    @Override
    public void write(int b) {
      buffer.appendByte((byte) b);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      buffer.appendBytes(b, off, len);
    }
  }

  /** {@code {"hits":[...],"next_cursor":...}}. */
  public static DataWriter logPage(LogPage page) {
    return g -> {
      g.writeStartObject();
      g.writeArrayFieldStart("hits");
      for (LogRecord r : page.hits()) {
        logRecord(g, r);
      }
      g.writeEndArray();
      g.writeStringField("next_cursor", page.nextCursor());
      g.writeEndObject();
    };
  }

  static void logRecord(JsonGenerator g, LogRecord r) throws IOException {
    g.writeStartObject();
    g.writeStringField("timestamp", TimeParser.formatRfc3339(r.timestampNanos()));
    g.writeStringField("observed_timestamp",
        r.observedTimestampNanos() == 0 ? null : TimeParser.formatRfc3339(r.observedTimestampNanos()));
    g.writeStringField("severity_text", r.severityText());
    g.writeNumberField("severity_number", r.severityNumber());
    g.writeStringField("body", r.body());
    g.writeStringField("service", r.service());
    g.writeStringField("trace_id", r.traceId());
    g.writeStringField("span_id", r.spanId());
    attributes(g, "attributes", r.attributes());
    attributes(g, "resource", r.resource());
    g.writeStringField("scope", r.scopeName());
    g.writeEndObject();
  }

  /** {@code {"step_seconds":60,"buckets":[{"start":...,"count":12}]}}. */
  public static DataWriter histogram(Histogram h) {
    return g -> {
      g.writeStartObject();
      g.writeFieldName("step_seconds");
      g.writeNumber(BigDecimal.valueOf(h.stepNanos(), 9).stripTrailingZeros().toPlainString());
      g.writeArrayFieldStart("buckets");
      for (Histogram.Bucket b : h.buckets()) {
        g.writeStartObject();
        g.writeStringField("start", TimeParser.formatRfc3339(b.startNanos()));
        g.writeNumberField("count", b.count());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    };
  }

  /** {@code ["body","service",...]}. */
  public static DataWriter strings(List<String> names) {
    return g -> {
      g.writeStartArray();
      for (String n : names) {
        g.writeString(n);
      }
      g.writeEndArray();
    };
  }

  /** {@code {"field":...,"values":[{"value":...,"count":3}],"matched":..,"scanned":..,"sampled":..}}. */
  public static DataWriter fieldValues(FieldValues v) {
    return g -> {
      g.writeStartObject();
      g.writeStringField("field", v.field());
      g.writeArrayFieldStart("values");
      for (FieldValues.ValueCount c : v.values()) {
        g.writeStartObject();
        g.writeStringField("value", c.value());
        g.writeNumberField("count", c.count());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeNumberField("matched", v.matched());
      g.writeNumberField("scanned", v.scanned());
      g.writeBooleanField("sampled", v.sampled());
      g.writeEndObject();
    };
  }

  /** {@code {"trace_id":...,"truncated":false,"spans":[...]}}. */
  public static DataWriter trace(Trace t) {
    return trace(t, null);
  }

  /**
   * {@code {"trace_id":...,"truncated":false,"spans":[...],"logs":[...]}}, without {@code logs}
   * when {@code logs} is null.
   */
  public static DataWriter trace(Trace t, List<LogRecord> logs) {
    return g -> {
      g.writeStartObject();
      g.writeStringField("trace_id", t.traceId());
      g.writeBooleanField("truncated", t.truncated());
      g.writeArrayFieldStart("spans");
      for (Span s : t.spans()) {
        span(g, s);
      }
      g.writeEndArray();
      if (logs != null) {
        g.writeArrayFieldStart("logs");
        for (LogRecord r : logs) {
          logRecord(g, r);
        }
        g.writeEndArray();
      }
      g.writeEndObject();
    };
  }

  static void span(JsonGenerator g, Span s) throws IOException {
    g.writeStartObject();
    g.writeStringField("trace_id", s.traceId());
    g.writeStringField("span_id", s.spanId());
    g.writeStringField("parent_span_id", s.parentSpanId());
    g.writeStringField("trace_state", s.traceState());
    g.writeStringField("name", s.name());
    g.writeStringField("kind", Span.kindName(s.kind()));
    g.writeStringField("start", TimeParser.formatRfc3339(s.startNanos()));
    g.writeStringField("end", TimeParser.formatRfc3339(s.endNanos()));
    g.writeStringField("start_unix_nano", Long.toString(s.startNanos()));
    g.writeStringField("end_unix_nano", Long.toString(s.endNanos()));
    g.writeNumberField("duration_ns", s.durationNanos());
    g.writeObjectFieldStart("status");
    g.writeStringField("code", Span.statusName(s.statusCode()));
    g.writeStringField("message", s.statusMessage());
    g.writeEndObject();
    g.writeStringField("service", s.service());
    attributes(g, "attributes", s.attributes());
    attributes(g, "resource", s.resource());
    g.writeStringField("scope", s.scopeName());
    g.writeArrayFieldStart("events");
    for (Span.Event e : s.events()) {
      g.writeStartObject();
      g.writeStringField("time", TimeParser.formatRfc3339(e.timeNanos()));
      g.writeStringField("name", e.name());
      attributes(g, "attributes", e.attributes());
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeArrayFieldStart("links");
    for (Span.Link l : s.links()) {
      g.writeStartObject();
      g.writeStringField("trace_id", l.traceId());
      g.writeStringField("span_id", l.spanId());
      g.writeStringField("trace_state", l.traceState());
      attributes(g, "attributes", l.attributes());
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  static void attributes(JsonGenerator g, String name, Map<String, Object> attrs) throws IOException {
    g.writeFieldName(name);
    g.writeStartObject();
    for (Map.Entry<String, Object> e : attrs.entrySet()) {
      g.writeFieldName(e.getKey());
      value(g, e.getValue());
    }
    g.writeEndObject();
  }

  /** Attribute values keep their type; anything unexpected is written as its string form. */
  static void value(JsonGenerator g, Object v) throws IOException {
    switch (v) {
      case null -> g.writeNull();
      case String s -> g.writeString(s);
      case Boolean b -> g.writeBoolean(b);
      case Long l -> g.writeNumber(l);
      case Integer i -> g.writeNumber(i);
      case Double d -> {
        if (d.isNaN() || d.isInfinite()) {
          g.writeString(d.toString());
        } else {
          g.writeNumber(d);
        }
      }
      case Float f -> value(g, f.doubleValue());
      case BigDecimal bd -> g.writeNumber(bd);
      case java.math.BigInteger bi -> g.writeNumber(bi);
      case Number n -> g.writeNumber(n.longValue());
      case List<?> list -> {
        g.writeStartArray();
        for (Object o : list) {
          value(g, o);
        }
        g.writeEndArray();
      }
      case Map<?, ?> map -> {
        g.writeStartObject();
        for (Map.Entry<?, ?> e : map.entrySet()) {
          g.writeFieldName(String.valueOf(e.getKey()));
          value(g, e.getValue());
        }
        g.writeEndObject();
      }
      default -> g.writeString(v.toString());
    }
  }
}
