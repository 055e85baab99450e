package io.lookout.query.promql.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lookout.model.ErrorCode;
import io.lookout.model.LookoutException;
import io.lookout.model.metrics.Labels;
import io.lookout.model.metrics.NativeHistogram;
import io.lookout.model.metrics.NativeHistogram.BucketSpan;
import io.lookout.model.metrics.NativeHistogram.ResetHint;
import io.lookout.query.promql.PromqlParser;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Native histograms in the evaluator, against hand-computed results. */
class EngineNativeHistogramTest {
  private static final long S = 1000;
  private static final EngineFixture F = fixture();

  /** A histogram with positive buckets from {@code posOffset} and negative buckets from {@code negOffset}. */
  static NativeHistogram h(long t, int schema, double zt, double zc, double count, double sum, int posOffset,
      double[] pos, int negOffset, double[] neg) {
    return new NativeHistogram(t, schema, zt, zc, count, sum,
        pos.length == 0 ? List.of() : List.of(new BucketSpan(posOffset, pos.length)), pos,
        neg.length == 0 ? List.of() : List.of(new BucketSpan(negOffset, neg.length)), neg, ResetHint.UNKNOWN);
  }

  private static double[] d(double... v) {
    return v;
  }

  private static EngineFixture fixture() {
    EngineFixture f = new EngineFixture();
    InMemoryMetricStore s = f.store;
    // schema 0: [-2,-1):2, zero [-0.001,0.001]:2, (1,2]:4, (2,4]:2
    s.addHistogram(Labels.of("__name__", "h0", "job", "a"), h(60 * S, 0, 0.001, 2, 10, 12, 1, d(4, 2), 1, d(2)));
    // schema 2: (2^-0.25,1]:1, (1,2^0.25]:2, (2^0.25,2^0.5]:3, (2^0.5,2^0.75]:4
    s.addHistogram(Labels.of("__name__", "h2"), h(60 * S, 2, 0, 0, 10, 12, 0, d(1, 2, 3, 4), 0, d()));
    // schema -1, negative only: [-4,-1):3, zero [-0.5,0.5]:1
    s.addHistogram(Labels.of("__name__", "hn"), h(60 * S, -1, 0.5, 1, 4, -6, 0, d(), 1, d(3)));
    // a counter of schema 0 every 15 s with a reset at 45 s
    Labels hc = Labels.of("__name__", "hc", "job", "a");
    s.addHistogram(hc, h(0, 0, 0, 0, 1, 1.5, 1, d(1), 0, d()));
    s.addHistogram(hc, h(15 * S, 0, 0, 0, 3, 5, 1, d(2, 1), 0, d()));
    s.addHistogram(hc, h(30 * S, 0, 0, 0, 6, 10, 1, d(4, 2), 0, d()));
    s.addHistogram(hc, h(45 * S, 0, 0, 0, 1, 1.5, 1, d(1), 0, d()));
    s.addHistogram(hc, h(60 * S, 0, 0, 0, 3, 5, 1, d(2, 1), 0, d()));
    // a counter starting late in the window: 1, 4, 7 at 30..60 s
    Labels hz = Labels.of("__name__", "hz");
    s.addHistogram(hz, h(30 * S, 0, 0, 0, 1, 1, 1, d(1), 0, d()));
    s.addHistogram(hz, h(45 * S, 0, 0, 0, 4, 4, 1, d(4), 0, d()));
    s.addHistogram(hz, h(60 * S, 0, 0, 0, 7, 7, 1, d(7), 0, d()));
    // a counter reset right after the first sample of the window: 6, 2, 4, 5 at 15..60 s
    Labels hr = Labels.of("__name__", "hr");
    s.addHistogram(hr, h(15 * S, 0, 0, 0, 6, 6, 1, d(6), 0, d()));
    s.addHistogram(hr, h(30 * S, 0, 0, 0, 2, 2, 1, d(2), 0, d()));
    s.addHistogram(hr, h(45 * S, 0, 0, 0, 4, 4, 1, d(4), 0, d()));
    s.addHistogram(hr, h(60 * S, 0, 0, 0, 5, 5, 1, d(5), 0, d()));
    // for sum/avg: schema 1 (2^0.5,2]:1 (2,2^1.5]:1 (2^1.5,4]:2 and schema 0 zero:1 (2,4]:3
    s.addHistogram(Labels.of("__name__", "hs", "i", "1"), h(60 * S, 1, 0.001, 0, 4, 10, 1, d(1, 1, 2), 0, d()));
    s.addHistogram(Labels.of("__name__", "hs", "i", "2"), h(60 * S, 0, 0.001, 1, 4, 8, 2, d(3), 0, d()));
    return f;
  }

  static Stream<Arguments> cases() {
    String a = "{job=\"a\"}";
    return Stream.of(
        Arguments.of("histogram_count(h0)", 60, a + " 10"),
        Arguments.of("histogram_sum(h0)", 60, a + " 12"),
        Arguments.of("histogram_avg(h0)", 60, a + " 1.2"),
        // from the top: (2,4]:2 then (1,2] reaches rank 5 with 1 of its 4 below: 2^0.25
        Arguments.of("histogram_quantile(0.5, h0)", 60, a + " 1.189207115002721"),
        // rank 2.5 falls in the zero bucket, a quarter in: linear from -0.001 to 0.001
        Arguments.of("histogram_quantile(0.25, h0)", 60, a + " -0.0005"),
        // rank 1 is half way into [-2,-1): mirrored exponential interpolation
        Arguments.of("histogram_quantile(0.1, h0)", 60, a + " -1.4142135623730951"),
        Arguments.of("histogram_quantile(0.9, h0)", 60, a + " 2.8284271247461903"),
        Arguments.of("histogram_quantile(1, h0)", 60, a + " 4"),
        Arguments.of("histogram_quantile(0, h0)", 60, a + " -2"),
        Arguments.of("histogram_quantile(2, h0)", 60, a + " +Inf"),
        // zero bucket half (3), then (1,2]:4 whole: (8 - 3) / 10
        Arguments.of("histogram_fraction(0, 2, h0)", 60, a + " 0.5"),
        // log2(1.5) of (1,2] and log2(3)-1 of (2,4]
        Arguments.of("histogram_fraction(1.5, 3, h0)", 60, a + " 0.2830074998557688"),
        // geometric bucket means -sqrt2, 0, sqrt2, sqrt8 around the mean 1.2
        Arguments.of("histogram_stdvar(h0)", 60, a + " 2.203532470182743"),
        Arguments.of("histogram_stddev(h0)", 60, a + " 1.4844300152525693"),
        // schema 2: rank 5 from the top is 2 of 3 into (2^0.25, 2^0.5]
        Arguments.of("histogram_quantile(0.5, h2)", 60, "{} 1.3348398541700344"),
        // negative only: the zero bucket ends at 0
        Arguments.of("histogram_quantile(0.9, hn)", 60, "{} -0.2"),
        Arguments.of("histogram_quantile(0.5, hn)", 60, "{} -1.5874010519681994"),
        Arguments.of("histogram_fraction(-2, 0, hn)", 60, "{} 0.625"),
        Arguments.of("histogram_count(hn)", 60, "{} 4"),
        // (15s, 60s]: 0 after the reset at 45s plus 6 before it, extrapolated by 15s: * 60/45
        Arguments.of("histogram_count(increase(hc[1m]))", 60, a + " 8"),
        Arguments.of("histogram_sum(increase(hc[1m]))", 60, a + " 13.333333333333334"),
        Arguments.of("histogram_count(rate(hc[1m]))", 60, a + " 0.13333333333333333"),
        Arguments.of("histogram_quantile(0.5, rate(hc[1m]))", 60, a + " 1.681792830507429"),
        Arguments.of("histogram_quantile(0.5, sum(rate(hc[1m])))", 60, "{} 1.681792830507429"),
        // the first sample is 30s after the window start: extrapolate to the zero point 5s before it
        Arguments.of("histogram_count(increase(hz[1m]))", 60, "{} 7"),
        // reset after the first sample: 5 counted from zero over 45s, extrapolated to 60s
        Arguments.of("histogram_count(increase(hr[1m]))", 60, "{} 6.666666666666667"),
        // delta ignores the reset: last - first = 0 observations
        Arguments.of("histogram_count(delta(hc[1m]))", 60, a + " 0"),
        // schema 1 reduced to 0: (1,2]:2 (2,4]:2, plus zero:1 (2,4]:3
        Arguments.of("histogram_count(sum(hs))", 60, "{} 8"),
        Arguments.of("histogram_sum(sum(hs))", 60, "{} 18"),
        Arguments.of("histogram_quantile(0.5, sum(hs))", 60, "{} 2.2973967099940698"),
        Arguments.of("histogram_sum(avg(hs))", 60, "{} 9"),
        Arguments.of("histogram_count(avg(hs))", 60, "{} 4"),
        Arguments.of("count(hs)", 60, "{} 2"),
        Arguments.of("histogram_count(label_replace(h0, \"x\", \"$1\", \"job\", \"(.*)\"))", 60,
            "{job=\"a\", x=\"a\"} 10"),
        Arguments.of("histogram_count(label_join(hc, \"x\", \"-\", \"job\", \"job\"))", 60,
            "{job=\"a\", x=\"a-a\"} 3"),
        Arguments.of("histogram_count(h_bucket)", 300, ""),
        // classic buckets still work next to native histograms
        Arguments.of("histogram_quantile(0.5, h_bucket)", 300, "{job=\"api\"} 0.4"));
  }

  @ParameterizedTest(name = "{0} at {1}s")
  @MethodSource("cases")
  void functionGivesHandComputedResult(String query, long seconds, String expected) {
    F.check(query, seconds, expected);
  }

  @Test
  void selectorReturnsTheHistogram() {
    Vector v = (Vector) F.instant("h0", 90);
    assertThat(v.elements()).hasSize(1);
    FloatHistogram h = v.elements().getFirst().histogram();
    assertThat(h.count()).isEqualTo(10);
    assertThat(h.buckets(false)).containsExactly(
        new FloatHistogram.Bucket(1, -2, -1, 2),
        new FloatHistogram.Bucket(3, -0.001, 0.001, 2),
        new FloatHistogram.Bucket(0, 1, 2, 4),
        new FloatHistogram.Bucket(0, 2, 4, 2));
  }

  @Test
  void rateKeepsBucketsAndDetectsTheReset() {
    Vector v = (Vector) F.instant("increase(hc[1m])", 60);
    FloatHistogram h = v.elements().getFirst().histogram();
    assertThat(v.elements().getFirst().labels()).isEqualTo(Labels.of("job", "a"));
    List<FloatHistogram.Bucket> b = h.buckets(false);
    assertThat(b).hasSize(2);
    assertThat(b.get(0).count()).isCloseTo(16.0 / 3, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(b.get(1).count()).isCloseTo(8.0 / 3, org.assertj.core.data.Offset.offset(1e-12));
  }

  @Test
  void rangeQueryReturnsHistogramPoints() {
    Matrix m = (Matrix) F.range("hc", 30, 60, 15);
    assertThat(m.series()).hasSize(1);
    Matrix.Series s = m.series().getFirst();
    assertThat(s.size()).isZero();
    assertThat(s.histogramTimestamps()).containsExactly(30 * S, 45 * S, 60 * S);
    assertThat(s.histograms()).extracting(FloatHistogram::count).containsExactly(6.0, 1.0, 3.0);
  }

  @Test
  void rangeVectorInstantQueryReturnsHistogramPoints() {
    Matrix m = (Matrix) F.instant("hc[30s]", 60);
    assertThat(m.series().getFirst().histogramTimestamps()).containsExactly(45 * S, 60 * S);
  }

  @Test
  void zeroThresholdsAreWidenedWhenAdding() {
    FloatHistogram a = FloatHistogram.of(h(0, 0, 0.001, 1, 4, 3, -1, d(1, 2), 0, d()));
    FloatHistogram b = FloatHistogram.of(h(0, 0, 0.75, 1, 1, 0.1, 0, d(), 0, d()));
    // 0.75 falls inside the populated (0.5,1]: the zero bucket grows to 1 and takes it
    FloatHistogram sum = a.add(b);
    assertThat(sum.zeroThreshold()).isEqualTo(1);
    assertThat(sum.zeroCount()).isEqualTo(5);
    assertThat(sum.count()).isEqualTo(5);
    assertThat(sum.buckets(false)).containsExactly(new FloatHistogram.Bucket(3, -1, 1, 5));
  }

  @Test
  void counterResetsFollowPrometheusRules() {
    FloatHistogram prev = FloatHistogram.of(h(0, 1, 0, 0, 3, 3, 1, d(1, 2), 0, d()));
    FloatHistogram sameCountMovedBucket = FloatHistogram.of(h(0, 1, 0, 0, 3, 3, 1, d(2, 1), 0, d()));
    FloatHistogram coarser = FloatHistogram.of(h(0, 0, 0, 0, 4, 3, 1, d(4), 0, d()));
    FloatHistogram finer = FloatHistogram.of(h(0, 2, 0, 0, 4, 3, 1, d(1, 1, 1, 1), 0, d()));
    assertThat(sameCountMovedBucket.detectReset(prev)).isTrue();
    assertThat(coarser.detectReset(prev)).isFalse();
    assertThat(finer.detectReset(prev)).isTrue();
    assertThat(prev.withHint(ResetHint.NO).detectReset(coarser)).isFalse();
  }

  @ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"abs(h0)", "h0 + 1", "max(h0)", "sum(h0) + sum(h0)",
      "last_over_time(h0[5m])", "topk(1, h0)", "-h0", "sum(h0) or vector(1)", "rate(h0[5m:1m])",
      "sum({__name__=~\"h0|g\"})"})
  void unsupportedHistogramOperationsAre422(String query) {
    assertThatThrownBy(() -> F.instant(query, 60))
        .isInstanceOf(LookoutException.class)
        .satisfies(e -> assertThat(((LookoutException) e).code()).isEqualTo(ErrorCode.EXECUTION))
        .hasMessageContaining("native histogram");
  }

  @Test
  void mixedFloatsAndHistogramsInOneRateWindowAre422() {
    EngineFixture f = new EngineFixture();
    Labels l = Labels.of("__name__", "mixed");
    f.store.add(l, 0, 1, 15 * S, 2);
    f.store.addHistogram(l, h(30 * S, 0, 0, 0, 1, 1, 1, d(1), 0, d()));
    f.store.addHistogram(l, h(45 * S, 0, 0, 0, 2, 2, 1, d(2), 0, d()));
    assertThat(((Vector) f.instant("rate(mixed[20s])", 45)).elements()).hasSize(1);
    assertThatThrownBy(() -> f.engine.instant("default", PromqlParser.parse("rate(mixed[1m])"), 45 * S, 10_000))
        .isInstanceOf(LookoutException.class)
        .hasMessageContaining("both float and native histogram samples");
  }
}
