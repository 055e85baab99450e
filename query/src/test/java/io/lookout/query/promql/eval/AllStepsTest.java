package io.lookout.query.promql.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.lookout.model.LookoutException;
import io.lookout.model.metrics.Labels;
import io.lookout.query.promql.PromqlParser;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The all-steps range evaluation ({@link AllSteps}) against the step-by-step path on irregular
 * data: gaps, counter resets, staleness markers, NaN and infinities, series that collide once the
 * name is dropped. Results must be equal bit for bit, errors equal in message.
 */
class AllStepsTest {
  private static final long S = 1000;
  private static final InMemoryMetricStore STORE = data();
  private static final Engine FAST = new Engine(STORE, EngineOptions.defaults(), true);
  private static final Engine SLOW = new Engine(STORE, EngineOptions.defaults(), false);
  private static final EngineOptions PROM2 = new EngineOptions(EngineOptions.DEFAULT_LOOKBACK_DELTA_MILLIS,
      EngineOptions.DEFAULT_MAX_SAMPLES, EngineOptions.DEFAULT_MAX_SERIES, EngineOptions.DEFAULT_SUBQUERY_STEP_MILLIS,
      false);
  private static final Engine FAST2 = new Engine(STORE, PROM2, true);
  private static final Engine SLOW2 = new Engine(STORE, PROM2, false);

  private static InMemoryMetricStore data() {
    InMemoryMetricStore store = new InMemoryMetricStore();
    SplittableRandom rnd = new SplittableRandom(7);
    String[] modes = {"idle", "user", "system"};
    for (int host = 0; host < 4; host++) {
      for (String mode : modes) {
        for (int cpu = 0; cpu < 2; cpu++) {
          Labels l = Labels.of("__name__", "c", "instance", "h" + host, "mode", mode, "cpu", Integer.toString(cpu));
          double v = rnd.nextInt(1000);
          long t = rnd.nextLong(20) * S;
          while (t < 1800 * S) {
            int kind = rnd.nextInt(100);
            if (kind < 3) {
              v = rnd.nextDouble() * 10; // counter reset
            } else if (kind < 5) {
              t += rnd.nextLong(200, 600) * S; // gap
            } else if (kind == 5) {
              store.stale(l, t);
              t += rnd.nextLong(1, 30) * S;
              continue;
            } else {
              v += rnd.nextDouble() * 5;
            }
            store.add(l, t, v);
            t += rnd.nextLong(1, 20) * S;
          }
        }
      }
      Labels g = Labels.of("__name__", "g", "instance", "h" + host);
      for (long t = 0; t < 1800 * S; t += 10 * S) {
        int kind = rnd.nextInt(60);
        double v = switch (kind) {
          case 0 -> Double.NaN;
          case 1 -> Double.POSITIVE_INFINITY;
          case 2 -> Double.NEGATIVE_INFINITY;
          case 3 -> 1e308;
          default -> rnd.nextGaussian() * 1e6;
        };
        store.add(g, t, v);
      }
      for (String le : new String[] {"0.1", "1", "+Inf"}) {
        Labels b = Labels.of("__name__", "b_bucket", "instance", "h" + host, "le", le);
        double v = 0;
        for (long t = 0; t < 1800 * S; t += 15 * S) {
          v += rnd.nextInt(10) * (le.equals("0.1") ? 1 : le.equals("1") ? 2 : 3);
          store.add(b, t, v);
        }
      }
    }
    // two series that are equal once the name is dropped: rate() over both is an error where they overlap
    store.addSeries(Labels.of("__name__", "dup_a", "k", "v"), 0, 15 * S, 1, 2, 3, 4, 5, 6, 7, 8);
    store.addSeries(Labels.of("__name__", "dup_b", "k", "v"), 60 * S, 15 * S, 1, 2, 3, 4, 5, 6, 7, 8);
    // avg whose Kahan sum overflows: the step-by-step path's fallback mean decides
    store.addSeries(Labels.of("__name__", "big", "i", "1"), 0, 60 * S, 1.7e308, 1.7e308, 1.7e308, 1.7e308);
    store.addSeries(Labels.of("__name__", "big", "i", "2"), 0, 60 * S, 1.7e308, 1.7e308, 1.7e308, 1.7e308);
    return store;
  }

  static Stream<String> queries() {
    List<String> q = new ArrayList<>();
    String[] fns = {"rate", "increase", "delta", "irate", "idelta", "avg_over_time", "min_over_time", "max_over_time",
      "sum_over_time", "count_over_time", "last_over_time", "present_over_time", "changes", "resets",
      "stddev_over_time", "stdvar_over_time", "deriv"};
    String[] aggs = {"sum", "avg", "count", "min", "max", "group", "stddev", "stdvar"};
    for (String fn : fns) {
      for (String sel : new String[] {"c[1m]", "g[5m]"}) {
        q.add(fn + "(" + sel + ")");
      }
    }
    for (String agg : aggs) {
      for (String fn : new String[] {"rate", "delta", "max_over_time", "last_over_time"}) {
        q.add(agg + "(" + fn + "(c[2m]))");
        q.add(agg + " by (instance)(" + fn + "(c[1m]))");
        q.add(agg + " without (cpu)(" + fn + "(c[30s]))");
        q.add(agg + " by (instance)(" + fn + "(g[3m]))");
      }
    }
    q.addAll(List.of(
        "sum(rate(c[1m] offset 2m))",
        "sum by (mode)(rate(c{mode!=\"idle\"}[5m] offset -1m))",
        "sum(rate(c[1m] @ 600))",
        "sum(rate(c[1m] @ end()))",
        "rate(c[10m] @ start())",
        "sum(sum by (instance)(rate(c[1m])))",
        "sort_desc(sum by (instance)(rate(c[1m])))",
        "topk(2, sum by (instance)(rate(c[1m])))",
        "sum by (instance)(rate(c[1m])) / on(instance) group_left count by (instance)(c)",
        "histogram_quantile(0.9, sum by (le)(rate(b_bucket[5m])))",
        "histogram_quantile(0.5, sum by (le, instance)(rate(b_bucket[1m])))",
        "max_over_time(sum(rate(c[1m]))[5m:30s])",
        "rate(dup_a[1m]) or rate(dup_b[1m])",
        "rate({__name__=~\"dup_.\"}[1m])",
        "sum(rate({__name__=~\"dup_.\"}[1m]))",
        "avg(sum_over_time(big[2m]))",
        "avg by (i)(sum_over_time(big[2m]))",
        "sum(sum_over_time(big[2m]))",
        "-sum(rate(c[1m]))",
        "(sum(rate(c[1m])))",
        "quantile(0.5, rate(c[1m]))",
        "count_values(\"v\", count_over_time(c[1m]))",
        "absent_over_time(nothing[1m])",
        "scalar(sum(rate(c[1m])))",
        "count(c)",
        "sum by (instance)(g)",
        "max without (cpu)(c offset 1m)",
        "min by (mode)(c)",
        "avg(c @ 300)",
        "stddev by (mode)(c)",
        "group by (instance)(c)",
        "avg(big)",
        "sum(big)",
        "count({__name__=~\"dup_.\"})"));
    return q.stream();
  }

  @ParameterizedTest
  @MethodSource("queries")
  void allStepsEqualStepByStep(String query) {
    long[][] ranges = {{0, 1800 * S, 15 * S}, {7 * S, 1799 * S, 60 * S}, {300 * S, 300 * S, 1 * S},
      {100 * S, 900 * S, 7 * S}};
    for (long[] r : ranges) {
      assertSame(query, r, FAST, SLOW);
      assertSame(query, r, FAST2, SLOW2);
    }
  }

  private static void assertSame(String query, long[] r, Engine fast, Engine slow) {
    String want = run(slow, query, r);
    String got = run(fast, query, r);
    assertThat(got).as("%s over %d..%d step %d", query, r[0], r[1], r[2]).isEqualTo(want);
  }

  /** The result with every value as raw bits, or the error message. */
  /**
   * The value's bits, except the sign of a NaN: x86 gives 0/0 or inf-inf a negative NaN when it
   * computes it and a positive one when the JIT folds it as a constant, so the sign depends on
   * which code ran (it is never visible: both print as NaN); payloads such as the staleness
   * marker still count.
   */
  private static long bits(double v) {
    long raw = Double.doubleToRawLongBits(v);
    return Double.isNaN(v) ? raw & Long.MAX_VALUE : raw;
  }

  private static String run(Engine engine, String query, long[] r) {
    try {
      Value v = engine.range("default", PromqlParser.parse(query), r[0], r[1], r[2], 10_000).value();
      StringBuilder sb = new StringBuilder();
      for (Matrix.Series s : ((Matrix) v).series()) {
        sb.append(s.labels()).append(':');
        for (int i = 0; i < s.size(); i++) {
          sb.append(' ').append(s.timestamps()[i]).append('=')
              .append(Long.toHexString(bits(s.values()[i])));
        }
        sb.append(" h").append(s.histograms()).append('\n');
      }
      return sb.toString();
    } catch (LookoutException e) {
      return "error " + e.code() + ": " + e.getMessage();
    }
  }

  @Test
  void precomputesTheCommonShapesOnly() {
    Evaluator ev = evaluator("sum by (instance)(rate(c[1m])) / count(c) + rate(g[1m]) + max_over_time(c[1m:])");
    var pre = AllSteps.precompute(ev, PromqlParser.parse(
        "sum by (instance)(rate(c[1m])) / count(c) + rate(g[1m]) + max_over_time(c[1m:])"), 0, 600 * S, 15 * S);
    assertThat(pre).hasSize(3); // the sum, count(c) and rate(g[1m]); not the subquery
  }

  @Test
  void leavesNativeHistogramsToTheStepByStepPath() {
    InMemoryMetricStore store = new InMemoryMetricStore();
    store.addSeries(Labels.of("__name__", "x", "k", "a"), 0, 15 * S, 1, 2, 3, 4, 5);
    store.addHistogram(Labels.of("__name__", "x", "k", "b"), EngineNativeHistogramTest.h(30 * S, 0, 0, 0, 3, 4, 0,
        new double[] {3}, 0, new double[0]));
    Engine engine = new Engine(store, EngineOptions.defaults(), true);
    Evaluator ev = engine.prepare("default", PromqlParser.parse("sum(rate(x[1m]))"), 0, 60 * S, 10_000);
    assertThat(AllSteps.precompute(ev, PromqlParser.parse("sum(rate(x[1m]))"), 0, 60 * S, 15 * S)).isEmpty();
  }

  private static Evaluator evaluator(String query) {
    return FAST.prepare("default", PromqlParser.parse(query), 0, 600 * S, 10_000);
  }
}
