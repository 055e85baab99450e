package io.lookout.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.lookout.model.Span;
import io.lookout.model.limits.Limit;
import io.lookout.model.limits.Limits;
import io.lookout.model.limits.TenantLimits;
import io.vertx.core.json.JsonArray;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Jaeger's service and operation lists look back 7 days, or the tenant's {@code max_query_range}
 * when shorter: clamped, never refused (the Jaeger UI sends no range for them).
 */
class JaegerCatalogRangeTest {
  private static final long MINUTE = 60_000_000_000L;
  private static final TenantLimits ONE_HOUR =
      new TenantLimits(0, 0, 0, Duration.ofHours(1), Duration.ZERO, 0, 0, 0, 0);

  private final List<String> exceeded = new CopyOnWriteArrayList<>();
  private final Limits limits = new Limits() {
    @Override
    public TenantLimits of(String tenant) {
      return tenant.endsWith("tight") ? ONE_HOUR : TenantLimits.NONE;
    }

    @Override
    public void exceeded(String tenant, Limit limit) {
      exceeded.add(tenant + "/" + limit.key());
    }
  };
  private final TestServer t = new TestServer(QueryConfig.defaults(), limits);

  @BeforeEach
  void load() {
    for (String tenant : List.of("tight", "free")) {
      t.store.addSpans(tenant,
          span("checkout", "GET /cart", 10 * MINUTE),
          span("checkout", "nightly-report", 3 * 60 * MINUTE),
          span("payments", "charge", 2 * 24 * 60 * MINUTE),
          span("archive", "compact", 8 * 24 * 60 * MINUTE));
    }
  }

  @AfterEach
  void close() {
    t.close();
  }

  private static Span span(String service, String name, long agoNanos) {
    long start = TestServer.NOW_NANOS - agoNanos;
    String id = Long.toHexString(agoNanos);
    return new Span("0".repeat(32 - id.length()) + id, "00000000000000a1", "", "", name, 2, start, start + MINUTE, 0,
        "", service, null, null, "", null, null);
  }

  private JsonArray data(String uri, String tenant) {
    TestServer.Resp r = t.get(uri, "X-Scope-OrgID", tenant);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json().getJsonArray("data");
  }

  @Test
  void aTenantWithAOneHourRangeSeesOnlyServicesWithSpansInTheLastHour() {
    assertThat(data("/jaeger/api/services", "tight")).containsExactly("checkout");
    assertThat(data("/jaeger/api/services", "free")).containsExactly("checkout", "payments");
    assertThat(exceeded).as("clamped, not refused").isEmpty();
  }

  @Test
  void operationListsAreClampedTheSameWay() {
    assertThat(data("/jaeger/api/services/checkout/operations", "tight")).containsExactly("GET /cart");
    assertThat(data("/jaeger/api/services/checkout/operations", "free")).containsExactly("GET /cart", "nightly-report");
    assertThat(data("/jaeger/api/operations?service=checkout", "tight")).hasSize(1);
    assertThat(data("/jaeger/api/operations?service=checkout", "free")).hasSize(2);
    assertThat(data("/jaeger/api/services/payments/operations", "tight")).isEmpty();
    assertThat(exceeded).isEmpty();
  }
}
