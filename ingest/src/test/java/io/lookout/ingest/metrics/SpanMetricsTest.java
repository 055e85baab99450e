package io.lookout.ingest.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.lookout.ingest.IngestConfig;
import io.lookout.model.Span;
import io.lookout.model.metrics.MetricMetadata;
import io.lookout.model.metrics.Sample;
import io.lookout.model.metrics.SeriesBatch;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SpanMetricsTest {
  private static final long MS = 1_000_000L;
  private static final String BASE =
      "job=\"lookout-spanmetrics\", service=\"checkout\", span_kind=\"SPAN_KIND_SERVER\", span_name=\"GET /cart\","
          + " status_code=\"STATUS_CODE_OK\"";
  private static final String[] LE = {"0.002", "0.004", "0.006", "0.008", "0.01", "0.05", "0.1", "0.2", "0.4",
      "0.8", "1", "1.4", "2", "5", "10", "15", "+Inf"};

  private final RecordingMetricStore store = new RecordingMetricStore();
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final MutableClock clock = new MutableClock(1_767_000_000_000L);

  @Test
  void flushWritesCallsAndDurationHistogramWithExactLabelsBucketsAndSum() {
    SpanMetrics m = new SpanMetrics(store, 100, registry, clock);
    // 1 ms, 2 ms (on a bound: le is inclusive), 3 ms, 15 s (on the last bound), 20 s (+Inf only)
    m.record("acme", List.of(span("checkout", "GET /cart", 2, 1, MS), span("checkout", "GET /cart", 2, 1, 2 * MS),
        span("checkout", "GET /cart", 2, 1, 3 * MS), span("checkout", "GET /cart", 2, 1, 15_000 * MS),
        span("checkout", "GET /cart", 2, 1, 20_000 * MS)), 5);

    m.flush().join();

    assertThat(store.appends).singleElement().satisfies(a -> assertThat(a.tenant()).isEqualTo("acme"));
    SeriesBatch batch = store.appends.get(0).batch();
    assertThat(batch.series()).hasSize(1 + LE.length + 2);
    for (SeriesBatch.Series s : batch.series()) {
      assertThat(s.samples()).extracting(Sample::timestampMillis).containsExactly(clock.millis());
      assertThat(s.histograms()).isEmpty();
    }
    Map<String, Double> values = Batches.values(batch);
    assertThat(values).containsEntry("{__name__=\"traces_spanmetrics_calls_total\", " + BASE + "}", 5.0)
        .containsEntry("{__name__=\"traces_spanmetrics_duration_seconds_count\", " + BASE + "}", 5.0);
    assertThat(values.get("{__name__=\"traces_spanmetrics_duration_seconds_sum\", " + BASE + "}"))
        .isCloseTo(35.006, within(1e-9));
    double[] cumulative = {2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 4, 5};
    for (int i = 0; i < LE.length; i++) {
      assertThat(bucket(batch, BASE, LE[i])).as("le=%s", LE[i]).isEqualTo(cumulative[i]);
    }
    assertThat(batch.metadata()).containsExactly(
        new MetricMetadata("traces_spanmetrics_calls_total", MetricMetadata.Type.COUNTER, "",
            SpanMetrics.METADATA.get(0).help()),
        new MetricMetadata("traces_spanmetrics_duration_seconds", MetricMetadata.Type.HISTOGRAM, "seconds",
            SpanMetrics.METADATA.get(1).help()));
  }

  @Test
  void eachCombinationOfServiceNameKindAndStatusIsItsOwnSeries() {
    SpanMetrics m = new SpanMetrics(store, 100, registry, clock);
    m.record("acme", List.of(span("checkout", "GET /cart", 2, 1, MS), span("checkout", "GET /cart", 3, 2, MS),
        span("payments", "charge", 9, 7, MS), span("payments", "charge", 0, 0, MS),
        span("payments", "", 1, 0, MS)), 5);
    m.flush().join();

    Map<String, Double> values = Batches.values(store.appends.get(0).batch());
    assertThat(values.entrySet().stream().filter(e -> e.getKey().contains("calls_total")).toList())
        .extracting(Map.Entry::getKey, Map.Entry::getValue)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("{__name__=\"traces_spanmetrics_calls_total\", " + BASE + "}", 1.0),
            org.assertj.core.groups.Tuple.tuple("{__name__=\"traces_spanmetrics_calls_total\","
                + " job=\"lookout-spanmetrics\", service=\"checkout\", span_kind=\"SPAN_KIND_CLIENT\","
                + " span_name=\"GET /cart\", status_code=\"STATUS_CODE_ERROR\"}", 1.0),
            // unknown kind and status numbers count as unspecified / unset
            org.assertj.core.groups.Tuple.tuple("{__name__=\"traces_spanmetrics_calls_total\","
                + " job=\"lookout-spanmetrics\", service=\"payments\", span_kind=\"SPAN_KIND_UNSPECIFIED\","
                + " span_name=\"charge\", status_code=\"STATUS_CODE_UNSET\"}", 2.0),
            // an empty span name leaves the label out, as Prometheus treats empty labels
            org.assertj.core.groups.Tuple.tuple("{__name__=\"traces_spanmetrics_calls_total\","
                + " job=\"lookout-spanmetrics\", service=\"payments\", span_kind=\"SPAN_KIND_INTERNAL\","
                + " status_code=\"STATUS_CODE_UNSET\"}", 1.0));
    assertThat(gauge("lookout_spanmetrics_series")).isEqualTo(4);
  }

  @Test
  void valuesAreCumulativeAcrossFlushesWithIncreasingTimestamps() {
    SpanMetrics m = new SpanMetrics(store, 100, registry, clock);
    m.record("acme", List.of(span("checkout", "GET /cart", 2, 1, MS)), 1);
    m.flush().join();
    clock.advance(15_000);
    m.record("acme", List.of(span("checkout", "GET /cart", 2, 1, 500 * MS), span("checkout", "GET /cart", 2, 1, MS)), 2);
    m.flush().join();
    clock.advance(15_000);
    m.flush().join(); // nothing new: the same cumulative values again, so the series stays fresh
    m.flush().join(); // same millisecond: stamped one millisecond later, never a duplicate timestamp

    assertThat(store.appends).hasSize(4);
    assertThat(store.appends).extracting(a -> calls(a.batch(), BASE)).containsExactly(1.0, 3.0, 3.0, 3.0);
    assertThat(store.appends).extracting(a -> bucket(a.batch(), BASE, "0.002")).containsExactly(1.0, 2.0, 2.0, 2.0);
    assertThat(store.appends).extracting(a -> bucket(a.batch(), BASE, "0.8")).containsExactly(1.0, 3.0, 3.0, 3.0);
    assertThat(store.appends).extracting(a -> a.batch().series().get(0).samples().get(0).timestampMillis())
        .containsExactly(clock.millis() - 30_000, clock.millis() - 15_000, clock.millis(), clock.millis() + 1);
    assertThat(Batches.value(store.appends.get(3).batch(),
        "{__name__=\"traces_spanmetrics_duration_seconds_sum\", " + BASE + "}")).isCloseTo(0.502, within(1e-12));
  }

  @Test
  void combinationsBeyondTheLimitAreDroppedAndCountedPerTenant() {
    SpanMetrics m = new SpanMetrics(store, 2, registry, clock);
    m.record("acme", List.of(span("a", "x", 2, 0, MS), span("b", "x", 2, 0, MS), span("c", "x", 2, 0, MS),
        span("c", "y", 2, 0, MS), span("a", "x", 2, 0, MS)), 5);
    m.record("other", List.of(span("c", "x", 2, 0, MS)), 1); // a tenant's limit is its own
    m.flush().join();

    assertThat(services(store.of("acme").get(0).batch())).containsExactly("a", "b");
    assertThat(calls(store.of("acme").get(0).batch(), "job=\"lookout-spanmetrics\", service=\"a\","
        + " span_kind=\"SPAN_KIND_SERVER\", span_name=\"x\", status_code=\"STATUS_CODE_UNSET\"")).isEqualTo(2.0);
    assertThat(services(store.of("other").get(0).batch())).containsExactly("c");
    assertThat(counter("lookout_spanmetrics_dropped_spans")).isEqualTo(2);
    assertThat(gauge("lookout_spanmetrics_series")).isEqualTo(3);
  }

  @Test
  void tenantsAreKeptApartOneBatchEach() {
    SpanMetrics m = new SpanMetrics(store, 100, registry, clock);
    m.record("acme", List.of(span("checkout", "GET /cart", 2, 1, MS)), 1);
    m.record("globex", List.of(span("billing", "invoice", 2, 1, MS), span("billing", "invoice", 2, 1, MS)), 2);
    m.flush().join();

    assertThat(store.appends).hasSize(2);
    assertThat(services(store.of("acme").get(0).batch())).containsExactly("checkout");
    assertThat(calls(store.of("acme").get(0).batch(), BASE)).isEqualTo(1.0);
    assertThat(services(store.of("globex").get(0).batch())).containsExactly("billing");
  }

  @Test
  void onlySpansStorageAcceptedCountTheNewestWhenSomeWereRejected() {
    SpanMetrics m = new SpanMetrics(store, 100, registry, clock);
    Span old = new Span("t", "s1", "", "", "GET /cart", 2, 1_000, 1_000 + MS, 1, "", "checkout", null, null, "",
        null, null);
    Span recent = new Span("t", "s2", "", "", "GET /cart", 2, 9_000_000_000L, 9_000_000_000L + 3 * MS, 1, "",
        "checkout", null, null, "", null, null);
    m.record("acme", List.of(old, recent), 1); // storage rejected one: by age, so the old one
    m.record("acme", List.of(old), 0);
    m.flush().join();

    SeriesBatch batch = store.appends.get(0).batch();
    assertThat(calls(batch, BASE)).isEqualTo(1.0);
    assertThat(bucket(batch, BASE, "0.002")).isZero();
    assertThat(bucket(batch, BASE, "0.004")).isEqualTo(1.0);
  }

  @Test
  void aFailedWriteIsCountedAndTheNextFlushCarriesTheCounts() {
    SpanMetrics m = new SpanMetrics(store, 100, registry, clock);
    m.record("acme", List.of(span("checkout", "GET /cart", 2, 1, MS)), 1);
    store.overloaded = true;
    m.flush().join(); // completes normally
    assertThat(counter("lookout_spanmetrics_flush_failures")).isEqualTo(1);
    store.overloaded = false;
    m.record("acme", List.of(span("checkout", "GET /cart", 2, 1, MS)), 1);
    m.flush().join();

    assertThat(store.appends).singleElement().satisfies(a -> assertThat(calls(a.batch(), BASE)).isEqualTo(2.0));
  }

  @Test
  void closeWritesALastTimeAndIgnoresLaterSpans() {
    SpanMetrics m = new SpanMetrics(store, 100, registry, clock);
    m.record("acme", List.of(span("checkout", "GET /cart", 2, 1, MS)), 1);
    m.close();
    m.record("acme", List.of(span("checkout", "GET /cart", 2, 1, MS)), 1);
    m.close();

    assertThat(store.appends).singleElement().satisfies(a -> assertThat(calls(a.batch(), BASE)).isEqualTo(1.0));
  }

  @Test
  void disabledRecordsNothingWritesNothingAndRegistersNothing() {
    SpanMetrics m = SpanMetrics.start(store, new IngestConfig(1 << 20, Duration.ZERO, 10), registry);
    assertThat(m.enabled()).isFalse();
    m.record("acme", List.of(span("checkout", "GET /cart", 2, 1, MS)), 1);
    m.flush().join();
    m.close();

    assertThat(store.appends).isEmpty();
    assertThat(registry.scrape().stream().map(s -> s.getMetadata().getName())).isEmpty();
  }

  @Test
  void theTimerFlushesOnItsOwnAndCloseWritesTheLastValues() throws Exception {
    SpanMetrics m = SpanMetrics.start(store, new IngestConfig(1 << 20, Duration.ofSeconds(1), 10), registry);
    m.record("acme", List.of(span("checkout", "GET /cart", 2, 1, MS)), 1);
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (store.appends.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(10); // polling a condition with a deadline
    }
    assertThat(store.appends).as("written by the timer").isNotEmpty();
    m.record("acme", List.of(span("checkout", "GET /cart", 2, 1, MS)), 1);
    m.close();

    assertThat(calls(store.appends.getLast().batch(), BASE)).isEqualTo(2.0);
  }

  // ---- helpers -------------------------------------------------------------------------------

  private static Span span(String service, String name, int kind, int status, long durationNanos) {
    long start = 1_767_000_000_000_000_000L;
    return new Span("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331", "", "", name, kind, start,
        start + durationNanos, status, "", service, null, null, "", null, null);
  }

  private static double calls(SeriesBatch batch, String labels) {
    return Batches.value(batch, "{__name__=\"traces_spanmetrics_calls_total\", " + labels + "}");
  }

  /** The {@code _bucket} sample with the given {@code le} and, apart from name and le, exactly these labels. */
  private static double bucket(SeriesBatch batch, String labels, String le) {
    for (SeriesBatch.Series s : batch.series()) {
      if (s.labels().metricName().equals(SpanMetrics.DURATION + "_bucket") && le.equals(s.labels().get("le"))
          && s.labels().toBuilder().remove("__name__").remove("le").build().toString().equals("{" + labels + "}")) {
        return s.samples().getLast().value();
      }
    }
    throw new AssertionError("no bucket le=" + le + " for {" + labels + "}");
  }

  private static List<String> services(SeriesBatch batch) {
    List<String> out = new ArrayList<>();
    for (SeriesBatch.Series s : batch.series()) {
      if (s.labels().metricName().equals(SpanMetrics.CALLS)) {
        out.add(s.labels().get("service"));
      }
    }
    return out.stream().sorted().toList();
  }

  private double counter(String name) {
    for (MetricSnapshot s : registry.scrape()) {
      if (s.getMetadata().getName().equals(name) && s instanceof CounterSnapshot c) {
        return c.getDataPoints().get(0).getValue();
      }
    }
    return 0;
  }

  private double gauge(String name) {
    for (MetricSnapshot s : registry.scrape()) {
      if (s.getMetadata().getName().equals(name) && s instanceof GaugeSnapshot g) {
        return g.getDataPoints().get(0).getValue();
      }
    }
    return 0;
  }

  /** A clock the test moves by hand. */
  private static final class MutableClock extends Clock {
    private volatile long millis;

    MutableClock(long millis) {
      this.millis = millis;
    }

    void advance(long ms) {
      millis += ms;
    }

    @Override
    public long millis() {
      return millis;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }
}
