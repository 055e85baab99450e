package io.lookout.query;

import static io.lookout.query.TraceFixtures.MS;
import static io.lookout.query.TraceFixtures.OTHER_TRACE;
import static io.lookout.query.TraceFixtures.T0;
import static io.lookout.query.TraceFixtures.TRACE;
import static io.lookout.query.TraceFixtures.fixture;
import static org.assertj.core.api.Assertions.assertThat;

import io.lookout.model.Span;
import io.lookout.model.spi.TraceQuery;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class JaegerApiTest {
  private static final long HOUR = 3_600_000_000_000L;
  private static final long T0_MICROS = T0 / 1000;
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

  private TestServer.Resp ok(String uri) {
    TestServer.Resp r = t.get(uri);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.headers().get("Content-Type")).isEqualTo("application/json");
    return r;
  }

  private static JsonObject jaegerError(int code, String msg) {
    return new JsonObject().putNull("data").put("total", 0).put("limit", 0).put("offset", 0)
        .put("errors", new JsonArray().add(new JsonObject().put("code", code).put("msg", msg)));
  }

  @Test
  void traceByIdMatchesTheJaegerFixture() {
    TestServer.Resp r = ok("/jaeger/api/traces/" + TRACE);

    assertThat(r.json()).isEqualTo(fixture("trace.json"));
    assertThat(t.store.lastMaxSpans).isEqualTo(QueryConfig.DEFAULT_TRACE_MAX_SPANS);
  }

  @Test
  void spanFieldsAreInJaegersOrderAndUnits() {
    JsonObject span = ok("/jaeger/api/traces/" + TRACE).json().getJsonArray("data").getJsonObject(0)
        .getJsonArray("spans").getJsonObject(2);

    assertThat(span.fieldNames()).containsExactly("traceID", "spanID", "operationName", "references", "startTime",
        "duration", "tags", "logs", "processID", "warnings");
    assertThat(span.getLong("startTime")).isEqualTo((T0 + 2_000_500) / 1000);
    assertThat(span.getLong("duration")).isEqualTo((40 * MS - 2_000_500) / 1000);
    assertThat(span.getJsonArray("references").getJsonObject(1).getString("traceID")).isEqualTo(OTHER_TRACE);
  }

  @Test
  void shortAndUpperCaseTraceIdsArePaddedAndLowered() {
    assertThat(t.get("/jaeger/api/traces/4BF92F3577B34DA6").status()).isEqualTo(404);

    assertThat(t.store.lastTraceId).isEqualTo("0000000000000000" + "4bf92f3577b34da6");
  }

  @Test
  void unknownTraceIs404InJaegersEnvelope() {
    TestServer.Resp r = t.get("/jaeger/api/traces/" + OTHER_TRACE);

    assertThat(r.status()).isEqualTo(404);
    assertThat(r.json()).isEqualTo(fixture("not-found.json"));
  }

  @Test
  void malformedTraceIdIs400InJaegersEnvelope() {
    for (String id : List.of("xyz", TRACE + "0", "0000")) {
      TestServer.Resp r = t.get("/jaeger/api/traces/" + id);
      assertThat(r.status()).as(id).isEqualTo(400);
      assertThat(r.json()).isEqualTo(jaegerError(400, "invalid trace id '" + id
          + "': use 1 to 32 hexadecimal characters, not all zeros (e.g. 4bf92f3577b34da6a3ce929d0e0e4736)"));
    }
  }

  @Test
  void truncatedTraceCarriesAWarning() {
    try (TestServer small = new TestServer(new QueryConfig(QueryConfig.DEFAULT_TIMEOUT, 5000,
        QueryConfig.DEFAULT_RANGE, 2, 2, 8))) {
      small.store.addSpans("default", TraceFixtures.checkoutTrace().toArray(Span[]::new));

      JsonObject trace = small.get("/jaeger/api/traces/" + TRACE).json().getJsonArray("data").getJsonObject(0);

      assertThat(trace.getJsonArray("spans")).hasSize(2);
      assertThat(trace.getJsonArray("warnings")).containsExactly(
          "trace truncated to its first 2 spans (LOOKOUT_TRACE_MAX_SPANS)");
    }
  }

  @Test
  void searchReturnsFullTracesInJaegersShape() {
    TestServer.Resp r = ok("/jaeger/api/traces?service=payments&start=" + (T0_MICROS - 1000) + "&end="
        + (T0_MICROS + 60_000_000));

    assertThat(r.json()).isEqualTo(fixture("trace.json"));
    TraceQuery q = t.store.lastTraceQuery;
    assertThat(q.service()).isEqualTo("payments");
    assertThat(q.startNanos()).isEqualTo(T0 - 1_000_000);
    assertThat(q.endNanos()).isEqualTo(T0 + 60_000_000_000L);
    assertThat(q.limit()).isEqualTo(20);
    assertThat(q.cursor()).isNull();
    assertThat(q.attributes()).isEmpty();
    assertThat(q.statusCode()).isNull();
    assertThat(q.minDurationNanos()).isZero();
    assertThat(q.maxDurationNanos()).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void searchParametersAreConvertedFromJaegersUnits() {
    ok("/jaeger/api/traces?service=frontend&operation=" + enc("GET /checkout") + "&tags="
        + enc("{\"http.status_code\":\"500\",\"error\":\"true\"}") + "&tag=" + enc("region:eu:west")
        + "&minDuration=1.2s&maxDuration=1500ms&limit=5&lookback=2h");

    TraceQuery q = t.store.lastTraceQuery;
    assertThat(q.operation()).isEqualTo("GET /checkout");
    assertThat(q.attributes()).isEqualTo(Map.of("http.status_code", "500", "region", "eu:west"));
    assertThat(q.statusCode()).isEqualTo(2);
    assertThat(q.minDurationNanos()).isEqualTo(1_200_000_000L);
    assertThat(q.maxDurationNanos()).isEqualTo(1_500_000_000L);
    assertThat(q.limit()).isEqualTo(5);
    assertThat(q.endNanos()).isEqualTo(TestServer.NOW_NANOS);
    assertThat(q.startNanos()).isEqualTo(TestServer.NOW_NANOS - 2 * HOUR);
  }

  @Test
  void searchAcceptsLogfmtTagsStatusTagsAndCustomLookback() {
    ok("/jaeger/api/traces?service=frontend&tags=" + enc("http.route=\"/a b\" otel.status_code=OK")
        + "&lookback=custom&limit=100000");

    TraceQuery q = t.store.lastTraceQuery;
    assertThat(q.attributes()).isEqualTo(Map.of("http.route", "/a b"));
    assertThat(q.statusCode()).isEqualTo(1);
    assertThat(q.startNanos()).isEqualTo(TestServer.NOW_NANOS - HOUR);
    assertThat(q.limit()).isEqualTo(1000);
  }

  @Test
  void searchByTraceIdsReportsMissingOnesAsErrors() {
    JsonObject j = ok("/jaeger/api/traces?traceID=" + TRACE + "&traceID=" + OTHER_TRACE).json();

    assertThat(j.getJsonArray("data")).isEqualTo(fixture("trace.json").getJsonArray("data"));
    assertThat(j.getJsonArray("errors")).isEqualTo(new JsonArray().add(
        new JsonObject().put("msg", "trace not found").put("traceID", OTHER_TRACE)));
  }

  @Test
  void searchWithoutMatchesIsAnEmptyArray() {
    assertThat(ok("/jaeger/api/traces?service=nobody").json()).isEqualTo(new JsonObject()
        .put("data", new JsonArray()).put("total", 0).put("limit", 0).put("offset", 0).putNull("errors"));
  }

  @Test
  void searchValidationErrorsAre400() {
    Map<String, String> cases = Map.of(
        "/jaeger/api/traces", "parameter 'service' is required: give the service whose traces to search",
        "/jaeger/api/traces?service=a&start=yesterday",
        "invalid start 'yesterday': use an integer of Unix microseconds, as Jaeger clients send",
        "/jaeger/api/traces?service=a&minDuration=fast",
        "invalid minDuration 'fast': use a duration such as 250ms, 1.5s, 15m, 1h30m, 7d, or a number of seconds",
        "/jaeger/api/traces?service=a&minDuration=2s&maxDuration=1s",
        "invalid durations: maxDuration 1s is less than minDuration 2s: use a maximum at least the minimum",
        "/jaeger/api/traces?service=a&tags=" + enc("{\"a\":"),
        "invalid tags '{\"a\":': use a JSON object of strings such as {\"http.status_code\":\"500\"}, or key=value pairs",
        "/jaeger/api/traces?service=a&tag=nocolon", "invalid tag 'nocolon': use key:value, e.g. tag=http.status_code:500",
        "/jaeger/api/traces?service=a&limit=-1",
        "invalid limit '-1': use a positive integer (at most 1000 traces are returned)",
        "/jaeger/api/traces?service=a&start=" + (T0_MICROS + 1) + "&end=" + T0_MICROS,
        "invalid range: start 2026-01-02T14:50:00.000001000Z is after end 2026-01-02T14:50:00.000000000Z:"
            + " use a start before the end");
    cases.forEach((uri, msg) -> {
      TestServer.Resp r = t.get(uri);
      assertThat(r.status()).as(uri).isEqualTo(400);
      assertThat(r.json()).as(uri).isEqualTo(jaegerError(400, msg));
    });
  }

  @Test
  void servicesMatchTheFixture() {
    assertThat(ok("/jaeger/api/services").json()).isEqualTo(fixture("services.json"));
    assertThat(t.store.lastRange).containsExactly(TestServer.NOW_NANOS - 7 * 24 * HOUR, TestServer.NOW_NANOS);
  }

  @Test
  void operationsMatchTheFixtureAndFilterBySpanKind() {
    assertThat(ok("/jaeger/api/operations?service=frontend").json()).isEqualTo(fixture("operations.json"));
    assertThat(ok("/jaeger/api/operations?service=frontend&spanKind=client").json()).isEqualTo(new JsonObject()
        .put("data", new JsonArray().add(new JsonObject().put("name", "POST /pay").put("spanKind", "client")))
        .put("total", 1).put("limit", 0).put("offset", 0).putNull("errors"));
    assertThat(t.get("/jaeger/api/operations").json())
        .isEqualTo(jaegerError(400, "parameter 'service' is required: give the service whose traces to search"));
    assertThat(t.get("/jaeger/api/operations?service=frontend&spanKind=weird").json()).isEqualTo(jaegerError(400,
        "invalid spanKind 'weird': use server, client, producer, consumer or internal"));
  }

  @Test
  void legacyServiceOperationsAreUniqueNames() {
    assertThat(ok("/jaeger/api/services/frontend/operations").json()).isEqualTo(fixture("service-operations.json"));
    assertThat(t.store.lastService).isEqualTo("frontend");
  }

  @Test
  void dependenciesMatchTheFixtureAndTakeMilliseconds() {
    long endMs = (T0 + HOUR) / 1_000_000;

    assertThat(ok("/jaeger/api/dependencies?endTs=" + endMs + "&lookback=7200000").json())
        .isEqualTo(fixture("dependencies.json"));
    assertThat(t.store.lastRange).containsExactly(T0 + HOUR - 2 * HOUR, T0 + HOUR);

    ok("/jaeger/api/dependencies");
    assertThat(t.store.lastRange).containsExactly(TestServer.NOW_NANOS - 24 * HOUR, TestServer.NOW_NANOS);
    assertThat(ok("/jaeger/api/dependencies?service=search").json().getJsonArray("data")).isEmpty();
    assertThat(t.get("/jaeger/api/dependencies?endTs=soon").json()).isEqualTo(jaegerError(400,
        "invalid endTs 'soon': use an integer of Unix milliseconds, as Jaeger clients send"));
  }

  @Test
  void unknownJaegerPathAndWrongMethodUseJaegersEnvelope() {
    TestServer.Resp unknown = t.get("/jaeger/api/nope");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.json()).isEqualTo(jaegerError(404,
        "no API at /jaeger/api/nope: see the Jaeger query API for the routes"));

    TestServer.Resp post = t.send(HttpMethod.POST, "/jaeger/api/services", null);
    assertThat(post.status()).isEqualTo(405);
    assertThat(post.headers().get("Allow")).isEqualTo("GET");
    assertThat(post.json()).isEqualTo(jaegerError(405, "method POST is not allowed on /jaeger/api/services: use GET"));
  }

  @Test
  void storageErrorsUseJaegersEnvelope() {
    t.store.failure = () -> new IllegalStateException("secret detail");

    TestServer.Resp r = t.get("/jaeger/api/services");

    assertThat(r.status()).isEqualTo(500);
    assertThat(r.json()).isEqualTo(jaegerError(500, "internal error, see the server log"));
    assertThat(r.body()).doesNotContain("secret");
  }

  @Test
  void overloadIs503WithRetryAfterInJaegersEnvelope() {
    t.store.failure = () -> io.lookout.model.LookoutException.overloaded("searcher busy", 7);

    TestServer.Resp r = t.get("/jaeger/api/traces/" + TRACE);

    assertThat(r.status()).isEqualTo(503);
    assertThat(r.headers().get("Retry-After")).isEqualTo("7");
    assertThat(r.json()).isEqualTo(jaegerError(503, "searcher busy"));
  }

  @Test
  void tenantHeaderSelectsTheTenant() {
    t.get("/jaeger/api/services", "X-Scope-OrgID", "acme");

    assertThat(t.store.lastTenant).isEqualTo("acme");
    assertThat(t.get("/jaeger/api/services", "X-Scope-OrgID", "-bad").status()).isEqualTo(400);
  }
}
