package io.lookout.query.promql.eval;

import io.lookout.model.metrics.Labels;
import io.lookout.model.metrics.Sample;
import io.lookout.query.promql.Aggregate;
import io.lookout.query.promql.AggregateOp;
import io.lookout.query.promql.Binary;
import io.lookout.query.promql.Call;
import io.lookout.query.promql.Expr;
import io.lookout.query.promql.MatrixSelector;
import io.lookout.query.promql.Paren;
import io.lookout.query.promql.Unary;
import io.lookout.query.promql.VectorSelector;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Range-query evaluation of the common shapes series by series for every step at once, instead of
 * step by step: a range function over a matrix selector ({@code rate(x[5m])}), optionally under
 * an aggregation ({@code sum by (instance)(rate(x[5m]))}), and an aggregation over an instant
 * selector ({@code count by (job)(up)}). For each series the window slides over
 * its sorted samples (no search per step, counter resets located once), and an aggregation folds
 * each series into per-group, per-step accumulators (the group of a series is found once). Values
 * come from the same functions as the step-by-step path, added in the same order, so results are
 * identical bit for bit; anything else (native histograms, other functions and operators,
 * subqueries, rare cases such as an infinite sum under avg) is left to the step-by-step path.
 */
final class AllSteps {
  /** Range functions evaluated here; all take a single matrix selector argument. */
  private static final Set<String> FUNCTIONS = Set.of("rate", "increase", "delta", "irate", "idelta",
      "avg_over_time", "min_over_time", "max_over_time", "sum_over_time", "count_over_time", "last_over_time",
      "present_over_time", "changes", "resets", "stddev_over_time", "stdvar_over_time", "deriv");
  private static final Set<String> COUNTER_FUNCTIONS = Set.of("rate", "increase");
  private static final Set<AggregateOp> AGGREGATIONS = Set.of(AggregateOp.SUM, AggregateOp.AVG, AggregateOp.COUNT,
      AggregateOp.MIN, AggregateOp.MAX, AggregateOp.GROUP, AggregateOp.STDDEV, AggregateOp.STDVAR);
  /** Most step values one precomputed expression may hold (8 bytes each); larger ones go step by step. */
  static final long MAX_CELLS = 4_000_000;

  private final Evaluator ev;
  private final long start;
  private final long step;
  private final int steps;
  private final Map<Expr, StepValues> results = new IdentityHashMap<>();

  private AllSteps(Evaluator ev, long start, long end, long step) {
    this.ev = ev;
    this.start = start;
    this.step = step;
    this.steps = (int) ((end - start) / step + 1);
  }

  /**
   * The values of every sub-expression of {@code root} this class handles, at every step of the
   * range query; the map is keyed by expression identity.
   */
  static Map<Expr, StepValues> precompute(Evaluator ev, Expr root, long start, long end, long step) {
    AllSteps a = new AllSteps(ev, start, end, step);
    a.walk(root);
    return a.results;
  }

  private void walk(Expr e) {
    switch (e) {
      case Call c when rangeCall(c) != null -> {
        StepValues v = call(c, rangeCall(c));
        if (v != null) {
          results.put(c, v);
        }
      }
      case Aggregate a when aggregation(a) != null -> {
        StepValues v = aggregate(a, aggregation(a));
        if (v != null) {
          results.put(a, v);
        } else {
          walk(a.expr());
        }
      }
      case Call c -> c.args().forEach(this::walk);
      case Aggregate a -> walk(a.expr());
      case Binary b -> {
        walk(b.lhs());
        walk(b.rhs());
      }
      case Unary u -> walk(u.expr());
      case Paren p -> walk(p.expr());
      default -> {
        // selectors, literals, and subqueries (evaluated at times other than the steps)
      }
    }
  }

  /** The matrix selector of a range function call handled here, or null. */
  private MatrixSelector rangeCall(Call c) {
    if (!FUNCTIONS.contains(c.function().name()) || c.args().size() != 1) {
      return null;
    }
    if (!(Evaluator.unwrap(c.args().getFirst()) instanceof MatrixSelector ms)) {
      return null;
    }
    return floatsOnly(ms.selector()) ? ms : null;
  }

  /** The argument of an aggregation handled here (a range function call or an instant selector), or null. */
  private Expr aggregation(Aggregate a) {
    if (!AGGREGATIONS.contains(a.op()) || a.param() != null) {
      return null;
    }
    return switch (Evaluator.unwrap(a.expr())) {
      case Call c when rangeCall(c) != null -> c;
      case VectorSelector vs when floatsOnly(vs) -> vs;
      default -> null;
    };
  }

  private boolean floatsOnly(VectorSelector vs) {
    for (SeriesData s : ev.loaded(vs)) {
      if (s.hasHistograms() || s.hs().length > 0) {
        return false;
      }
    }
    return true;
  }

  /** Receives the value of series {@code series} at step {@code k}. */
  private interface Sink {
    void accept(int series, int k, double v);
  }

  /**
   * Evaluates a range function for every series and step, in series order; false when two series
   * would have the same output labels (the step-by-step path reports that where it happens).
   */
  private boolean eachValue(Call c, MatrixSelector ms, Labels[] outLabels, Sink sink) {
    String name = c.function().name();
    List<SeriesData> data = ev.loaded(ms.selector());
    boolean keepName = name.equals("last_over_time");
    Set<Labels> seen = new HashSet<>();
    for (int i = 0; i < data.size(); i++) {
      outLabels[i] = keepName ? data.get(i).labels() : Evaluator.dropName(data.get(i).labels());
      if (!seen.add(outLabels[i])) {
        return false;
      }
    }
    boolean inclusive = !ev.options.leftOpenRanges();
    long range = ms.range().toMillis();
    long[] window = new long[2];
    for (int i = 0; i < data.size(); i++) {
      ev.checkDeadline();
      SeriesData s = data.get(i);
      long[] ts = s.fts();
      double[] vs = s.fvs();
      int n = ts.length;
      int[] resets = COUNTER_FUNCTIONS.contains(name) ? RangeFunctions.resetIndices(vs) : null;
      int a = 0;
      int b = 0;
      for (int k = 0; k < steps; k++) {
        long t = start + k * step;
        long te = ev.effectiveTime(ms.selector().at(), ms.selector().offset(), t);
        long from = te - range;
        while (a < n && (inclusive ? ts[a] < from : ts[a] <= from)) {
          a++;
        }
        if (b < a) {
          b = a;
        }
        while (b < n && ts[b] <= te) {
          b++;
        }
        if (b == a) {
          continue;
        }
        window[0] = from;
        window[1] = te;
        double v = RangeFunctions.value(name, new Points(s.labels(), ts, vs, a, b), window, 0, t, resets);
        if (Double.doubleToRawLongBits(v) != RangeFunctions.MISSING_BITS) {
          sink.accept(i, k, v);
        }
      }
    }
    return true;
  }

  /**
   * An instant selector for every series and step, in series order: the newest sample within the
   * lookback unless it is a staleness marker, as {@link Evaluator#select}.
   */
  private void eachSelected(VectorSelector sel, Sink sink) {
    List<SeriesData> data = ev.loaded(sel);
    boolean leftOpen = ev.options.leftOpenRanges();
    long lookback = ev.options.lookbackDeltaMillis();
    for (int i = 0; i < data.size(); i++) {
      ev.checkDeadline();
      SeriesData s = data.get(i);
      long[] ts = s.ts();
      double[] vs = s.vs();
      int n = ts.length;
      int p = 0;
      for (int k = 0; k < steps; k++) {
        long te = ev.effectiveTime(sel.at(), sel.offset(), start + k * step);
        while (p < n && ts[p] <= te) {
          p++;
        }
        if (p == 0 || Sample.isStaleNaN(vs[p - 1])) {
          continue;
        }
        long st = ts[p - 1];
        long oldest = te - lookback;
        if (leftOpen ? st > oldest : st >= oldest) {
          sink.accept(i, k, vs[p - 1]);
        }
      }
    }
  }

  /** A range function over a selector: one row per series. */
  private StepValues call(Call c, MatrixSelector ms) {
    List<SeriesData> data = ev.loaded(ms.selector());
    if ((long) data.size() * steps > MAX_CELLS) {
      return null;
    }
    Labels[] labels = new Labels[data.size()];
    double[][] values = new double[data.size()][];
    long[][] present = new long[data.size()][];
    boolean ok = eachValue(c, ms, labels, (series, k, v) -> {
      if (values[series] == null) {
        values[series] = new double[steps];
        present[series] = new long[(steps + 63) >>> 6];
      }
      values[series][k] = v;
      present[series][k >>> 6] |= 1L << k;
    });
    if (!ok) {
      return null;
    }
    return StepValues.ofRows(start, step, steps, labels, values, present, null);
  }

  /** An aggregation over a range function: per-group accumulators for every step, fed in series order. */
  private StepValues aggregate(Aggregate agg, Expr arg) {
    Call c = arg instanceof Call call ? call : null;
    MatrixSelector ms = c == null ? null : rangeCall(c);
    List<SeriesData> data = ev.loaded(c == null ? (VectorSelector) arg : ms.selector());
    Labels[] outLabels = new Labels[data.size()];
    int[] groupOf = new int[data.size()];
    List<Labels> groups = new ArrayList<>();
    Map<Labels, Integer> index = new HashMap<>();
    boolean keepName = c == null || c.function().name().equals("last_over_time");
    for (int i = 0; i < data.size(); i++) {
      Labels l = keepName ? data.get(i).labels() : Evaluator.dropName(data.get(i).labels());
      Labels g = Aggregations.groupLabels(l, agg);
      Integer gi = index.get(g);
      if (gi == null) {
        gi = groups.size();
        index.put(g, gi);
        groups.add(g);
      }
      groupOf[i] = gi;
    }
    long cells = (long) groups.size() * steps;
    if (cells > MAX_CELLS / 3) {
      return null;
    }
    Accumulators acc = new Accumulators(agg.op(), (int) cells);
    Sink sink = (series, k, v) -> acc.add(groupOf[series] * steps + k, series, v);
    if (c == null) {
      eachSelected((VectorSelector) arg, sink);
    } else if (!eachValue(c, ms, outLabels, sink)) {
      return null;
    }
    int g = groups.size();
    double[][] values = new double[g][steps];
    long[][] present = new long[g][(steps + 63) >>> 6];
    int[][] firstSeries = new int[g][steps];
    boolean[] general = new boolean[steps];
    for (int gi = 0; gi < g; gi++) {
      for (int k = 0; k < steps; k++) {
        int cell = gi * steps + k;
        if (acc.count[cell] == 0) {
          continue;
        }
        double v = acc.value(cell);
        if (Double.doubleToRawLongBits(v) == RangeFunctions.MISSING_BITS) {
          general[k] = true;
          continue;
        }
        values[gi][k] = v;
        present[gi][k >>> 6] |= 1L << k;
        firstSeries[gi][k] = acc.first[cell];
      }
    }
    return StepValues.ofRows(start, step, steps, groups.toArray(Labels[]::new), values, present, firstSeries)
        .withGeneralSteps(general);
  }

  /** Aggregation state per cell (group x step), updated exactly as {@link Aggregations} does for one group. */
  private static final class Accumulators {
    private final AggregateOp op;
    final int[] count;
    final int[] first;
    private final double[] sum;
    private final double[] c;

    Accumulators(AggregateOp op, int cells) {
      this.op = op;
      this.count = new int[cells];
      this.first = new int[cells];
      this.sum = new double[cells];
      this.c = op == AggregateOp.SUM || op == AggregateOp.AVG || op == AggregateOp.STDDEV
          || op == AggregateOp.STDVAR ? new double[cells] : null;
    }

    void add(int cell, int series, double v) {
      int n = ++count[cell];
      if (n == 1) {
        first[cell] = series;
      }
      switch (op) {
        case SUM, AVG -> {
          // Kahan-Neumaier, as RangeFunctions.Kahan
          double s = sum[cell];
          double t = s + v;
          if (Double.isInfinite(t)) {
            c[cell] = 0;
          } else if (Math.abs(s) >= Math.abs(v)) {
            c[cell] += (s - t) + v;
          } else {
            c[cell] += (v - t) + s;
          }
          sum[cell] = t;
        }
        case MIN, MAX -> {
          double r = n == 1 ? v : sum[cell];
          if ((op == AggregateOp.MAX ? v > r : v < r) || Double.isNaN(r)) {
            r = v;
          }
          sum[cell] = r;
        }
        case STDDEV, STDVAR -> {
          // sum holds the mean, c the sum of squared deviations
          double delta = v - sum[cell];
          sum[cell] += delta / n;
          c[cell] += delta * (v - sum[cell]);
        }
        default -> {
          // count and group need the count only
        }
      }
    }

    /** The aggregate of a cell, or MISSING when the step-by-step path must decide (infinite avg sum). */
    double value(int cell) {
      return switch (op) {
        case SUM -> sum[cell] + c[cell];
        case AVG -> {
          double s = sum[cell] + c[cell];
          yield Double.isInfinite(s) ? RangeFunctions.MISSING : s / count[cell];
        }
        case COUNT -> count[cell];
        case GROUP -> 1;
        case MIN, MAX -> sum[cell];
        case STDVAR -> c[cell] / count[cell];
        case STDDEV -> Math.sqrt(c[cell] / count[cell]);
        default -> throw new IllegalStateException("not handled here: " + op);
      };
    }
  }
}
