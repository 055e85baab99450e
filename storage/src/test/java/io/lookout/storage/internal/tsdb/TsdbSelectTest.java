package io.lookout.storage.internal.tsdb;

import static org.assertj.core.api.Assertions.assertThat;

import io.lookout.model.metrics.LabelMatcher;
import io.lookout.model.metrics.Labels;
import io.lookout.model.metrics.NativeHistogram;
import io.lookout.model.metrics.Sample;
import io.lookout.model.metrics.SelectLimits;
import io.lookout.model.metrics.SeriesBatch;
import io.lookout.model.metrics.SeriesSamples;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Select against a model of what was appended, in every state the data can be in: head only,
 * partitions only (after a reopen), both (committed while the head keeps chunks for the
 * out-of-order window, with the open chunk grown since), out-of-order samples in the head and in
 * partitions, staleness markers and other NaNs, histograms, and windows cutting chunks anywhere.
 */
class TsdbSelectTest {
  private static final String TENANT = "t";
  private static final long HOUR_NANOS = 3_600_000_000_000L;
  private static final long WINDOW_MS = 600_000;
  /** Not on a partition boundary, so that an hour of data spans two partitions. */
  private static final long T0 = 1_700_000_000_000L;
  private static final SelectLimits LIMITS = new SelectLimits(10_000, 10_000_000, 30_000);

  @TempDir Path dir;
  private Tsdb tsdb;
  private long seq;
  /** Per series: timestamp to value (a Double, compared bit for bit) or histogram. */
  private final Map<Labels, TreeMap<Long, Object>> model = new TreeMap<>();
  /** Per series: the newest in-order timestamp. */
  private final Map<Labels, Long> newest = new TreeMap<>();

  @AfterEach
  void close() {
    if (tsdb != null) {
      tsdb.close();
    }
  }

  private void open() throws Exception {
    if (tsdb != null) {
      tsdb.close();
    }
    tsdb = new Tsdb(dir, HOUR_NANOS, WINDOW_MS, "10m", new TsdbMetrics(new PrometheusRegistry()));
    tsdb.openExisting();
  }

  private static Labels series(int i) {
    return Labels.of("__name__", "m", "i", Integer.toString(i));
  }

  private void commit() throws Exception {
    tsdb.commit(++seq, 0);
  }

  /** Commits and reopens: the head keeps series but no samples; all data is in partitions. */
  private void commitAndReopen() throws Exception {
    commit();
    open();
  }

  private void appendFloats(Labels l, List<Sample> samples) {
    SeriesBatch b = new SeriesBatch(List.of(SeriesBatch.Series.ofSamples(l, samples)), List.of());
    assertThat(tsdb.apply(TENANT, ++seq, b, 0, false)).as("samples added").isEqualTo(samples.size());
    TreeMap<Long, Object> m = model.computeIfAbsent(l, k -> new TreeMap<>());
    for (Sample s : samples) {
      m.put(s.timestampMillis(), s.value());
      newest.merge(l, s.timestampMillis(), Math::max);
    }
  }

  private void appendHistograms(Labels l, List<NativeHistogram> hs) {
    SeriesBatch b = new SeriesBatch(List.of(new SeriesBatch.Series(l, List.of(), hs, List.of())), List.of());
    assertThat(tsdb.apply(TENANT, ++seq, b, 0, false)).as("histograms added").isEqualTo(hs.size());
    TreeMap<Long, Object> m = model.computeIfAbsent(l, k -> new TreeMap<>());
    for (NativeHistogram h : hs) {
      m.put(h.timestampMillis(), h);
      newest.merge(l, h.timestampMillis(), Math::max);
    }
  }

  /** {@code n} in-order samples of series {@code i} from {@code first}, {@code step} apart. */
  private void appendRun(int i, long first, int n, long step, SplittableRandom rnd) {
    List<Sample> s = new ArrayList<>(n);
    for (int k = 0; k < n; k++) {
      s.add(new Sample(first + k * step, value(rnd, i)));
    }
    appendFloats(series(i), s);
  }

  /** Decimal counters (packed chunks), arbitrary doubles (Gorilla chunks), now and then NaNs. */
  private static double value(SplittableRandom rnd, int i) {
    int kind = rnd.nextInt(40);
    if (kind == 0) {
      return Sample.STALE_NAN;
    }
    if (kind == 1) {
      return Double.NaN;
    }
    return i % 2 == 0 ? rnd.nextInt(1_000_000) / 100.0 : rnd.nextDouble() * 1e6;
  }

  private static NativeHistogram histogram(long t, double count) {
    return new NativeHistogram(t, 0, NativeHistogram.DEFAULT_ZERO_THRESHOLD, 0, count, count * 1.5,
        List.of(new NativeHistogram.BucketSpan(0, 2)), new double[] {count / 2, count / 2}, List.of(),
        new double[0], NativeHistogram.ResetHint.UNKNOWN);
  }

  /** Selects {@code [minT, maxT]} and compares every series with the model, bit for bit. */
  private void check(long minT, long maxT) {
    List<SeriesSamples> got = new TsdbReads(tsdb).select(TENANT, List.of(LabelMatcher.eq("__name__", "m")), minT,
        maxT, LIMITS);
    List<Labels> expectedSeries = new ArrayList<>();
    for (Map.Entry<Labels, TreeMap<Long, Object>> e : model.entrySet()) {
      if (!e.getValue().subMap(minT, true, maxT, true).isEmpty()) {
        expectedSeries.add(e.getKey());
      }
    }
    assertThat(got).extracting(SeriesSamples::labels).as("series in [%d, %d]", minT, maxT)
        .containsExactlyElementsOf(expectedSeries);
    for (SeriesSamples s : got) {
      List<long[]> floats = new ArrayList<>();
      List<NativeHistogram> hists = new ArrayList<>();
      model.get(s.labels()).subMap(minT, true, maxT, true).forEach((t, v) -> {
        if (v instanceof Double d) {
          floats.add(new long[] {t, Double.doubleToRawLongBits(d)});
        } else {
          hists.add((NativeHistogram) v);
        }
      });
      List<long[]> actual = new ArrayList<>();
      for (int k = 0; k < s.size(); k++) {
        actual.add(new long[] {s.timestamps()[k], Double.doubleToRawLongBits(s.values()[k])});
      }
      assertThat(actual).as("floats of %s in [%d, %d]", s.labels(), minT, maxT)
          .usingElementComparator(TsdbSelectTest::compareSamples).containsExactlyElementsOf(floats);
      assertThat(s.histograms()).as("histograms of %s", s.labels()).containsExactlyElementsOf(hists);
    }
  }

  private static int compareSamples(long[] a, long[] b) {
    return a[0] == b[0] && a[1] == b[1] ? 0 : 1;
  }

  /** The whole range, ranges cutting chunks at both ends, single timestamps and empty ranges. */
  private void checkWindows(SplittableRandom rnd) {
    long lo = Long.MAX_VALUE;
    long hi = Long.MIN_VALUE;
    for (TreeMap<Long, Object> m : model.values()) {
      lo = Math.min(lo, m.firstKey());
      hi = Math.max(hi, m.lastKey());
    }
    check(Long.MIN_VALUE, Long.MAX_VALUE);
    check(lo, hi);
    check(lo + 1, hi - 1);
    check(hi - 60_000, hi);
    check(hi + 1, hi + 10_000);
    for (int k = 0; k < 6; k++) {
      long a = lo + (long) (rnd.nextDouble() * (hi - lo));
      long b = a + rnd.nextLong(1, 900_000);
      check(a, b);
      check(a, a);
    }
  }

  @Test
  void headOnly() throws Exception {
    open();
    SplittableRandom rnd = new SplittableRandom(1);
    for (int i = 0; i < 4; i++) {
      appendRun(i, T0, 500, 1000, rnd);
    }
    checkWindows(rnd);
  }

  @Test
  void partitionsOnly() throws Exception {
    open();
    SplittableRandom rnd = new SplittableRandom(2);
    for (int i = 0; i < 4; i++) {
      appendRun(i, T0, 1500, 2000, rnd); // 50 minutes: two partitions
    }
    commitAndReopen();
    checkWindows(rnd);
  }

  @Test
  void headAndPartitionsHoldingTheSameChunks() throws Exception {
    open();
    SplittableRandom rnd = new SplittableRandom(3);
    for (int i = 0; i < 4; i++) {
      appendRun(i, T0, 650, 1000, rnd);
    }
    commit(); // every chunk now in a partition and still in the head, the open one as a snapshot
    checkWindows(rnd);
    for (int i = 0; i < 4; i++) {
      appendRun(i, T0 + 650_000, 50, 1000, rnd); // the open chunk grows past its snapshot, a chunk is cut
    }
    checkWindows(rnd);
    commit(); // the snapshot replaced; chunks older than the window leave the head at the next commit
    for (int i = 0; i < 4; i++) {
      appendRun(i, T0 + 700_000, 10, 1000, rnd);
    }
    commit();
    checkWindows(rnd);
  }

  @Test
  void outOfOrderSamplesInHeadAndPartitions() throws Exception {
    open();
    SplittableRandom rnd = new SplittableRandom(4);
    for (int i = 0; i < 3; i++) {
      appendRun(i, T0, 400, 2000, rnd); // even seconds
    }
    List<Sample> late = new ArrayList<>();
    for (int k = 300; k < 390; k += 3) {
      late.add(new Sample(T0 + k * 2000L + 1000, value(rnd, 0))); // odd seconds, within the window
    }
    appendFloats(series(0), late);
    checkWindows(rnd);
    commit(); // out-of-order samples become chunks of their own in the partition
    checkWindows(rnd);
    List<Sample> later = new ArrayList<>();
    for (int k = 301; k < 390; k += 3) {
      later.add(new Sample(T0 + k * 2000L + 1000, value(rnd, 0)));
    }
    appendFloats(series(0), later); // more, only in the head
    checkWindows(rnd);
    commitAndReopen();
    checkWindows(rnd);
  }

  @Test
  void stalenessMarkersAndNaNsKeepTheirBits() throws Exception {
    open();
    List<Sample> s = new ArrayList<>();
    for (int k = 0; k < 300; k++) {
      double v = k % 7 == 0 ? Sample.STALE_NAN : k % 11 == 0 ? Double.NaN : k % 13 == 0 ? -0.0 : k * 0.25;
      s.add(new Sample(T0 + k * 1000L, v));
    }
    appendFloats(series(0), s);
    appendFloats(series(1), List.of(new Sample(T0, 1), Sample.stale(T0 + 1000)));
    SplittableRandom rnd = new SplittableRandom(5);
    checkWindows(rnd);
    commit();
    checkWindows(rnd);
    commitAndReopen();
    checkWindows(rnd);
  }

  @Test
  void histogramsAndFloatsInOneSeries() throws Exception {
    open();
    SplittableRandom rnd = new SplittableRandom(6);
    appendRun(0, T0, 200, 1000, rnd);
    List<NativeHistogram> hs = new ArrayList<>();
    for (int k = 200; k < 450; k++) {
      hs.add(histogram(T0 + k * 1000L, k));
    }
    appendHistograms(series(0), hs);
    appendRun(0, T0 + 450_000, 100, 1000, rnd);
    appendHistograms(series(0), List.of(histogram(T0 + 420_500, 3))); // out of order
    checkWindows(rnd);
    commit();
    checkWindows(rnd);
    commitAndReopen();
    checkWindows(rnd);
  }

  @Test
  void resentSamplesOfSealedChunksAreRecognisedAsDuplicates() throws Exception {
    open();
    SplittableRandom rnd = new SplittableRandom(8);
    appendRun(0, T0, 300, 1000, rnd); // two sealed chunks and an open one
    double old = (Double) model.get(series(0)).get(T0 + 5000);
    SeriesBatch same = new SeriesBatch(List.of(SeriesBatch.Series.ofSamples(series(0),
        List.of(new Sample(T0 + 5000, old), new Sample(T0 + 250_000, (Double) model.get(series(0)).get(T0 + 250_000))))),
        List.of());
    assertThat(tsdb.apply(TENANT, ++seq, same, 0, false)).as("samples already stored").isZero();
    SeriesBatch different = new SeriesBatch(List.of(SeriesBatch.Series.ofSamples(series(0),
        List.of(new Sample(T0 + 5000, old + 1)))), List.of());
    assertThat(tsdb.apply(TENANT, ++seq, different, 0, false)).as("a different value for a stored timestamp")
        .isZero();
    checkWindows(rnd);
  }

  /** Appends, late samples, commits and reopens at random, checking after each step. */
  @Test
  void randomInterleavingMatchesTheModel() throws Exception {
    open();
    SplittableRandom rnd = new SplittableRandom(7);
    long[] next = new long[5];
    java.util.Arrays.fill(next, T0);
    for (int step = 0; step < 40; step++) {
      for (int i = 0; i < next.length; i++) {
        int n = 1 + rnd.nextInt(90);
        long gap = rnd.nextInt(10) == 0 ? 1000L * rnd.nextInt(1, 30) : 0;
        appendRun(i, next[i] + gap, n, 2000, rnd);
        next[i] += gap + n * 2000L;
        if (rnd.nextInt(4) == 0) {
          lateSample(i, rnd);
        }
      }
      int action = rnd.nextInt(6);
      if (action == 0) {
        commit();
      } else if (action == 1) {
        commitAndReopen();
      }
      check(Long.MIN_VALUE, Long.MAX_VALUE);
      long hi = next[0];
      long a = T0 + (long) (rnd.nextDouble() * (hi - T0));
      check(a, a + rnd.nextLong(1, 600_000));
    }
    checkWindows(rnd);
  }

  /** A sample on an odd second (in-order ones are on even seconds) within the out-of-order window. */
  private void lateSample(int i, SplittableRandom rnd) {
    Labels l = series(i);
    long max = newest.get(l);
    long t = max - 1000 - 2000L * rnd.nextInt(250);
    if (t < T0 || t % 2000 == T0 % 2000 || model.get(l).containsKey(t)) {
      return;
    }
    appendFloats(l, List.of(new Sample(t, value(rnd, i))));
  }
}
