package io.lookout.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The trace half of {@link FakeLookout}: OTLP/HTTP traces in, {@code /api/v1/traces/{id}} and the
 * trace search out. Refuses the first {@code refusals} posts with 503, and answers the first
 * {@code hidden} lookups by id with 404, so the generator has to retry and to wait.
 */
final class FakeTraces {
  record Stored(String service, Span span) {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HexFormat HEX = HexFormat.of();
  private final Map<String, List<Stored>> traces = new LinkedHashMap<>();
  private final AtomicInteger refusals;
  private final AtomicInteger hidden;
  private final AtomicInteger posts = new AtomicInteger();
  private final AtomicInteger searches = new AtomicInteger();

  FakeTraces(int refusals, int hidden) {
    this.refusals = new AtomicInteger(refusals);
    this.hidden = new AtomicInteger(hidden);
  }

  int posts() {
    return posts.get();
  }

  int searches() {
    return searches.get();
  }

  synchronized Map<String, List<Stored>> traces() {
    return Map.copyOf(traces);
  }

  void ingest(HttpExchange ex) throws IOException {
    byte[] body = ex.getRequestBody().readAllBytes();
    posts.incrementAndGet();
    if (refusals.getAndDecrement() > 0) {
      ex.getResponseHeaders().add("Retry-After", "0");
      send(ex, 503, "{}");
      return;
    }
    ExportTraceServiceRequest req = ExportTraceServiceRequest.parseFrom(body);
    synchronized (this) {
      for (ResourceSpans rs : req.getResourceSpansList()) {
        String service = string(rs.getResource().getAttributesList(), "service.name");
        for (ScopeSpans ss : rs.getScopeSpansList()) {
          for (Span s : ss.getSpansList()) {
            traces.computeIfAbsent(HEX.formatHex(s.getTraceId().toByteArray()), k -> new ArrayList<>())
                .add(new Stored(service, s));
          }
        }
      }
    }
    send(ex, 200, "");
  }

  void query(HttpExchange ex) throws IOException {
    String path = ex.getRequestURI().getPath();
    Object data;
    if (path.equals("/api/v1/traces")) {
      searches.incrementAndGet();
      data = search(params(ex.getRequestURI().getRawQuery()));
    } else {
      String id = path.substring("/api/v1/traces/".length());
      List<Stored> spans;
      synchronized (this) {
        spans = traces.get(id);
      }
      if (spans == null || hidden.getAndDecrement() > 0) {
        send(ex, 404, "{\"status\":\"error\",\"errorType\":\"not_found\",\"error\":\"trace not found\"}");
        return;
      }
      List<Map<String, Object>> out = new ArrayList<>();
      for (Stored s : spans) {
        out.add(Map.of("span_id", HEX.formatHex(s.span.getSpanId().toByteArray()), "service", s.service));
      }
      data = Map.of("trace_id", id, "truncated", false, "spans", out);
    }
    send(ex, 200, JSON.writeValueAsString(Map.of("status", "success", "data", data)));
  }

  private synchronized Map<String, Object> search(Map<String, String> p) {
    String service = p.get("service");
    long min = p.containsKey("min_duration") ? Long.parseLong(p.get("min_duration").replace("ms", "")) * 1_000_000 : 0;
    String[] attr = p.containsKey("attributes") ? p.get("attributes").split("=", 2) : null;
    boolean errors = "error".equals(p.get("status"));
    List<Map<String, Object>> found = new ArrayList<>();
    for (Map.Entry<String, List<Stored>> t : traces.entrySet()) {
      boolean hit = false;
      for (Stored s : t.getValue()) {
        Span sp = s.span;
        hit |= s.service.equals(service)
            && sp.getEndTimeUnixNano() - sp.getStartTimeUnixNano() >= min
            && (!errors || sp.getStatus().getCode() == Status.StatusCode.STATUS_CODE_ERROR)
            && (attr == null || attr[1].equals(value(sp.getAttributesList(), attr[0])));
      }
      if (hit && found.size() < Integer.parseInt(p.get("limit"))) {
        found.add(Map.of("trace_id", t.getKey(), "span_count", t.getValue().size()));
      }
    }
    Map<String, Object> out = new HashMap<>();
    out.put("traces", found);
    out.put("next_cursor", null);
    return out;
  }

  private static String value(List<KeyValue> attrs, String key) {
    for (KeyValue kv : attrs) {
      if (kv.getKey().equals(key)) {
        return kv.getValue().hasIntValue() ? Long.toString(kv.getValue().getIntValue())
            : kv.getValue().getStringValue();
      }
    }
    return null;
  }

  private static String string(List<KeyValue> attrs, String key) {
    String v = value(attrs, key);
    return v == null ? "" : v;
  }

  private static Map<String, String> params(String rawQuery) {
    Map<String, String> out = new HashMap<>();
    for (String kv : rawQuery.split("&")) {
      int eq = kv.indexOf('=');
      out.put(kv.substring(0, eq), URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return out;
  }

  private static void send(HttpExchange ex, int status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
    if (b.length > 0) {
      ex.getResponseBody().write(b);
    }
    ex.close();
  }
}
