package io.lookout.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lookout.model.ErrorCode;
import io.lookout.model.LookoutException;
import io.lookout.model.metrics.LabelMatcher;
import io.lookout.model.metrics.LabelMatcher.Type;
import io.lookout.model.metrics.Labels;
import io.lookout.model.metrics.MetricMetadata;
import io.lookout.model.metrics.NativeHistogram;
import io.lookout.model.metrics.Sample;
import io.lookout.model.metrics.SelectLimits;
import io.lookout.model.metrics.SeriesBatch;
import io.lookout.model.metrics.SeriesSamples;
import io.lookout.model.spi.AppendResult;
import io.lookout.model.spi.MetricStore;
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

/** The MetricStore contract (time-series methods) against {@link LuceneStorage}. */
class MetricStoreContractTest {
  static final SelectLimits LIMITS = new SelectLimits(10_000, 10_000_000, 30_000);
  static final long MIN = 60_000L;

  @TempDir Path dir;
  final AtomicLong clock = new AtomicLong(TestData.nowNanos());
  final long t0 = (clock.get() / 1_000_000L / 3_600_000L) * 3_600_000L - 2 * 3_600_000L;
  LuceneStorage storage;
  MetricStore store;

  @BeforeEach
  void open() {
    storage = LuceneStorage.open(config(), new PrometheusRegistry(), clock::get);
    store = storage.metrics();
  }

  StorageConfig config() {
    return new StorageConfig(dir, Duration.ofDays(2), Duration.ofHours(1), Duration.ofMillis(20), Duration.ofHours(1),
        2, 256L << 20, 64 << 10, Duration.ofMinutes(10));
  }

  @AfterEach
  void close() {
    storage.close();
  }

  void reopen() {
    storage.close();
    open();
  }

  AppendResult append(String tenant, Labels labels, long... tsAndValues) {
    List<Sample> s = new ArrayList<>();
    for (int i = 0; i < tsAndValues.length; i += 2) {
      s.add(new Sample(tsAndValues[i], tsAndValues[i + 1]));
    }
    AppendResult r = store.append(tenant, new SeriesBatch(List.of(SeriesBatch.Series.ofSamples(labels, s)),
        List.of())).join();
    awaitIndexed();
    return r;
  }

  void awaitIndexed() {
    TestData.await("indexed", () -> storage.engine().idle());
  }

  void commit() throws Exception {
    storage.engine().commit(true);
  }

  List<SeriesSamples> select(String tenant, long min, long max, LabelMatcher... ms) {
    return store.select(tenant, List.of(ms), min, max, LIMITS);
  }

  static LabelMatcher m(String name, Type type, String value) {
    return new LabelMatcher(name, type, value);
  }

  void threeSeries() {
    append("t", Labels.of("__name__", "up", "job", "api", "env", "prod"), t0, 1);
    append("t", Labels.of("__name__", "up", "job", "db"), t0, 2);
    append("t", Labels.of("__name__", "up", "job", "web", "env", "dev"), t0, 3);
  }

  List<String> jobs(List<SeriesSamples> r) {
    return r.stream().map(s -> s.labels().get("job")).sorted().toList();
  }

  @Test
  void matchersFollowPrometheusSemanticsInHeadAndIndex() throws Exception {
    threeSeries();
    for (int round = 0; round < 2; round++) {
      LabelMatcher up = m("__name__", Type.EQUAL, "up");
      // series come sorted by labels: env="dev" < env="prod" < job (no env)
      assertThat(select("t", t0, t0, up)).extracting(x -> x.labels().get("job")).containsExactly("web", "api", "db");
      assertThat(jobs(select("t", t0, t0, up))).containsExactly("api", "db", "web");
      assertThat(jobs(select("t", t0, t0, up, m("job", Type.EQUAL, "db")))).containsExactly("db");
      assertThat(jobs(select("t", t0, t0, up, m("job", Type.NOT_EQUAL, "db")))).containsExactly("api", "web");
      assertThat(jobs(select("t", t0, t0, up, m("env", Type.EQUAL, "")))).containsExactly("db");
      assertThat(jobs(select("t", t0, t0, up, m("env", Type.NOT_EQUAL, "")))).containsExactly("api", "web");
      assertThat(jobs(select("t", t0, t0, up, m("env", Type.NOT_EQUAL, "prod")))).containsExactly("db", "web");
      assertThat(jobs(select("t", t0, t0, up, m("job", Type.REGEX, "a.*|w.*")))).containsExactly("api", "web");
      assertThat(jobs(select("t", t0, t0, up, m("job", Type.REGEX, "p")))).isEmpty(); // anchored
      assertThat(jobs(select("t", t0, t0, up, m("env", Type.REGEX, ".*")))).containsExactly("api", "db", "web");
      assertThat(jobs(select("t", t0, t0, up, m("env", Type.REGEX, ".+")))).containsExactly("api", "web");
      assertThat(jobs(select("t", t0, t0, up, m("env", Type.REGEX, "prod|")))).containsExactly("api", "db");
      assertThat(jobs(select("t", t0, t0, up, m("job", Type.NOT_REGEX, "a.*")))).containsExactly("db", "web");
      assertThat(jobs(select("t", t0, t0, up, m("env", Type.NOT_REGEX, ".*")))).isEmpty();
      assertThat(jobs(select("t", t0, t0, up, m("env", Type.NOT_REGEX, "")))).containsExactly("api", "web");
      assertThat(jobs(select("t", t0, t0, m("job", Type.REGEX, "(?i)API")))).containsExactly("api");
      // RE2 syntax Lucene's RegExp lacks or reads differently
      assertThat(jobs(select("t", t0, t0, up, m("job", Type.REGEX, "(?:a|w)\\w+")))).containsExactly("api", "web");
      assertThat(jobs(select("t", t0, t0, up, m("job", Type.REGEX, "[[:alpha:]]{2}|x\\pL{3}")))).containsExactly("db");
      assertThat(jobs(select("t", t0, t0, up, m("env", Type.NOT_REGEX, "(?i)PROD|x<y>")))).containsExactly("db", "web");
      assertThat(jobs(select("t", t0, t0, up, m("job", Type.REGEX, "~?a.*?")))).containsExactly("api");
      // round 2: the same after a commit and a restart (series index in Lucene, head empty)
      commit();
      reopen();
    }
  }

  @Test
  void regexesAreMatchedInLinearTimeAndInvalidOnesRefused() {
    threeSeries();
    // exponential as a DFA; RE2 matches it in linear time, as Prometheus does
    assertThat(select("t", t0, t0, m("job", Type.REGEX, "(a|b|c|d|e|f|g|h)*.{0,40}x.{0,40}"))).isEmpty();
    assertThatThrownBy(() -> select("t", t0, t0, m("job", Type.REGEX, "(a{100}){11}")))
        .isInstanceOfSatisfying(LookoutException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.BAD_DATA);
          assertThat(e.getMessage()).contains("invalid repeat count");
        });
  }

  @Test
  void rangeBoundariesAreInclusiveAndSamplesOrdered() throws Exception {
    Labels l = Labels.of("__name__", "x");
    List<Sample> in = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      in.add(new Sample(t0 + i * 1000L, i));
    }
    store.append("t", new SeriesBatch(List.of(SeriesBatch.Series.ofSamples(l, in)), List.of())).join();
    awaitIndexed();
    for (int round = 0; round < 3; round++) {
      SeriesSamples s = select("t", t0 + 10_000, t0 + 20_000, m("__name__", Type.EQUAL, "x")).get(0);
      assertThat(s.timestamps()).hasSize(11).startsWith(t0 + 10_000).endsWith(t0 + 20_000);
      assertThat(s.values()[0]).isEqualTo(10.0);
      SeriesSamples all = select("t", 0, Long.MAX_VALUE, m("__name__", Type.EQUAL, "x")).get(0);
      assertThat(all.timestamps()).hasSize(500);
      for (int i = 0; i < 500; i++) {
        assertThat(all.timestamps()[i]).isEqualTo(t0 + i * 1000L);
        assertThat(all.values()[i]).isEqualTo(i);
      }
      if (round == 0) {
        commit();
      } else {
        reopen();
      }
    }
  }

  @Test
  void outOfOrderInsideTheWindowIsMergedOlderIsRejected() throws Exception {
    Labels l = Labels.of("__name__", "x");
    append("t", l, t0 + 20 * MIN, 20, t0 + 21 * MIN, 21);
    AppendResult in = append("t", l, t0 + 15 * MIN, 15);
    assertThat(in.rejected()).isZero();
    AppendResult old = append("t", l, t0 + 5 * MIN, 5);
    assertThat(old.rejected()).isEqualTo(1);
    assertThat(old.message()).contains("LOOKOUT_METRICS_OOO_WINDOW=10m");
    for (int round = 0; round < 2; round++) {
      SeriesSamples s = select("t", 0, Long.MAX_VALUE, m("__name__", Type.EQUAL, "x")).get(0);
      assertThat(s.timestamps()).containsExactly(t0 + 15 * MIN, t0 + 20 * MIN, t0 + 21 * MIN);
      assertThat(s.values()).containsExactly(15, 20, 21);
      commit();
    }
  }

  @Test
  void duplicatesKeepTheFirstValueAndCountDifferentOnes() {
    Labels l = Labels.of("__name__", "x");
    append("t", l, t0, 1, t0 + 1000, 2);
    assertThat(append("t", l, t0 + 1000, 2).rejected()).isZero();
    AppendResult r = append("t", l, t0 + 1000, 3);
    assertThat(r.rejected()).isEqualTo(1);
    assertThat(r.message()).contains("different value");
    append("t", l, t0, 9); // older duplicate: resolved in the head, first value kept
    SeriesSamples s = select("t", 0, Long.MAX_VALUE, m("__name__", Type.EQUAL, "x")).get(0);
    assertThat(s.values()).containsExactly(1, 2);
  }

  @Test
  void stalenessMarkersAreStoredAsValues() throws Exception {
    Labels l = Labels.of("__name__", "x");
    store.append("t", new SeriesBatch(List.of(SeriesBatch.Series.ofSamples(l,
        List.of(new Sample(t0, 1), Sample.stale(t0 + 1000), new Sample(t0 + 2000, Double.NaN)))), List.of())).join();
    awaitIndexed();
    commit();
    reopen();
    SeriesSamples s = select("t", 0, Long.MAX_VALUE, m("__name__", Type.EQUAL, "x")).get(0);
    assertThat(Sample.isStaleNaN(s.values()[1])).isTrue();
    assertThat(Double.isNaN(s.values()[2]) && !Sample.isStaleNaN(s.values()[2])).isTrue();
  }

  @Test
  void nativeHistogramsRoundTrip() throws Exception {
    Labels l = Labels.of("__name__", "h");
    List<NativeHistogram> hs = new ArrayList<>();
    for (int i = 0; i < 130; i++) {
      hs.add(new NativeHistogram(t0 + i * 1000L, 3, 1e-128, i, 10 + i, 12.5 * i,
          List.of(new NativeHistogram.BucketSpan(-2, 2), new NativeHistogram.BucketSpan(3, 1)),
          new double[] {1, i, 3}, List.of(new NativeHistogram.BucketSpan(0, 1)), new double[] {0.5},
          NativeHistogram.ResetHint.NO));
    }
    store.append("t", new SeriesBatch(List.of(new SeriesBatch.Series(l, List.of(), hs, List.of())),
        List.of())).join();
    awaitIndexed();
    for (int round = 0; round < 2; round++) {
      SeriesSamples s = select("t", 0, Long.MAX_VALUE, m("__name__", Type.EQUAL, "h")).get(0);
      assertThat(s.histograms()).isEqualTo(hs);
      commit();
      reopen();
    }
  }

  @Test
  void limitsFailWithExecutionNamingTheLimit() {
    threeSeries();
    assertThatThrownBy(() -> store.select("t", List.of(), 0, Long.MAX_VALUE,
        new SelectLimits(2, 100, 10_000, "raise SERIES_SETTING")))
        .isInstanceOfSatisfying(LookoutException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.EXECUTION);
          assertThat(e.getMessage()).contains("more than 2 series").endsWith("; raise SERIES_SETTING");
        });
    assertThatThrownBy(() -> store.select("t", List.of(), 0, Long.MAX_VALUE, new SelectLimits(10, 2, 10_000)))
        .isInstanceOfSatisfying(LookoutException.class, e -> assertThat(e.getMessage()).contains("more than 2 samples"));
  }

  @Test
  void tenantsAreIsolated() {
    append("a", Labels.of("__name__", "x", "who", "a"), t0, 1);
    append("b", Labels.of("__name__", "x", "who", "b"), t0, 2);
    assertThat(select("a", 0, Long.MAX_VALUE)).extracting(s -> s.labels().get("who")).containsExactly("a");
    assertThat(store.labelValues("b", "who", List.of(), 0, Long.MAX_VALUE, 0)).containsExactly("b");
  }

  @Test
  void seriesLabelsAndMetadata() throws Exception {
    threeSeries();
    store.append("t", new SeriesBatch(List.of(), List.of(
        new MetricMetadata("up", MetricMetadata.Type.GAUGE, "", "whether the target is up")))).join();
    awaitIndexed();
    for (int round = 0; round < 2; round++) {
      assertThat(store.series("t", List.of(List.of(m("job", Type.REGEX, "a.*|d.*"))), 0, Long.MAX_VALUE, 0))
          .extracting(x -> x.get("job")).containsExactly("api", "db");
      assertThat(store.labelNames("t", List.of(), 0, Long.MAX_VALUE, 0)).containsExactly("__name__", "env", "job");
      assertThat(store.labelNames("t", List.of(List.of(m("job", Type.EQUAL, "db"))), 0, Long.MAX_VALUE, 0))
          .containsExactly("__name__", "job");
      assertThat(store.labelValues("t", "job", List.of(), 0, Long.MAX_VALUE, 2)).containsExactly("api", "db");
      assertThat(store.metadata("t", null, 0).get("up").get(0).help()).isEqualTo("whether the target is up");
      commit();
      reopen();
    }
  }

  @Test
  void retentionRejectsOldSamplesAndDeletesWholePartitions() throws Exception {
    Labels l = Labels.of("__name__", "x");
    append("t", l, t0, 1);
    commit();
    AppendResult r = append("t", Labels.of("__name__", "y"), t0 - 3 * 24 * 3_600_000L, 1);
    assertThat(r.rejected()).isEqualTo(1);
    assertThat(r.message()).contains("LOOKOUT_RETENTION");
    clock.addAndGet(3L * 24 * 3600 * 1_000_000_000L);
    storage.engine().deleteExpired();
    assertThat(select("t", 0, Long.MAX_VALUE)).isEmpty();
    assertThat(store.series("t", List.of(), 0, Long.MAX_VALUE, 0)).isEmpty();
  }
}
