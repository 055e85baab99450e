package io.lookout.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lookout.model.ErrorCode;
import io.lookout.model.LookoutException;
import io.lookout.model.limits.Limit;
import io.lookout.model.limits.Limits;
import io.lookout.model.limits.TenantLimits;
import io.lookout.model.metrics.Labels;
import io.lookout.model.metrics.Sample;
import io.lookout.model.metrics.SeriesBatch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class IngestLimitsTest {
  static final long SECOND = 1_000_000_000L;

  /** Limits per tenant from a map, recording what was reported as exceeded. */
  static final class MapLimits implements Limits {
    final Map<String, TenantLimits> byTenant;
    final List<String> exceeded = new ArrayList<>();

    MapLimits(Map<String, TenantLimits> byTenant) {
      this.byTenant = byTenant;
    }

    @Override
    public TenantLimits of(String tenant) {
      return byTenant.getOrDefault(tenant, TenantLimits.NONE);
    }

    @Override
    public synchronized void exceeded(String tenant, Limit limit) {
      exceeded.add(tenant + "/" + limit.key());
    }
  }

  static TenantLimits rate(double records, double bytes, long series) {
    return new TenantLimits(records, bytes, series, Duration.ZERO, Duration.ZERO, 0, 0, 0, 0);
  }

  private final AtomicLong now = new AtomicLong(1_000 * SECOND);

  @Test
  void recordsPerSecondAreABucketWithOneSecondOfBurstThatMayGoIntoDebt() {
    MapLimits limits = new MapLimits(Map.of("acme", rate(100, 0, 0)));
    IngestLimits l = new IngestLimits(limits, now::get);
    l.admit("acme", 250, 10); // a full bucket admits one large request, putting it 150 in debt
    assertThatThrownBy(() -> l.admit("acme", 1, 10))
        .isInstanceOfSatisfying(LookoutException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED);
          assertThat(e.retryAfterSeconds()).isEqualTo(2);
          assertThat(e.getMessage()).contains("ingest_records_per_second of 100 records per second")
              .contains("LOOKOUT_LIMIT_INGEST_RECORDS_PER_SECOND").contains("tenants.acme.ingest_records_per_second");
        });
    now.addAndGet(1500 * 1_000_000L); // 150 tokens later the debt is paid
    l.admit("acme", 1, 10);
    assertThat(limits.exceeded).containsExactly("acme/ingest_records_per_second");
  }

  @Test
  void bytesPerSecondAreLimitedToo() {
    MapLimits limits = new MapLimits(Map.of("acme", rate(0, 1000, 0)));
    IngestLimits l = new IngestLimits(limits, now::get);
    l.admit("acme", 1, 5000);
    assertThatThrownBy(() -> l.admit("acme", 1, 1))
        .isInstanceOfSatisfying(LookoutException.class, e -> {
          assertThat(e.retryAfterSeconds()).isEqualTo(4);
          assertThat(e.getMessage()).contains("ingest_bytes_per_second of 1000 bytes per second");
        });
  }

  @Test
  void otherTenantsAreUnaffected() {
    MapLimits limits = new MapLimits(Map.of("greedy", rate(10, 0, 0)));
    IngestLimits l = new IngestLimits(limits, now::get);
    l.admit("greedy", 1000, 1);
    assertThatThrownBy(() -> l.admit("greedy", 1, 1)).isInstanceOf(LookoutException.class);
    for (int i = 0; i < 100; i++) {
      l.admit("modest", 1_000_000, 1_000_000);
    }
  }

  @Test
  void newSeriesPastTheActiveSeriesLimitAreCutKnownSeriesStillPass() {
    MapLimits limits = new MapLimits(Map.of("acme", rate(0, 0, 2)));
    IngestLimits l = new IngestLimits(limits, now::get);
    assertThat(l.admitSeries("acme", batch("a", "b")).rejectedSamples()).isZero();
    IngestLimits.SeriesAdmission cut = l.admitSeries("acme", batch("a", "c", "b", "d"));
    assertThat(cut.batch().series()).extracting(s -> s.labels().get("s")).containsExactly("a", "b");
    assertThat(cut.rejectedSamples()).isEqualTo(2);
    assertThat(cut.message()).contains("max_active_series of 2 series").contains("LOOKOUT_LIMIT_MAX_ACTIVE_SERIES");
    assertThat(l.activeSeries("acme")).isEqualTo(2);
    assertThat(limits.exceeded).containsExactly("acme/max_active_series");
  }

  @Test
  void seriesNotSeenForTwoGenerationsAreNoLongerActive() {
    IngestLimits l = new IngestLimits(new MapLimits(Map.of("acme", rate(0, 0, 2))), now::get);
    l.admitSeries("acme", batch("a", "b"));
    now.addAndGet(IngestLimits.GENERATION_NANOS);
    l.admitSeries("acme", batch("a")); // b is from the previous generation: still active
    assertThat(l.admitSeries("acme", batch("c")).rejectedSamples()).isEqualTo(1);
    now.addAndGet(IngestLimits.GENERATION_NANOS);
    assertThat(l.admitSeries("acme", batch("c")).rejectedSamples()).isZero(); // b went away
  }

  @Test
  void trackerGrowsPastItsInitialTableAndCountsExactly() {
    IngestLimits l = new IngestLimits(new MapLimits(Map.of("acme", rate(0, 0, 5000))), now::get);
    String[] names = new String[6000];
    for (int i = 0; i < names.length; i++) {
      names[i] = "s" + i;
    }
    assertThat(l.admitSeries("acme", batch(names)).rejectedSamples()).isEqualTo(1000);
    assertThat(l.activeSeries("acme")).isEqualTo(5000);
  }

  static SeriesBatch batch(String... names) {
    List<SeriesBatch.Series> series = new ArrayList<>();
    for (String n : names) {
      series.add(SeriesBatch.Series.ofSamples(Labels.of("__name__", "m", "s", n), List.of(new Sample(1000, 1))));
    }
    return new SeriesBatch(series, List.of());
  }  @Test
  void memoisedSeriesHashesEqualTheComputedOnes() {
    IngestLimits.HashMemo memo = new IngestLimits.HashMemo();
    for (int i = 0; i < 200_000; i++) { // more label sets than slots: collisions recompute
      Labels l = Labels.of("__name__", "m", "i", Integer.toString(i % 70_000), "ü", "x");
      assertThat(memo.of(l)).isEqualTo(IngestLimits.hash(l));
      assertThat(memo.of(l)).isEqualTo(IngestLimits.hash(Labels.of("__name__", "m", "i", Integer.toString(i % 70_000),
          "ü", "x")));
    }
  }


}
