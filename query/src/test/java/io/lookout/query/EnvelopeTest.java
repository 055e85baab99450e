package io.lookout.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.lookout.model.ErrorCode;
import io.lookout.model.LookoutException;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EnvelopeTest {
  private TestServer t = new TestServer();

  @AfterEach
  void stop() {
    t.close();
  }

  @Test
  void unknownApiPathIs404Envelope() {
    TestServer.Resp r = t.get("/api/v1/nope");

    assertThat(r.status()).isEqualTo(404);
    assertThat(r.headers().get("Content-Type")).isEqualTo("application/json");
    assertThat(r.json()).isEqualTo(new JsonObject().put("status", "error").put("errorType", "not_found")
        .put("error", "no API at /api/v1/nope: see the API documentation for the routes"));
  }

  @Test
  void routesMountedAfterTheQueryApiStillWin() {
    TestServer.Resp r = t.get("/api/v1/boom");

    assertThat(r.status()).isEqualTo(500);
  }

  @Test
  void wrongMethodIs405EnvelopeWithAllow() {
    TestServer.Resp r = t.send(HttpMethod.DELETE, "/api/v1/logs", null);

    assertThat(r.status()).isEqualTo(405);
    assertThat(r.headers().get("Allow")).isEqualTo("GET, POST");
    assertThat(r.json()).isEqualTo(new JsonObject().put("status", "error").put("errorType", "bad_data")
        .put("error", "method DELETE is not allowed on /api/v1/logs: use GET or POST"));

    TestServer.Resp trace = t.send(HttpMethod.POST, "/api/v1/traces/4bf92f3577b34da6a3ce929d0e0e4736", null);
    assertThat(trace.status()).isEqualTo(405);
    assertThat(trace.headers().get("Allow")).isEqualTo("GET");
  }

  @Test
  void unexpectedExceptionIs500WithAGenericMessage() {
    t.store.failure = () -> new IllegalStateException("secret detail");

    TestServer.Resp r = t.get("/api/v1/logs");

    assertThat(r.status()).isEqualTo(500);
    assertThat(r.json()).isEqualTo(new JsonObject().put("status", "error").put("errorType", "internal")
        .put("error", "internal error, see the server log"));
    assertThat(r.body()).doesNotContain("secret");
    assertThat(t.get("/api/v1/boom").body()).doesNotContain("secret");
  }

  @Test
  void badDataFromStorageIs400() {
    t.store.failure = () -> LookoutException.badData("invalid query 'a AND': unexpected end of query");

    TestServer.Resp r = t.get("/api/v1/logs?query=a%20AND");

    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json()).isEqualTo(new JsonObject().put("status", "error").put("errorType", "bad_data")
        .put("error", "invalid query 'a AND': unexpected end of query"));
  }

  @Test
  void storageTimeoutIs503Timeout() {
    t.store.failure = () -> new LookoutException(ErrorCode.TIMEOUT, "query exceeded 30s");

    TestServer.Resp r = t.get("/api/v1/logs/histogram");

    assertThat(r.status()).isEqualTo(503);
    assertThat(r.errorType()).isEqualTo("timeout");
    assertThat(r.error()).isEqualTo("query exceeded 30s");
    assertThat(r.headers().get("Retry-After")).isNull();
  }

  @Test
  void overloadIs503WithRetryAfter() {
    t.store.failure = () -> LookoutException.overloaded("searcher busy", 7);

    TestServer.Resp r = t.get("/api/v1/traces/4bf92f3577b34da6a3ce929d0e0e4736");

    assertThat(r.status()).isEqualTo(503);
    assertThat(r.errorType()).isEqualTo("unavailable");
    assertThat(r.headers().get("Retry-After")).isEqualTo("7");
  }

  @Test
  void tenantHeaderIsPassedThroughAndValidated() {
    t.get("/api/v1/logs", "X-Scope-OrgID", "acme");
    assertThat(t.store.lastQuery.tenant()).isEqualTo("acme");

    t.get("/api/v1/logs/fields", "X-Scope-OrgID", "team-b");
    assertThat(t.store.lastTenant).isEqualTo("team-b");

    t.get("/api/v1/logs/fields/service/values", "X-Scope-OrgID", "team-c");
    assertThat(t.store.lastQuery.tenant()).isEqualTo("team-c");

    t.get("/api/v1/logs/histogram", "X-Scope-OrgID", "team-d");
    assertThat(t.store.lastQuery.tenant()).isEqualTo("team-d");

    TestServer.Resp bad = t.get("/api/v1/logs", "X-Scope-OrgID", "../etc");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.error()).startsWith("invalid tenant id in X-Scope-OrgID");
  }

  @Test
  void metricsCountDurationsAndErrorsByEndpoint() {
    t.get("/api/v1/logs");
    t.get("/api/v1/logs?limit=0");
    t.get("/api/v1/traces/zz");
    t.get("/api/v1/nope");

    HistogramSnapshot duration = (HistogramSnapshot) snapshot("lookout_query_duration_seconds");
    assertThat(duration.getDataPoints().stream()
        .filter(d -> d.getLabels().equals(Labels.of("endpoint", "logs")))
        .mapToLong(HistogramSnapshot.HistogramDataPointSnapshot::getCount).sum()).isEqualTo(2);
    CounterSnapshot errors = (CounterSnapshot) snapshot("lookout_query_errors");
    assertThat(errorCount(errors, "logs", "bad_data")).isEqualTo(1);
    assertThat(errorCount(errors, "trace", "bad_data")).isEqualTo(1);
    assertThat(errorCount(errors, "unknown", "not_found")).isEqualTo(1);
  }

  private MetricSnapshot snapshot(String name) {
    return t.registry.scrape().stream().filter(m -> m.getMetadata().getName().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no metric " + name));
  }

  private static double errorCount(CounterSnapshot c, String endpoint, String type) {
    return c.getDataPoints().stream()
        .filter(d -> d.getLabels().equals(Labels.of("endpoint", endpoint, "error_type", type)))
        .mapToDouble(CounterSnapshot.CounterDataPointSnapshot::getValue).sum();
  }

  @Test
  void storageThatOverrunsItsBudgetGets503Timeout() throws Exception {
    t.close();
    t = new TestServer(new QueryConfig(Duration.ofMillis(50), 5000, QueryConfig.DEFAULT_RANGE, 100, 2, 8));
    CountDownLatch gate = new CountDownLatch(1);
    t.store.gate = gate;
    try {
      TestServer.Resp r = t.get("/api/v1/logs");

      assertThat(r.status()).isEqualTo(503);
      assertThat(r.errorType()).isEqualTo("timeout");
      assertThat(r.error()).isEqualTo("query did not finish within 50ms (LOOKOUT_QUERY_TIMEOUT, or query_timeout of"
          + " tenant 'default' in LOOKOUT_LIMITS_FILE): narrow the time range or make the query more selective");
    } finally {
      gate.countDown();
    }
  }

  @Test
  void queriesBeyondMaxPendingAreRefusedWithRetryAfter() throws Exception {
    t.close();
    t = new TestServer(new QueryConfig(QueryConfig.DEFAULT_TIMEOUT, 5000, QueryConfig.DEFAULT_RANGE, 100, 1, 1));
    CountDownLatch gate = new CountDownLatch(1);
    t.store.gate = gate;
    Future<HttpResponse<Buffer>> first = t.getAsync("/api/v1/logs");
    assertThat(t.store.entered.await(10, TimeUnit.SECONDS)).isTrue();

    TestServer.Resp second = t.get("/api/v1/logs");
    gate.countDown();

    assertThat(second.status()).isEqualTo(503);
    assertThat(second.headers().get("Retry-After")).isEqualTo("1");
    assertThat(second.error()).isEqualTo(
        "too many queries in progress, the limit is 1 (LOOKOUT_QUERY_MAX_PENDING): retry later");
    assertThat(TestServer.await(first).statusCode()).isEqualTo(200);
    t.store.gate = null;
    assertThat(t.get("/api/v1/logs").status()).isEqualTo(200);
  }

  @Test
  void helpersWriteEnvelopesForRoutesOfOtherModules() {
    TestServer.Resp ok = t.get("/api/v1/other/ok");
    assertThat(ok.status()).isEqualTo(200);
    assertThat(ok.json()).isEqualTo(new JsonObject().put("status", "success")
        .put("data", new JsonObject().put("a", 1)));

    TestServer.Resp busy = t.get("/api/v1/other/busy");
    assertThat(busy.status()).isEqualTo(429);
    assertThat(busy.headers().get("Retry-After")).isEqualTo("3");
    assertThat(busy.json()).isEqualTo(new JsonObject().put("status", "error").put("errorType", "unavailable")
        .put("error", "slow down"));

    TestServer.Resp failed = t.get("/api/v1/other/failed");
    assertThat(failed.status()).isEqualTo(422);
    assertThat(failed.errorType()).isEqualTo("execution");
  }
}
