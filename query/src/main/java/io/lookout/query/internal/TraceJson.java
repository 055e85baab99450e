package io.lookout.query.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import io.lookout.model.Span;
import io.lookout.model.TimeParser;
import io.lookout.model.spi.DependencyEdge;
import io.lookout.model.spi.Operation;
import io.lookout.model.spi.RedPoint;
import io.lookout.model.spi.TracePage;
import io.lookout.model.spi.TraceSummary;
import io.lookout.query.ApiResponses.DataWriter;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.List;

/** JSON rendering of the native trace search, catalog, service map and RED responses. */
public final class TraceJson {
  private TraceJson() {}

  /**
   * {@code {"traces":[{"trace_id","root_service","root_operation","start","start_unix_nano",
   * "duration_ns","span_count","error_count","services"}],"next_cursor":...}}.
   */
  public static DataWriter page(TracePage page) {
    return g -> {
      g.writeStartObject();
      g.writeArrayFieldStart("traces");
      for (TraceSummary t : page.traces()) {
        g.writeStartObject();
        g.writeStringField("trace_id", t.traceId());
        g.writeStringField("root_service", t.rootService());
        g.writeStringField("root_operation", t.rootOperation());
        g.writeStringField("start", TimeParser.formatRfc3339(t.startNanos()));
        g.writeStringField("start_unix_nano", Long.toString(t.startNanos()));
        g.writeNumberField("duration_ns", t.durationNanos());
        g.writeNumberField("span_count", t.spanCount());
        g.writeNumberField("error_count", t.errorCount());
        g.writeArrayFieldStart("services");
        for (String s : t.services()) {
          g.writeString(s);
        }
        g.writeEndArray();
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeStringField("next_cursor", page.nextCursor());
      g.writeEndObject();
    };
  }

  /** {@code [{"name":"GET /x","kind":"SPAN_KIND_SERVER"}]}. */
  public static DataWriter operations(List<Operation> ops) {
    return g -> {
      g.writeStartArray();
      for (Operation o : ops) {
        g.writeStartObject();
        g.writeStringField("name", o.name());
        g.writeStringField("kind", Span.kindName(o.kind()));
        g.writeEndObject();
      }
      g.writeEndArray();
    };
  }

  /** {@code [{"parent":"a","child":"b","call_count":3,"error_count":1}]}. */
  public static DataWriter dependencies(List<DependencyEdge> edges) {
    return g -> {
      g.writeStartArray();
      for (DependencyEdge e : edges) {
        g.writeStartObject();
        g.writeStringField("parent", e.parent());
        g.writeStringField("child", e.child());
        g.writeNumberField("call_count", e.callCount());
        g.writeNumberField("error_count", e.errorCount());
        g.writeEndObject();
      }
      g.writeEndArray();
    };
  }

  /**
   * {@code {"step_seconds":60,"points":[{"start","requests","rate","errors","error_rate","p50_ms",
   * "p90_ms","p99_ms"}]}}: rate in requests per second, error_rate as a fraction (0 without
   * requests), percentiles in milliseconds (null without requests).
   */
  public static DataWriter red(long stepNanos, List<RedPoint> points) {
    return g -> {
      double stepSeconds = stepNanos / 1e9;
      g.writeStartObject();
      g.writeFieldName("step_seconds");
      g.writeNumber(BigDecimal.valueOf(stepNanos, 9).stripTrailingZeros().toPlainString());
      g.writeArrayFieldStart("points");
      for (RedPoint p : points) {
        g.writeStartObject();
        g.writeStringField("start", TimeParser.formatRfc3339(p.startNanos()));
        g.writeNumberField("requests", p.requests());
        g.writeNumberField("rate", p.requests() / stepSeconds);
        g.writeNumberField("errors", p.errors());
        g.writeNumberField("error_rate", p.requests() == 0 ? 0.0 : (double) p.errors() / p.requests());
        millis(g, "p50_ms", p.requests(), p.p50Nanos());
        millis(g, "p90_ms", p.requests(), p.p90Nanos());
        millis(g, "p99_ms", p.requests(), p.p99Nanos());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    };
  }

  private static void millis(JsonGenerator g, String name, long requests, double nanos) throws IOException {
    if (requests == 0 || Double.isNaN(nanos) || Double.isInfinite(nanos)) {
      g.writeNullField(name);
    } else {
      g.writeNumberField(name, nanos / 1e6);
    }
  }
}
