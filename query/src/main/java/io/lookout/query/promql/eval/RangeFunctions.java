package io.lookout.query.promql.eval;

import io.lookout.model.metrics.Labels;
import io.lookout.query.promql.Call;
import io.lookout.query.promql.Expr;
import io.lookout.query.promql.MatrixSelector;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Functions over range vectors: rate and friends, {@code *_over_time}, changes, resets. */
final class RangeFunctions {
  private static final Set<String> NAMES = Set.of("rate", "increase", "delta", "irate", "idelta", "deriv",
      "predict_linear", "avg_over_time", "min_over_time", "max_over_time", "sum_over_time", "count_over_time",
      "quantile_over_time", "stddev_over_time", "stdvar_over_time", "last_over_time", "present_over_time",
      "absent_over_time", "changes", "resets");

  /** Functions that also take native histogram samples. */
  private static final Set<String> HISTOGRAM_AWARE = Set.of("rate", "increase", "delta");

  private RangeFunctions() {}

  static boolean supported(String name) {
    return NAMES.contains(name);
  }

  static List<Elem> eval(Evaluator ev, Call c, long t) {
    String name = c.function().name();
    Expr matrixArg = name.equals("quantile_over_time") ? c.args().get(1) : c.args().getFirst();
    if (name.equals("absent_over_time")) {
      List<Points> in = ev.matrix(matrixArg, t);
      return in.isEmpty() ? List.of(new Elem(Calls.absentLabelsOf(matrixArg), 1, t)) : List.of();
    }
    double param = switch (name) {
      case "quantile_over_time" -> ev.scalar(c.args().getFirst(), t);
      case "predict_linear" -> ev.scalar(c.args().get(1), t);
      default -> 0;
    };
    long[] window = ev.window(matrixArg, t);
    if (HISTOGRAM_AWARE.contains(name) && Evaluator.unwrap(matrixArg) instanceof MatrixSelector ms) {
      return withHistograms(ev.rangeSeries(ms, t), name, window, t);
    }
    List<Points> in = ev.matrix(matrixArg, t);
    List<Elem> out = new ArrayList<>(in.size());
    for (Points p : in) {
      double v = value(name, p, window, param, t, null);
      if (Double.doubleToRawLongBits(v) == MISSING_BITS) {
        continue;
      }
      Labels labels = name.equals("last_over_time") ? p.labels() : Evaluator.dropName(p.labels());
      out.add(new Elem(labels, v, t));
    }
    return out;
  }

  /**
   * The value of a range function over the (non-empty) float points {@code p} of one series in
   * {@code window}, or {@link #MISSING} for none. {@code resets} optionally lists the indices
   * {@code i} of {@code p.ts()} where the value dropped ({@code vs[i] < vs[i - 1]}), so counter
   * functions need not scan the window for them; the arithmetic is the same either way.
   */
  static double value(String name, Points p, long[] window, double param, long t, int[] resets) {
    return switch (name) {
      case "rate" -> extrapolatedRate(p.ts(), p.vs(), p.from(), p.to(), window[0], window[1], true, true, resets);
      case "increase" -> extrapolatedRate(p.ts(), p.vs(), p.from(), p.to(), window[0], window[1], true, false, resets);
      case "delta" -> extrapolatedRate(p.ts(), p.vs(), p.from(), p.to(), window[0], window[1], false, false, null);
      case "irate" -> instant(p, true);
      case "idelta" -> instant(p, false);
      case "deriv" -> p.size() < 2 ? MISSING : regression(p, p.t(0))[0];
      case "predict_linear" -> {
        if (p.size() < 2) {
          yield MISSING;
        }
        double[] r = regression(p, t);
        yield r[0] * param + r[1];
      }
      case "avg_over_time" -> avg(p);
      case "min_over_time" -> minMax(p, false);
      case "max_over_time" -> minMax(p, true);
      case "sum_over_time" -> sum(p);
      case "count_over_time" -> p.size();
      case "quantile_over_time" -> {
        double[] vs = new double[p.size()];
        for (int i = 0; i < vs.length; i++) {
          vs[i] = p.v(i);
        }
        yield Aggregations.quantile(param, vs);
      }
      case "stddev_over_time" -> Math.sqrt(variance(p));
      case "stdvar_over_time" -> variance(p);
      case "last_over_time" -> p.v(p.size() - 1);
      case "present_over_time" -> 1;
      case "changes" -> changes(p);
      case "resets" -> resets(p);
      default -> throw Calls.unsupported(name);
    };
  }

  /** The indices {@code i} where {@code vs[i] < vs[i - 1]} (counter resets), or null when there are none. */
  static int[] resetIndices(double[] vs) {
    int n = 0;
    for (int i = 1; i < vs.length; i++) {
      if (vs[i] < vs[i - 1]) {
        n++;
      }
    }
    if (n == 0) {
      return NO_RESETS;
    }
    int[] out = new int[n];
    int j = 0;
    for (int i = 1; i < vs.length; i++) {
      if (vs[i] < vs[i - 1]) {
        out[j++] = i;
      }
    }
    return out;
  }

  static final int[] NO_RESETS = new int[0];

  /** rate, increase and delta of series that may hold native histograms (never both kinds in one window). */
  private static List<Elem> withHistograms(List<Evaluator.RangeSeries> in, String name, long[] window, long t) {
    boolean counter = !name.equals("delta");
    boolean rate = name.equals("rate");
    List<Elem> out = new ArrayList<>(in.size());
    for (Evaluator.RangeSeries r : in) {
      Labels labels = Evaluator.dropName(r.labels());
      if (r.hists().size() == 0) {
        double v = extrapolatedRate(r.floats(), window, counter, rate);
        if (Double.doubleToRawLongBits(v) != MISSING_BITS) {
          out.add(new Elem(labels, v, t));
        }
        continue;
      }
      if (r.floats().size() > 0) {
        throw Evaluator.execution("series " + r.labels() + " has both float and native histogram samples in the"
            + " range of " + name + "(), which is not supported: use a range holding one kind only");
      }
      FloatHistogram h = NativeHistograms.rate(r.hists(), window, counter, rate);
      if (h != null) {
        out.add(Elem.ofHistogram(labels, h, t));
      }
    }
    return out;
  }

  /** A NaN payload meaning "no result for this series" (never produced by arithmetic). */
  static final long MISSING_BITS = 0x7ff8dead0000beefL;
  static final double MISSING = Double.longBitsToDouble(MISSING_BITS);

  /** rate, increase and delta, extrapolated to the window edges as Prometheus does. */
  static double extrapolatedRate(Points p, long[] window, boolean counter, boolean rate) {
    return extrapolatedRate(p.ts(), p.vs(), p.from(), p.to(), window[0], window[1], counter, rate, null);
  }

  /**
   * rate, increase and delta of the points {@code [from, to)} in the window {@code [windowStart,
   * windowEnd]}. With {@code resets} (see {@link #resetIndices}) the counter correction adds the
   * same values in the same order as the scan it replaces.
   */
  static double extrapolatedRate(long[] ts, double[] vs, int from, int to, long windowStart, long windowEnd,
      boolean counter, boolean rate, int[] resets) {
    int n = to - from;
    if (n < 2) {
      return MISSING;
    }
    double first = vs[from];
    double last = vs[to - 1];
    double result = last - first;
    if (counter) {
      if (resets == null) {
        double prev = first;
        for (int i = from + 1; i < to; i++) {
          double cur = vs[i];
          if (cur < prev) {
            result += prev;
          }
          prev = cur;
        }
      } else if (resets.length > 0) {
        for (int r = firstAbove(resets, from); r < resets.length && resets[r] < to; r++) {
          result += vs[resets[r] - 1];
        }
      }
    }
    double durationToStart = (ts[from] - windowStart) / 1000.0;
    double durationToEnd = (windowEnd - ts[to - 1]) / 1000.0;
    double sampled = (ts[to - 1] - ts[from]) / 1000.0;
    double averageInterval = sampled / (n - 1);
    if (counter && result > 0 && first >= 0) {
      double durationToZero = sampled * (first / result);
      if (durationToZero < durationToStart) {
        durationToStart = durationToZero;
      }
    }
    double threshold = averageInterval * 1.1;
    double interval = sampled;
    interval += durationToStart < threshold ? durationToStart : averageInterval / 2;
    interval += durationToEnd < threshold ? durationToEnd : averageInterval / 2;
    result = result * (interval / sampled);
    if (rate) {
      result = result / ((windowEnd - windowStart) / 1000.0);
    }
    return result;
  }

  /** Index of the first element of the sorted {@code a} greater than {@code x}. */
  private static int firstAbove(int[] a, int x) {
    int lo = 0;
    int hi = a.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (a[mid] <= x) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  static double instant(Points p, boolean rate) {
    int n = p.size();
    if (n < 2) {
      return MISSING;
    }
    double last = p.v(n - 1);
    double prev = p.v(n - 2);
    double result = rate && last < prev ? last : last - prev;
    if (!rate) {
      return result;
    }
    long interval = p.t(n - 1) - p.t(n - 2);
    if (interval == 0) {
      return MISSING;
    }
    return result / (interval / 1000.0);
  }

  /** Least-squares slope and intercept (at {@code interceptTime}), with Kahan sums. */
  static double[] regression(Points p, long interceptTime) {
    double n = 0;
    Kahan sumX = new Kahan();
    Kahan sumY = new Kahan();
    Kahan sumXY = new Kahan();
    Kahan sumX2 = new Kahan();
    double initY = p.v(0);
    boolean constY = true;
    for (int i = 0; i < p.size(); i++) {
      double y = p.v(i);
      if (constY && i > 0 && y != initY) {
        constY = false;
      }
      n += 1;
      double x = (p.t(i) - interceptTime) / 1e3;
      sumX.add(x);
      sumY.add(y);
      sumXY.add(x * y);
      sumX2.add(x * x);
    }
    if (constY) {
      if (Double.isInfinite(initY)) {
        return new double[] {Double.NaN, Double.NaN};
      }
      return new double[] {0, initY};
    }
    double sx = sumX.value();
    double sy = sumY.value();
    double covXY = sumXY.value() - sx * sy / n;
    double varX = sumX2.value() - sx * sx / n;
    double slope = covXY / varX;
    double intercept = sy / n - slope * sx / n;
    return new double[] {slope, intercept};
  }

  private static double sum(Points p) {
    Kahan k = new Kahan();
    for (int i = 0; i < p.size(); i++) {
      k.add(p.v(i));
    }
    return k.value();
  }

  private static double avg(Points p) {
    double s = sum(p);
    if (!Double.isInfinite(s)) {
      return s / p.size();
    }
    // overflow of the sum: fall back to an incremental mean
    double mean = 0;
    for (int i = 0; i < p.size(); i++) {
      double v = p.v(i);
      if (Double.isInfinite(mean)) {
        if (Double.isInfinite(v) && (mean > 0) == (v > 0)) {
          continue;
        }
        if (!Double.isInfinite(v) && !Double.isNaN(v)) {
          continue;
        }
      }
      mean += v / (i + 1) - mean / (i + 1);
    }
    return mean;
  }

  private static double minMax(Points p, boolean max) {
    double r = p.v(0);
    for (int i = 1; i < p.size(); i++) {
      double v = p.v(i);
      if ((max ? v > r : v < r) || Double.isNaN(r)) {
        r = v;
      }
    }
    return r;
  }

  private static double variance(Points p) {
    double count = 0;
    Kahan mean = new Kahan();
    Kahan aux = new Kahan();
    for (int i = 0; i < p.size(); i++) {
      double v = p.v(i);
      count++;
      double delta = v - mean.value();
      mean.add(delta / count);
      aux.add(delta * (v - mean.value()));
    }
    return aux.value() / count;
  }

  private static double changes(Points p) {
    int changes = 0;
    for (int i = 1; i < p.size(); i++) {
      double prev = p.v(i - 1);
      double cur = p.v(i);
      if (cur != prev && !(Double.isNaN(cur) && Double.isNaN(prev))) {
        changes++;
      }
    }
    return changes;
  }

  private static double resets(Points p) {
    int resets = 0;
    for (int i = 1; i < p.size(); i++) {
      if (p.v(i) < p.v(i - 1)) {
        resets++;
      }
    }
    return resets;
  }

  /** Kahan-Neumaier summation, as Prometheus's kahanSumInc. */
  static final class Kahan {
    private double sum;
    private double c;

    void add(double inc) {
      double t = sum + inc;
      if (Double.isInfinite(t)) {
        c = 0;
      } else if (Math.abs(sum) >= Math.abs(inc)) {
        c += (sum - t) + inc;
      } else {
        c += (inc - t) + sum;
      }
      sum = t;
    }

    double value() {
      return sum + c;
    }
  }
}
