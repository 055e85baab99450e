package io.lookout.query.promql.eval;

import io.lookout.model.metrics.NativeHistogram;
import io.lookout.query.promql.Call;
import io.lookout.query.promql.Expr;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/** PromQL functions over native (exponential) histograms, with Prometheus's estimations. */
final class NativeHistograms {
  /** Functions that read native histograms and return floats. */
  static final Set<String> FUNCTIONS = Set.of("histogram_count", "histogram_sum", "histogram_avg",
      "histogram_fraction", "histogram_stddev", "histogram_stdvar");

  private NativeHistograms() {}

  static List<Elem> eval(Evaluator ev, Call c, long t) {
    String name = c.function().name();
    List<Expr> args = c.args();
    return switch (name) {
      case "histogram_count" -> map(ev.hvector(args.getFirst(), t), t, FloatHistogram::count);
      case "histogram_sum" -> map(ev.hvector(args.getFirst(), t), t, FloatHistogram::sum);
      case "histogram_avg" -> map(ev.hvector(args.getFirst(), t), t, h -> h.sum() / h.count());
      case "histogram_stddev" -> map(ev.hvector(args.getFirst(), t), t, h -> Math.sqrt(variance(h)));
      case "histogram_stdvar" -> map(ev.hvector(args.getFirst(), t), t, NativeHistograms::variance);
      case "histogram_fraction" -> {
        double lower = ev.scalar(args.get(0), t);
        double upper = ev.scalar(args.get(1), t);
        yield map(ev.hvector(args.get(2), t), t, h -> fraction(lower, upper, h));
      }
      default -> throw Calls.unsupported(name);
    };
  }

  /** The histogram elements mapped to floats, metric name dropped; float elements are left out as in Prometheus. */
  private static List<Elem> map(List<Elem> in, long t, ToDoubleFunction<FloatHistogram> f) {
    List<Elem> out = new ArrayList<>(in.size());
    for (Elem el : in) {
      if (el.h() != null) {
        out.add(new Elem(Evaluator.dropName(el.labels()), f.applyAsDouble(el.h()), t));
      }
    }
    return out;
  }

  /**
   * rate, increase (counter) or delta (gauge) of histogram points with Prometheus's counter reset
   * detection, extrapolated to the window edges as for floats (for counters not beyond the point
   * where the count would reach zero); null when there are fewer than two points.
   */
  static FloatHistogram rate(HistPoints p, long[] window, boolean counter, boolean rate) {
    int n = p.size();
    if (n < 2) {
      return null;
    }
    FloatHistogram first = p.h(0);
    FloatHistogram last = p.h(n - 1);
    if (counter && p.h(1).detectReset(first)) {
      // a reset right after the first sample: count from an empty histogram instead
      first = new FloatHistogram(p.h(1).schema(), 0, 0, 0, 0, new int[0], new double[0], new int[0], new double[0],
          NativeHistogram.ResetHint.UNKNOWN);
    }
    int minSchema = Math.min(first.schema(), last.schema());
    for (int i = 1; counter && i < n - 1; i++) {
      minSchema = Math.min(minSchema, p.h(i).schema());
    }
    FloatHistogram h = last.reduce(minSchema).sub(first);
    if (counter) {
      FloatHistogram prev = first;
      for (int i = 1; i < n; i++) {
        FloatHistogram cur = p.h(i);
        if (cur.detectReset(prev)) {
          h = h.add(prev);
        }
        prev = cur;
      }
    }
    double durationToStart = (p.t(0) - window[0]) / 1000.0;
    double durationToEnd = (window[1] - p.t(n - 1)) / 1000.0;
    double sampled = (p.t(n - 1) - p.t(0)) / 1000.0;
    double averageInterval = sampled / (n - 1);
    double threshold = averageInterval * 1.1;
    if (durationToStart >= threshold) {
      durationToStart = averageInterval / 2;
    }
    if (counter && h.count() > 0 && p.h(0).count() >= 0) {
      // counts cannot go below zero: extrapolate at most to where the count would reach zero
      durationToStart = Math.min(durationToStart, sampled * (p.h(0).count() / h.count()));
    }
    if (durationToEnd >= threshold) {
      durationToEnd = averageInterval / 2;
    }
    double factor = (sampled + durationToStart + durationToEnd) / sampled;
    if (rate) {
      factor /= (window[1] - window[0]) / 1000.0;
    }
    return h.mul(factor).withHint(NativeHistogram.ResetHint.GAUGE).compact();
  }

  /**
   * Prometheus's quantile estimate: the bucket holding the rank, searched from the bottom for
   * {@code q < 0.5} (or when the sum is NaN) and from the top otherwise, with exponential
   * interpolation inside exponential buckets and linear interpolation in the zero bucket.
   */
  static double quantile(double q, FloatHistogram h) {
    if (q < 0) {
      return Double.NEGATIVE_INFINITY;
    }
    if (q > 1) {
      return Double.POSITIVE_INFINITY;
    }
    if (h.count() == 0 || Double.isNaN(q)) {
      return Double.NaN;
    }
    List<FloatHistogram.Bucket> buckets = h.buckets(false);
    boolean forward = Double.isNaN(h.sum()) || q < 0.5;
    double rank = forward ? q * h.count() : (1 - q) * h.count();
    double count = 0;
    FloatHistogram.Bucket bucket = new FloatHistogram.Bucket(0, 0, 0, 0);
    for (int k = 0; k < buckets.size(); k++) {
      bucket = buckets.get(forward ? k : buckets.size() - 1 - k);
      count += bucket.count();
      if (count >= rank) {
        break;
      }
    }
    double lower = bucket.lower();
    double upper = bucket.upper();
    if (lower < 0 && upper > 0) {
      if (!h.hasNegativeBuckets() && h.hasPositiveBuckets()) {
        lower = 0;
      } else if (!h.hasPositiveBuckets() && h.hasNegativeBuckets()) {
        upper = 0;
      }
    }
    if (count > h.count()) {
      count = h.count();
    }
    if (count < rank) {
      return upper;
    }
    rank = forward ? rank - (count - bucket.count()) : count - rank;
    double fraction = rank / bucket.count();
    if (lower <= 0 && upper >= 0) {
      return lower + (upper - lower) * fraction;
    }
    double logLower = Calls.log2(Math.abs(lower));
    double logUpper = Calls.log2(Math.abs(upper));
    if (lower > 0) {
      return Math.pow(2, logLower + (logUpper - logLower) * fraction);
    }
    return -Math.pow(2, logUpper + (logLower - logUpper) * (1 - fraction));
  }

  /** Prometheus's estimate of the share of observations in {@code [lower, upper]}. */
  static double fraction(double lower, double upper, FloatHistogram h) {
    if (h.count() == 0 || Double.isNaN(lower) || Double.isNaN(upper)) {
      return Double.NaN;
    }
    if (lower >= upper) {
      return 0;
    }
    double rank = 0;
    double lowerRank = 0;
    double upperRank = 0;
    boolean lowerSet = false;
    boolean upperSet = false;
    for (FloatHistogram.Bucket b : h.buckets(true)) {
      double bl = b.lower();
      double bu = b.upper();
      boolean zero = false;
      if (bl <= 0 && bu >= 0) {
        zero = true;
        if (!h.hasNegativeBuckets() && h.hasPositiveBuckets()) {
          bl = 0;
        } else if (!h.hasPositiveBuckets() && h.hasNegativeBuckets()) {
          bu = 0;
        }
      }
      if (!lowerSet && bl >= lower) {
        lowerRank = rank;
        lowerSet = true;
      }
      if (!upperSet && bl >= upper) {
        upperRank = rank;
        upperSet = true;
      }
      if (lowerSet && upperSet) {
        break;
      }
      if (!lowerSet && bl < lower && bu > lower) {
        lowerRank = zero ? linear(rank, b.count(), bl, bu, lower) : exponential(rank, b.count(), bl, bu, lower);
        lowerSet = true;
      }
      if (!upperSet && bl < upper && bu > upper) {
        upperRank = zero ? linear(rank, b.count(), bl, bu, upper) : exponential(rank, b.count(), bl, bu, upper);
        upperSet = true;
      }
      if (lowerSet && upperSet) {
        break;
      }
      rank += b.count();
    }
    if (!lowerSet || lowerRank > h.count()) {
      lowerRank = h.count();
    }
    if (!upperSet || upperRank > h.count()) {
      upperRank = h.count();
    }
    return (upperRank - lowerRank) / h.count();
  }

  private static double linear(double rank, double count, double lower, double upper, double v) {
    return rank + count * (v - lower) / (upper - lower);
  }

  private static double exponential(double rank, double count, double lower, double upper, double v) {
    double logLower = Calls.log2(Math.abs(lower));
    double logUpper = Calls.log2(Math.abs(upper));
    double logV = Calls.log2(Math.abs(v));
    double fraction = v > 0
        ? (logV - logLower) / (logUpper - logLower)
        : 1 - (logV - logUpper) / (logLower - logUpper);
    return rank + count * fraction;
  }

  /**
   * Prometheus's variance estimate: every observation sits at its bucket's geometric mean (0 in the
   * zero bucket), around the mean {@code sum / count}.
   */
  static double variance(FloatHistogram h) {
    double mean = h.sum() / h.count();
    RangeFunctions.Kahan k = new RangeFunctions.Kahan();
    for (FloatHistogram.Bucket b : h.buckets(false)) {
      double val;
      if (b.lower() <= 0 && b.upper() >= 0) {
        val = 0;
      } else {
        val = Math.sqrt(b.upper() * b.lower());
        if (b.upper() < 0) {
          val = -val;
        }
      }
      double delta = val - mean;
      k.add(b.count() * delta * delta);
    }
    return k.value() / h.count();
  }
}
