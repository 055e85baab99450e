package io.lookout.query;

import static io.lookout.query.TestServer.NOW_NANOS;
import static io.lookout.query.TraceFixtures.MS;
import static io.lookout.query.TraceFixtures.T0;
import static io.lookout.query.TraceFixtures.TRACE;
import static org.assertj.core.api.Assertions.assertThat;

import io.lookout.model.LogRecord;
import io.lookout.model.Span;
import io.lookout.model.spi.Direction;
import io.lookout.model.spi.LogQuery;
import io.lookout.model.spi.RedQuery;
import io.lookout.model.spi.TraceQuery;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TraceSearchApiTest {
  private static final long HOUR = 3_600_000_000_000L;
  private static final long MINUTE = 60_000_000_000L;
  private final TestServer t = new TestServer();

  @BeforeEach
  void load() {
    t.store.addSpans("default", TraceFixtures.checkoutTrace().toArray(Span[]::new));
  }

  @AfterEach
  void stop() {
    t.close();
  }

  private static String enc(String v) {
    return URLEncoder.encode(v, StandardCharsets.UTF_8);
  }

  private JsonArray dataArray(String uri) {
    TestServer.Resp r = t.get(uri);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json().getJsonArray("data");
  }

  private void assertBadData(String uri, String error) {
    TestServer.Resp r = t.get(uri);
    assertThat(r.status()).as(uri).isEqualTo(400);
    assertThat(r.errorType()).as(uri).isEqualTo("bad_data");
    assertThat(r.error()).as(uri).isEqualTo(error);
  }

  @Test
  void searchRendersTraceSummariesFieldByField() {
    JsonObject data = t.get("/api/v1/traces?service=payments").data();

    assertThat(data.fieldNames()).containsExactlyInAnyOrder("traces", "next_cursor");
    assertThat(data.getValue("next_cursor")).isNull();
    JsonObject s = data.getJsonArray("traces").getJsonObject(0);
    assertThat(s.fieldNames()).containsExactly("trace_id", "root_service", "root_operation", "start",
        "start_unix_nano", "duration_ns", "span_count", "error_count", "services");
    assertThat(s.getString("trace_id")).isEqualTo(TRACE);
    assertThat(s.getString("root_service")).isEqualTo("frontend");
    assertThat(s.getString("root_operation")).isEqualTo("GET /checkout");
    assertThat(s.getString("start")).isEqualTo("2026-01-02T14:50:00.000000000Z");
    assertThat(s.getValue("start_unix_nano")).isEqualTo(Long.toString(T0));
    assertThat(s.getValue("duration_ns")).isEqualTo(50_000_000);
    assertThat(s.getInteger("span_count")).isEqualTo(4);
    assertThat(s.getInteger("error_count")).isEqualTo(1);
    assertThat(s.getJsonArray("services")).containsExactly("frontend", "payments");
  }

  @Test
  void searchDefaultsToTheLastHourAndTwentyTraces() {
    t.get("/api/v1/traces");

    TraceQuery q = t.store.lastTraceQuery;
    assertThat(q.tenant()).isEqualTo("default");
    assertThat(q.startNanos()).isEqualTo(NOW_NANOS - HOUR);
    assertThat(q.endNanos()).isEqualTo(NOW_NANOS);
    assertThat(q.limit()).isEqualTo(20);
    assertThat(q.service()).isNull();
    assertThat(q.operation()).isNull();
    assertThat(q.attributes()).isEmpty();
    assertThat(q.statusCode()).isNull();
    assertThat(q.minDurationNanos()).isZero();
    assertThat(q.maxDurationNanos()).isEqualTo(Long.MAX_VALUE);
    assertThat(q.cursor()).isNull();
    assertThat(q.timeoutMillis()).isEqualTo(30_000);
  }

  @Test
  void searchPassesEveryFilterToTheStore() {
    t.get("/api/v1/traces?service=frontend&operation=" + enc("GET /checkout") + "&attributes="
        + enc("http.method=GET http.route=\"/a \\\"b\\\"\"") + "&attributes=" + enc("region=eu")
        + "&status=ERROR&min_duration=250ms&max_duration=1.5s&start=2026-01-02T14:00:00Z&end=now-1m"
        + "&limit=1000&cursor=abc");

    TraceQuery q = t.store.lastTraceQuery;
    assertThat(q.service()).isEqualTo("frontend");
    assertThat(q.operation()).isEqualTo("GET /checkout");
    assertThat(q.attributes()).isEqualTo(Map.of("http.method", "GET", "http.route", "/a \"b\"", "region", "eu"));
    assertThat(q.statusCode()).isEqualTo(2);
    assertThat(q.minDurationNanos()).isEqualTo(250 * MS);
    assertThat(q.maxDurationNanos()).isEqualTo(1500 * MS);
    assertThat(q.startNanos()).isEqualTo(NOW_NANOS - HOUR);
    assertThat(q.endNanos()).isEqualTo(NOW_NANOS - MINUTE);
    assertThat(q.limit()).isEqualTo(1000);
    assertThat(q.cursor()).isEqualTo("abc");
  }

  @Test
  void searchFiltersSelectTheMatchingTrace() {
    assertThat(t.get("/api/v1/traces?status=error&attributes=retry=true").data().getJsonArray("traces")).hasSize(1);
    assertThat(t.get("/api/v1/traces?status=ok&service=payments").data().getJsonArray("traces")).isEmpty();
    assertThat(t.get("/api/v1/traces?min_duration=45ms").data().getJsonArray("traces")).hasSize(1);
    assertThat(t.get("/api/v1/traces?min_duration=51ms").data().getJsonArray("traces")).isEmpty();
    assertThat(t.get("/api/v1/traces?attributes=host.name=pay-1").data().getJsonArray("traces")).hasSize(1);
  }

  @Test
  void searchValidationErrorsNameTheParameter() {
    assertBadData("/api/v1/traces?status=failed", "invalid status 'failed': use error, ok or unset");
    assertBadData("/api/v1/traces?min_duration=soon",
        "invalid min_duration 'soon': use a duration such as 250ms, 1.5s, 15m, 1h30m, 7d, or a number of seconds");
    assertBadData("/api/v1/traces?min_duration=2s&max_duration=1s",
        "invalid durations: min_duration 2s is greater than max_duration 1s: use a minimum at most the maximum");
    assertBadData("/api/v1/traces?limit=1001", "invalid limit '1001': use an integer from 1 to 1000");
    assertBadData("/api/v1/traces?limit=0", "invalid limit '0': use an integer from 1 to 1000");
    assertBadData("/api/v1/traces?attributes=" + enc("a=1 b"), "invalid attributes 'a=1 b': expected key=value at 'b';"
        + " separate pairs with spaces and quote values with spaces: http.route=\"/a b\"");
    assertBadData("/api/v1/traces?attributes=" + enc("a=\"open"),
        "invalid attributes 'a=\"open': the quoted value of 'a' has no closing quote");
    assertBadData("/api/v1/traces?attributes=a=1&attributes=a=2",
        "invalid attributes: 'a' is given twice with different values; a span has one value per key");
    assertBadData("/api/v1/traces?start=later", "invalid start 'later': use RFC 3339 (2026-01-02T15:04:05Z),"
        + " Unix seconds (1767366245.5), 'now' or 'now-15m'");
  }

  @Test
  void paginationWalksEveryTraceExactlyOnce() {
    for (int i = 0; i < 250; i++) {
      String id = String.format("%032x", 0x1000 + i);
      t.store.addSpans("default", new Span(id, "0000000000000001", "", "", "op", 2, T0 + i * MS, T0 + i * MS + 5,
          0, "", "bulk", Map.of(), Map.of(), "", List.of(), List.of()));
    }
    Set<String> seen = new HashSet<>();
    String cursor = null;
    int pages = 0;
    long lastStart = Long.MAX_VALUE;
    do {
      JsonObject data = t.get("/api/v1/traces?service=bulk&limit=7" + (cursor == null ? "" : "&cursor=" + enc(cursor)))
          .data();
      for (Object o : data.getJsonArray("traces")) {
        JsonObject s = (JsonObject) o;
        assertThat(seen.add(s.getString("trace_id"))).as("seen twice: %s", s).isTrue();
        long start = Long.parseLong(s.getString("start_unix_nano"));
        assertThat(start).isLessThanOrEqualTo(lastStart);
        lastStart = start;
      }
      cursor = data.getString("next_cursor");
      pages++;
    } while (cursor != null);

    assertThat(seen).hasSize(250);
    assertThat(pages).isEqualTo(36);
  }

  @Test
  void servicesAndOperationsAreNotCapturedByTheTraceIdRoute() {
    assertThat(dataArray("/api/v1/traces/services")).containsExactly("frontend", "payments");
    assertThat(t.store.lastRange).containsExactly(NOW_NANOS - HOUR, NOW_NANOS);

    assertThat(dataArray("/api/v1/traces/services/frontend/operations?start=now-2h")).isEqualTo(new JsonArray()
        .add(new JsonObject().put("name", "GET /checkout").put("kind", "SPAN_KIND_SERVER"))
        .add(new JsonObject().put("name", "POST /pay").put("kind", "SPAN_KIND_CLIENT"))
        .add(new JsonObject().put("name", "render").put("kind", "SPAN_KIND_INTERNAL")));
    assertThat(t.store.lastService).isEqualTo("frontend");
    assertThat(t.store.lastRange).containsExactly(NOW_NANOS - 2 * HOUR, NOW_NANOS);

    assertThat(dataArray("/api/v1/traces/services/my%20svc%2Fv2/operations")).isEmpty();
    assertThat(t.store.lastService).isEqualTo("my svc/v2");
  }

  @Test
  void dependenciesAreEdgesWithCallAndErrorCounts() {
    assertThat(dataArray("/api/v1/traces/dependencies")).isEqualTo(new JsonArray().add(new JsonObject()
        .put("parent", "frontend").put("child", "payments").put("call_count", 1).put("error_count", 1)));
    assertThat(t.store.lastRange).containsExactly(NOW_NANOS - HOUR, NOW_NANOS);
    assertThat(t.store.lastTimeout).isEqualTo(30_000);
  }

  @Test
  void redRendersRateErrorsAndPercentilesPerStep() {
    TestServer.Resp r = t.get("/api/v1/traces/red?service=payments&start=2026-01-02T14:49:00Z"
        + "&end=2026-01-02T14:51:00Z&step=1m");

    JsonObject data = r.data();
    assertThat(data.fieldNames()).containsExactly("step_seconds", "points");
    assertThat(data.getValue("step_seconds")).isEqualTo(60);
    JsonArray points = data.getJsonArray("points");
    assertThat(points).hasSize(3);
    JsonObject empty = points.getJsonObject(0);
    assertThat(empty.fieldNames()).containsExactly("start", "requests", "rate", "errors", "error_rate", "p50_ms",
        "p90_ms", "p99_ms");
    assertThat(empty.getString("start")).isEqualTo("2026-01-02T14:49:00.000000000Z");
    assertThat(empty.getInteger("requests")).isZero();
    assertThat(empty.getDouble("rate")).isZero();
    assertThat(empty.getDouble("error_rate")).isZero();
    assertThat(empty.containsKey("p50_ms")).isTrue();
    assertThat(empty.getValue("p50_ms")).isNull();
    assertThat(empty.getValue("p99_ms")).isNull();
    JsonObject busy = points.getJsonObject(1);
    assertThat(busy.getString("start")).isEqualTo("2026-01-02T14:50:00.000000000Z");
    assertThat(busy.getInteger("requests")).isEqualTo(1);
    assertThat(busy.getDouble("rate")).isEqualTo(1 / 60.0);
    assertThat(busy.getInteger("errors")).isEqualTo(1);
    assertThat(busy.getDouble("error_rate")).isEqualTo(1.0);
    assertThat(busy.getDouble("p50_ms")).isEqualTo(37.9995);
    assertThat(busy.getDouble("p90_ms")).isEqualTo(37.9995);
    assertThat(busy.getDouble("p99_ms")).isEqualTo(37.9995);
    RedQuery q = t.store.lastRedQuery;
    assertThat(q.service()).isEqualTo("payments");
    assertThat(q.operation()).isNull();
    assertThat(q.stepNanos()).isEqualTo(MINUTE);
  }

  @Test
  void redNeedsAServiceAndPicksAStepLikeTheHistogram() {
    assertBadData("/api/v1/traces/red", "missing service: give the service to measure, e.g. service=checkout");

    JsonObject data = t.get("/api/v1/traces/red?service=frontend&operation=" + enc("GET /checkout")).data();

    assertThat(data.getValue("step_seconds")).isEqualTo(30);
    assertThat(t.store.lastRedQuery.operation()).isEqualTo("GET /checkout");
    assertThat(t.store.lastRedQuery.startNanos()).isEqualTo(NOW_NANOS - HOUR);
    assertBadData("/api/v1/traces/red?service=a&step=1ms",
        "step '1ms' gives 3600001 buckets over the range, more than the limit of 11000: increase step or shorten the range");
  }

  @Test
  void traceWithLogsAddsTheLogsOfTheTraceAroundItsTimeRange() {
    t.store.addLogs("default", new LogRecord(T0 + 3 * MS, 0, 17, "ERROR", "card declined", "payments", TRACE,
        "b000000000000003", Map.of(), Map.of(), ""));

    JsonObject data = t.get("/api/v1/traces/" + TRACE + "?include=logs").data();

    assertThat(data.fieldNames()).containsExactly("trace_id", "truncated", "spans", "logs");
    JsonArray logs = data.getJsonArray("logs");
    assertThat(logs).hasSize(1);
    assertThat(logs.getJsonObject(0).getString("body")).isEqualTo("card declined");
    assertThat(logs.getJsonObject(0).getString("span_id")).isEqualTo("b000000000000003");
    LogQuery q = t.store.lastQuery;
    assertThat(q.query()).isEqualTo("trace_id:" + TRACE);
    assertThat(q.startNanos()).isEqualTo(T0 - HOUR);
    assertThat(q.endNanos()).isEqualTo(T0 + 50 * MS + HOUR);
    assertThat(q.limit()).isEqualTo(1000);
    assertThat(q.direction()).isEqualTo(Direction.BACKWARD);
    assertThat(q.cursor()).isNull();
  }

  @Test
  void traceWithoutIncludeHasNoLogsAndUnknownIncludeIs400() {
    assertThat(t.get("/api/v1/traces/" + TRACE).data().containsKey("logs")).isFalse();
    assertThat(t.get("/api/v1/traces/" + TRACE + "?include=").data().containsKey("logs")).isFalse();
    assertBadData("/api/v1/traces/" + TRACE + "?include=logs,spans",
        "invalid include 'spans': the only value allowed is logs");
  }

  @Test
  void newRoutesAnswer405ToOtherMethodsAndCountMetrics() {
    TestServer.Resp r = t.send(io.vertx.core.http.HttpMethod.DELETE, "/api/v1/traces/services", null);

    assertThat(r.status()).isEqualTo(405);
    assertThat(r.headers().get("Allow")).isEqualTo("GET");
    t.get("/api/v1/traces/red");
    assertThat(t.registry.scrape().stream()
        .filter(m -> m.getMetadata().getName().equals("lookout_query_errors"))
        .flatMap(m -> m.getDataPoints().stream())
        .map(d -> d.getLabels().get("endpoint"))).contains("trace_services", "trace_red");
  }
}
