package io.lookout.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.lookout.model.Span;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TraceApiTest {
  private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final long T0 = 1767366245_000_000_000L;
  private final TestServer t = new TestServer(new QueryConfig(QueryConfig.DEFAULT_TIMEOUT, 5000,
      QueryConfig.DEFAULT_RANGE, 2, QueryConfig.DEFAULT_WORKERS, QueryConfig.DEFAULT_MAX_PENDING));

  @AfterEach
  void stop() {
    t.close();
  }

  private static Span span(String id, String parent, long start) {
    return new Span(TRACE, id, parent, "", "op-" + id, 1, start, start + 10, 0, "", "svc",
        Map.of(), Map.of(), "", List.of(), List.of());
  }

  @Test
  void traceIsRenderedFieldByField() {
    t.store.addSpans("default", new Span(TRACE, "00f067aa0ba902b7", "", "congo=t61", "GET /checkout", 2,
        T0, T0 + 1_500_000, 2, "boom", "checkout", Map.of("http.status_code", 500L),
        Map.of("host.name", "web-1"), "io.opentelemetry.http",
        List.of(new Span.Event(T0 + 1000, "exception", Map.of("exception.type", "IOError"))),
        List.of(new Span.Link("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331", "k=v", Map.of("n", 1L)))));

    TestServer.Resp r = t.get("/api/v1/traces/" + TRACE);

    assertThat(r.status()).isEqualTo(200);
    JsonObject data = r.data();
    assertThat(data.getString("trace_id")).isEqualTo(TRACE);
    assertThat(data.getBoolean("truncated")).isFalse();
    JsonObject s = data.getJsonArray("spans").getJsonObject(0);
    assertThat(s.fieldNames()).containsExactly("trace_id", "span_id", "parent_span_id", "trace_state", "name",
        "kind", "start", "end", "start_unix_nano", "end_unix_nano", "duration_ns", "status", "service",
        "attributes", "resource", "scope", "events", "links");
    assertThat(s.getString("trace_id")).isEqualTo(TRACE);
    assertThat(s.getString("span_id")).isEqualTo("00f067aa0ba902b7");
    assertThat(s.getString("parent_span_id")).isEmpty();
    assertThat(s.getString("trace_state")).isEqualTo("congo=t61");
    assertThat(s.getString("name")).isEqualTo("GET /checkout");
    assertThat(s.getString("kind")).isEqualTo("SPAN_KIND_SERVER");
    assertThat(s.getString("start")).isEqualTo("2026-01-02T15:04:05.000000000Z");
    assertThat(s.getString("end")).isEqualTo("2026-01-02T15:04:05.001500000Z");
    assertThat(s.getValue("start_unix_nano")).isEqualTo("1767366245000000000");
    assertThat(s.getValue("end_unix_nano")).isEqualTo("1767366245001500000");
    assertThat(s.getValue("duration_ns")).isEqualTo(1_500_000);
    assertThat(s.getJsonObject("status")).isEqualTo(
        new JsonObject().put("code", "STATUS_CODE_ERROR").put("message", "boom"));
    assertThat(s.getString("service")).isEqualTo("checkout");
    assertThat(s.getJsonObject("attributes")).isEqualTo(new JsonObject().put("http.status_code", 500));
    assertThat(s.getJsonObject("resource")).isEqualTo(new JsonObject().put("host.name", "web-1"));
    assertThat(s.getString("scope")).isEqualTo("io.opentelemetry.http");
    assertThat(s.getJsonArray("events")).isEqualTo(new JsonArray().add(new JsonObject()
        .put("time", "2026-01-02T15:04:05.000001000Z").put("name", "exception")
        .put("attributes", new JsonObject().put("exception.type", "IOError"))));
    assertThat(s.getJsonArray("links")).isEqualTo(new JsonArray().add(new JsonObject()
        .put("trace_id", "0af7651916cd43dd8448eb211c80319c").put("span_id", "b7ad6b7169203331")
        .put("trace_state", "k=v").put("attributes", new JsonObject().put("n", 1))));
    assertThat(t.store.lastMaxSpans).isEqualTo(2);
    assertThat(t.store.lastTraceTimeout).isEqualTo(30_000);
  }

  @Test
  void upperCaseTraceIdIsNormalized() {
    t.store.addSpans("default", span("a1", "", T0));

    TestServer.Resp r = t.get("/api/v1/traces/" + TRACE.toUpperCase());

    assertThat(r.status()).isEqualTo(200);
    assertThat(t.store.lastTraceId).isEqualTo(TRACE);
  }

  @Test
  void traceBeyondMaxSpansIsTruncated() {
    t.store.addSpans("default", span("a3", "a1", T0 + 2), span("a1", "", T0), span("a2", "a1", T0 + 1));

    JsonObject data = t.get("/api/v1/traces/" + TRACE).data();

    assertThat(data.getBoolean("truncated")).isTrue();
    assertThat(data.getJsonArray("spans").stream().map(s -> ((JsonObject) s).getString("span_id")))
        .containsExactly("a1", "a2");
    assertThat(data.getJsonArray("spans").getJsonObject(1).getString("parent_span_id")).isEqualTo("a1");
  }

  @Test
  void unknownTraceIs404() {
    TestServer.Resp r = t.get("/api/v1/traces/0af7651916cd43dd8448eb211c80319c");

    assertThat(r.status()).isEqualTo(404);
    assertThat(r.json()).isEqualTo(new JsonObject().put("status", "error").put("errorType", "not_found")
        .put("error", "trace 0af7651916cd43dd8448eb211c80319c not found"));
  }

  @Test
  void malformedTraceIdsAre400NamingTheFormat() {
    for (String id : List.of("xyz", TRACE + "00", "4bf92f3577b34da6a3ce929d0e0e473g", "0".repeat(32))) {
      TestServer.Resp r = t.get("/api/v1/traces/" + id);
      assertThat(r.status()).as(id).isEqualTo(400);
      assertThat(r.errorType()).isEqualTo("bad_data");
      assertThat(r.error()).isEqualTo("invalid trace id '" + id
          + "': use 32 hexadecimal characters, not all zeros (e.g. 4bf92f3577b34da6a3ce929d0e0e4736)");
    }
  }

  @Test
  void traceReadsTheTenantOfTheHeader() {
    t.store.addSpans("acme", span("a1", "", T0));

    assertThat(t.get("/api/v1/traces/" + TRACE).status()).isEqualTo(404);
    assertThat(t.get("/api/v1/traces/" + TRACE, "X-Scope-OrgID", "acme").status()).isEqualTo(200);
    assertThat(t.store.lastTenant).isEqualTo("acme");
  }
}
