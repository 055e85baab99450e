package io.lookout.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.lookout.model.metrics.Exemplar;
import io.lookout.model.metrics.LabelMatcher;
import io.lookout.model.metrics.Labels;
import io.lookout.model.metrics.Sample;
import io.lookout.model.metrics.SeriesBatch;
import io.lookout.model.metrics.SeriesExemplars;
import io.lookout.model.spi.MetricStore;
import io.lookout.storage.internal.tsdb.TsdbInspect;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exemplars through the log, the head and the partition indexes of {@link LuceneStorage}. */
class ExemplarStoreTest {
  static final List<List<LabelMatcher>> ALL_M = List.of(List.of(LabelMatcher.eq("__name__", "m")));

  @TempDir Path dir;
  final AtomicLong clock = new AtomicLong(TestData.nowNanos());
  final long t0 = (clock.get() / 1_000_000L / 3_600_000L) * 3_600_000L - 2 * 3_600_000L;
  LuceneStorage storage;
  MetricStore store;
  int next;

  @BeforeEach
  void open() {
    storage = LuceneStorage.open(new StorageConfig(dir, Duration.ofDays(2), Duration.ofHours(1), Duration.ofMillis(20),
        Duration.ofHours(1), 2, 256L << 20, 64 << 10, Duration.ofMinutes(10)), new PrometheusRegistry(), clock::get);
    store = storage.metrics();
  }

  @AfterEach
  void close() {
    if (storage != null) {
      storage.close();
    }
  }

  void reopen() {
    storage.close();
    open();
  }

  void crashAndReopen() {
    storage.engine().crash();
    open();
  }

  static Exemplar ex(long t, double v, String trace) {
    return new Exemplar(Labels.of("trace_id", trace, "span_id", "00f067aa0ba902b7"), v, t);
  }

  /** Appends {@code n} rounds: per series {@code i} one sample and one exemplar, 1 min apart (across partitions). */
  void append(String tenant, int series, int n) {
    for (int r = 0; r < n; r++) {
      long t = t0 + next * 60_000L;
      List<SeriesBatch.Series> ss = new ArrayList<>();
      for (int i = 0; i < series; i++) {
        ss.add(new SeriesBatch.Series(Labels.of("__name__", "m", "i", Integer.toString(i)),
            List.of(new Sample(t, next)), List.of(), List.of(ex(t, next + i, trace(i, next)))));
      }
      store.append(tenant, new SeriesBatch(ss, List.of())).join();
      next++;
    }
    TestData.await("indexed", () -> storage.engine().idle());
  }

  static String trace(int series, int n) {
    return String.format("%016x%016x", series, n);
  }

  /** Every series holds exactly the exemplars 0..next-1, once each, in order. */
  void expectExact(String tenant, int series) {
    List<SeriesExemplars> got = store.exemplars(tenant, ALL_M, 0, Long.MAX_VALUE, 0);
    assertThat(got).hasSize(series);
    for (SeriesExemplars se : got) {
      int i = Integer.parseInt(se.seriesLabels().get("i"));
      assertThat(se.exemplars()).extracting(Exemplar::traceId)
          .containsExactlyElementsOf(java.util.stream.IntStream.range(0, next).mapToObj(n -> trace(i, n)).toList());
      for (Exemplar e : se.exemplars()) {
        assertThat(e.spanId()).isEqualTo("00f067aa0ba902b7");
      }
    }
  }

  @Test
  void roundTripThroughHeadIndexAndRestart() throws Exception {
    append("t", 3, 4);
    expectExact("t", 3);
    storage.engine().commit(true);
    expectExact("t", 3); // in the head and in the index: once
    assertThat(TsdbInspect.indexedExemplars(storage.engine().tsdb(), "t")).isEqualTo(12);
    append("t", 3, 2);
    storage.engine().commit(true);
    reopen();
    expectExact("t", 3);

    List<SeriesExemplars> one = store.exemplars("t", List.of(List.of(LabelMatcher.eq("i", "1"))),
        t0 + 60_000L, t0 + 2 * 60_000L, 0);
    assertThat(one).singleElement().satisfies(se -> {
      assertThat(se.seriesLabels()).isEqualTo(Labels.of("__name__", "m", "i", "1"));
      assertThat(se.exemplars()).containsExactly(ex(t0 + 60_000L, 2, trace(1, 1)), ex(t0 + 120_000L, 3, trace(1, 2)));
    });
    assertThat(store.exemplars("t", ALL_M, 0, Long.MAX_VALUE, 2)).hasSize(2);
    assertThat(store.exemplars("t", List.of(List.of(LabelMatcher.eq("__name__", "other"))), 0, Long.MAX_VALUE, 0))
        .isEmpty();
  }

  @Test
  void crashAfterCommitsReplaysEachExemplarOnce() throws Exception {
    append("t", 5, 3);
    storage.engine().commit(true);
    append("t", 5, 70); // past a partition boundary
    storage.engine().commit(false); // log segments kept: replay must skip what is in the index
    append("t", 5, 4);
    crashAndReopen();
    expectExact("t", 5);
    append("t", 5, 2);
    crashAndReopen();
    expectExact("t", 5);
    reopen();
    expectExact("t", 5);
    storage.engine().commit(true);
    // each exemplar written to an index exactly once (queries would hide duplicates)
    assertThat(TsdbInspect.indexedExemplars(storage.engine().tsdb(), "t")).isEqualTo(5L * next);
  }

  @Test
  void exemplarsWithoutTimestampTakeTheSampleTimeAndDuplicatesAreKeptOnce() {
    Labels l = Labels.of("__name__", "m", "i", "0");
    Exemplar noTime = new Exemplar(Labels.of("trace_id", "aa"), 6, 0);
    for (int k = 0; k < 2; k++) {
      store.append("t", new SeriesBatch(List.of(new SeriesBatch.Series(l, List.of(new Sample(t0, 1)), List.of(),
          List.of(noTime))), List.of())).join();
    }
    TestData.await("indexed", () -> storage.engine().idle());
    assertThat(store.exemplars("t", ALL_M, 0, Long.MAX_VALUE, 0)).singleElement()
        .satisfies(se -> assertThat(se.exemplars()).containsExactly(new Exemplar(Labels.of("trace_id", "aa"), 6, t0)));
  }

  @Test
  void theHeadKeepsTheNewestHundredPerSeriesBetweenCommits() {
    Labels l = Labels.of("__name__", "m", "i", "0");
    List<Exemplar> es = new ArrayList<>();
    for (int k = 0; k < 150; k++) {
      es.add(ex(t0 + k, k, trace(0, k)));
    }
    store.append("t", new SeriesBatch(List.of(new SeriesBatch.Series(l, List.of(new Sample(t0, 1)), List.of(), es)),
        List.of())).join();
    TestData.await("indexed", () -> storage.engine().idle());
    assertThat(store.exemplars("t", ALL_M, 0, Long.MAX_VALUE, 0)).singleElement()
        .satisfies(se -> assertThat(se.exemplars()).containsExactlyElementsOf(es.subList(50, 150)));
  }

  @Test
  void tenantsAreIsolated() throws Exception {
    append("a", 1, 2);
    storage.engine().commit(true);
    assertThat(store.exemplars("b", ALL_M, 0, Long.MAX_VALUE, 0)).isEmpty();
    assertThat(store.exemplars("b", List.of(), 0, Long.MAX_VALUE, 0)).isEmpty();
    assertThat(store.exemplars("a", List.of(), 0, Long.MAX_VALUE, 0)).hasSize(1);
  }

  @Test
  void retentionDeletesExemplarsWithTheirPartitions() throws Exception {
    append("t", 2, 3);
    storage.engine().commit(true);
    append("t", 2, 1); // in the head only
    clock.addAndGet(3L * 24 * 3600 * 1_000_000_000L);
    storage.engine().deleteExpired();
    assertThat(store.exemplars("t", ALL_M, 0, Long.MAX_VALUE, 0)).isEmpty();
    storage.engine().commit(true);
    reopen();
    assertThat(store.exemplars("t", ALL_M, 0, Long.MAX_VALUE, 0)).isEmpty();
  }
}
