package io.lookout.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.lookout.model.limits.Limit;
import io.lookout.model.limits.Limits;
import io.lookout.model.limits.TenantLimits;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code max_query_range} on the native and Jaeger trace searches: 422 as on the log endpoints. */
class TraceQueryLimitsTest {
  private static final long HOUR_MICROS = 3_600_000_000L;
  private static final TenantLimits TIGHT = new TenantLimits(0, 0, 0, Duration.ofHours(1), Duration.ZERO, 0, 0, 0, 0);

  private static final String RANGE_ERROR = "the query range of 2h is longer than the limit max_query_range of 1h";

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

  private void assertRangeRefused(String uri) {
    TestServer.Resp r = t.get(uri, "X-Scope-OrgID", "tight");
    assertThat(r.status()).as(uri).isEqualTo(422);
    assertThat(r.errorType()).as(uri).isEqualTo("execution");
    assertThat(r.error()).as(uri).contains(RANGE_ERROR)
        .contains("LOOKOUT_LIMIT_MAX_QUERY_RANGE").contains("tenants.tight.max_query_range");
  }

  /** Jaeger's envelope: {@code {"errors": [{"code": 422, "msg": ...}]}}. */
  private void assertJaegerRangeRefused(String uri) {
    TestServer.Resp r = t.get(uri, "X-Scope-OrgID", "tight");
    assertThat(r.status()).as(uri).isEqualTo(422);
    JsonObject error = r.json().getJsonArray("errors").getJsonObject(0);
    assertThat(error.getInteger("code")).isEqualTo(422);
    assertThat(error.getString("msg")).as(uri).contains(RANGE_ERROR)
        .contains("LOOKOUT_LIMIT_MAX_QUERY_RANGE").contains("tenants.tight.max_query_range");
  }

  @Test
  void nativeTraceEndpointsPastTheTenantRangeAre422OthersUnaffected() {
    assertRangeRefused("/api/v1/traces?start=now-2h");
    assertRangeRefused("/api/v1/traces/services?start=now-2h");
    assertRangeRefused("/api/v1/traces/services/checkout/operations?start=now-2h");
    assertRangeRefused("/api/v1/traces/dependencies?start=now-2h");
    assertRangeRefused("/api/v1/traces/red?service=checkout&start=now-2h");
    assertThat(t.get("/api/v1/traces?start=now-30m", "X-Scope-OrgID", "tight").status()).isEqualTo(200);
    assertThat(t.get("/api/v1/traces?start=now-2h", "X-Scope-OrgID", "free").status()).isEqualTo(200);
    assertThat(exceeded).hasSize(5).containsOnly("tight/max_query_range");
  }

  @Test
  void jaegerTraceSearchPastTheTenantRangeIs422() {
    long end = TestServer.NOW_NANOS / 1000;
    String past = "/jaeger/api/traces?service=checkout&start=" + (end - 2 * HOUR_MICROS) + "&end=" + end;
    assertJaegerRangeRefused(past);
    assertJaegerRangeRefused("/jaeger/api/traces?service=checkout&lookback=2h");
    // dependencies: lookback in milliseconds, 24 h by default
    assertJaegerRangeRefused("/jaeger/api/dependencies?endTs=" + end / 1000 + "&lookback=" + 2 * 3_600_000);
    TestServer.Resp byDefault = t.get("/jaeger/api/dependencies", "X-Scope-OrgID", "tight");
    assertThat(byDefault.status()).isEqualTo(422);
    assertThat(byDefault.json().getJsonArray("errors").getJsonObject(0).getString("msg"))
        .contains("the query range of 1d is longer than the limit max_query_range of 1h");
    assertThat(t.get("/jaeger/api/dependencies?endTs=" + end / 1000 + "&lookback=" + 1_800_000, "X-Scope-OrgID",
        "tight").status()).isEqualTo(200);
    assertThat(t.get("/jaeger/api/traces?service=checkout&lookback=30m", "X-Scope-OrgID", "tight").status())
        .isEqualTo(200);
    assertThat(t.get(past, "X-Scope-OrgID", "free").status()).isEqualTo(200);
  }
}
