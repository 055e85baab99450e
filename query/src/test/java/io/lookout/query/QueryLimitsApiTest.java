package io.lookout.query;

import static io.lookout.query.TestServer.NOW_NANOS;
import static org.assertj.core.api.Assertions.assertThat;

import io.lookout.model.LogRecord;
import io.lookout.model.limits.Limit;
import io.lookout.model.limits.Limits;
import io.lookout.model.limits.TenantLimits;
import io.lookout.model.metrics.Labels;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Per-tenant query limits through the real router: the limited tenant gets 422/429, others are unaffected. */
class QueryLimitsApiTest {
  private static final long MINUTE = 60_000_000_000L;
  private static final TenantLimits TIGHT = new TenantLimits(0, 0, 0, Duration.ofHours(1), Duration.ZERO, 1, 1, 0, 10);

  private final List<String> exceeded = new CopyOnWriteArrayList<>();
  private final Limits limits = new Limits() {
    @Override
    public TenantLimits of(String tenant) {
      return tenant.equals("tight") ? TIGHT : TenantLimits.NONE;
    }

    @Override
    public void exceeded(String tenant, Limit limit) {
      exceeded.add(tenant + "/" + limit.key());
    }
  };
  private final TestServer t = new TestServer(QueryConfig.defaults(), limits);

  @AfterEach
  void close() {
    t.close();
  }

  private static LogRecord log(String body) {
    return new LogRecord(NOW_NANOS - MINUTE, NOW_NANOS - MINUTE, 9, "INFO", body, "svc", "", "", Map.of(), Map.of(), "");
  }

  @Test
  void queryRangePastTheTenantLimitIs422NamingTheLimitOthersUnaffected() {
    t.store.addLogs("tight", log("hello"));
    t.store.addLogs("free", log("hello"));
    TestServer.Resp r = t.get("/api/v1/logs?start=now-2h", "X-Scope-OrgID", "tight");
    assertThat(r.status()).isEqualTo(422);
    assertThat(r.errorType()).isEqualTo("execution");
    assertThat(r.error()).contains("max_query_range of 1h").contains("LOOKOUT_LIMIT_MAX_QUERY_RANGE")
        .contains("tenants.tight.max_query_range");
    assertThat(t.get("/api/v1/logs?start=now-30m", "X-Scope-OrgID", "tight").status()).isEqualTo(200);
    assertThat(t.get("/api/v1/logs?start=now-2h", "X-Scope-OrgID", "free").status()).isEqualTo(200);

    r = t.get("/prometheus/api/v1/query_range?query=up&start=0&end=100000&step=60", "X-Scope-OrgID", "tight");
    assertThat(r.status()).isEqualTo(422);
    assertThat(r.error()).contains("max_query_range");
    assertThat(exceeded).containsOnly("tight/max_query_range");
  }

  @Test
  void logLinesPastTheTenantLimitAre422() {
    TestServer.Resp r = t.get("/api/v1/logs?limit=11", "X-Scope-OrgID", "tight");
    assertThat(r.status()).isEqualTo(422);
    assertThat(r.error()).contains("max_log_lines of 10").contains("LOOKOUT_QUERY_MAX_LIMIT");
    assertThat(t.get("/api/v1/logs?limit=10", "X-Scope-OrgID", "tight").status()).isEqualTo(200);
    assertThat(t.get("/api/v1/logs?limit=11", "X-Scope-OrgID", "free").status()).isEqualTo(200);
  }

  @Test
  void promqlSeriesPastTheTenantLimitIs422AndCounted() {
    for (String tenant : new String[] {"tight", "free"}) {
      t.metrics.add(tenant, Labels.of("__name__", "up", "job", "a"), NOW_NANOS / 1_000_000 - 1000, 1);
      t.metrics.add(tenant, Labels.of("__name__", "up", "job", "b"), NOW_NANOS / 1_000_000 - 1000, 1);
    }
    TestServer.Resp r = t.get("/prometheus/api/v1/query?query=up", "X-Scope-OrgID", "tight");
    assertThat(r.status()).isEqualTo(422);
    assertThat(r.error()).contains("series").contains("tenants.tight.max_query_series");
    assertThat(exceeded).contains("tight/max_query_series");
    assertThat(t.get("/prometheus/api/v1/query?query=up", "X-Scope-OrgID", "free").data()
        .getJsonArray("result")).hasSize(2);
  }

  @Test
  void concurrentQueriesPastTheTenantLimitAre429WithRetryAfter() throws Exception {
    t.store.gate = new CountDownLatch(1);
    t.store.entered = new CountDownLatch(1);
    Future<HttpResponse<Buffer>> first = t.client.get(t.server.actualPort(), "localhost", "/api/v1/logs")
        .putHeader("X-Scope-OrgID", "tight").send();
    assertThat(t.store.entered.await(20, TimeUnit.SECONDS)).isTrue();
    TestServer.Resp refused = t.get("/api/v1/logs", "X-Scope-OrgID", "tight");
    assertThat(refused.status()).isEqualTo(429);
    assertThat(refused.headers().get("Retry-After")).isEqualTo("1");
    assertThat(refused.error()).contains("max_concurrent_queries").contains("LOOKOUT_LIMIT_MAX_CONCURRENT_QUERIES");
    Future<HttpResponse<Buffer>> other = t.client.get(t.server.actualPort(), "localhost", "/api/v1/logs")
        .putHeader("X-Scope-OrgID", "free").send();
    t.store.gate.countDown();
    assertThat(TestServer.await(first).statusCode()).isEqualTo(200);
    assertThat(TestServer.await(other).statusCode()).isEqualTo(200);
    // the slot was given back
    assertThat(t.get("/api/v1/logs", "X-Scope-OrgID", "tight").status()).isEqualTo(200);
    assertThat(exceeded).containsExactly("tight/max_concurrent_queries");
  }
}
