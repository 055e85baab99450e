package io.lookout.query.promql.eval;

import io.lookout.model.metrics.Labels;
import io.lookout.query.promql.Aggregate;
import io.lookout.query.promql.AggregateOp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Aggregation operators with {@code by} / {@code without}. */
final class Aggregations {
  private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

  /** Operators that also take native histogram samples (sum and avg add them, count and group count them). */
  private static final java.util.Set<AggregateOp> HISTOGRAM_OPS =
      java.util.EnumSet.of(AggregateOp.SUM, AggregateOp.AVG, AggregateOp.COUNT, AggregateOp.GROUP);

  private Aggregations() {}

  static boolean supported(AggregateOp op) {
    return op != AggregateOp.LIMITK && op != AggregateOp.LIMIT_RATIO;
  }

  static List<Elem> eval(Evaluator ev, Aggregate a, long t) {
    AggregateOp op = a.op();
    double param = 0;
    String label = null;
    if (op == AggregateOp.COUNT_VALUES) {
      label = ev.string(a.param());
      if (!LABEL_NAME.matcher(label).matches()) {
        throw Evaluator.execution("invalid label name \"" + label + "\" in count_values: use letters, digits and"
            + " underscores, not starting with a digit");
      }
    } else if (a.param() != null) {
      param = ev.scalar(a.param(), t);
    }
    List<Elem> in = ev.hvector(a.expr(), t);
    if (!HISTOGRAM_OPS.contains(op)) {
      Evaluator.floatsOnly(in);
    }
    Map<Labels, List<Elem>> groups = new LinkedHashMap<>();
    for (Elem el : in) {
      Labels key = groupLabels(el.labels(), a);
      if (label != null) {
        key = key.toBuilder().put(label, Format.value(el.value())).build();
      }
      groups.computeIfAbsent(key, k -> new ArrayList<>()).add(el);
    }
    List<Elem> out = new ArrayList<>(groups.size());
    for (Map.Entry<Labels, List<Elem>> g : groups.entrySet()) {
      List<Elem> members = g.getValue();
      switch (op) {
        case TOPK, BOTTOMK -> out.addAll(top(members, param, op == AggregateOp.TOPK, t));
        case SUM, AVG -> out.add(histograms(members) ? Elem.ofHistogram(g.getKey(), histogramSum(members, op), t)
            : new Elem(g.getKey(), value(op, members, param), t));
        default -> out.add(new Elem(g.getKey(), value(op, members, param), t));
      }
    }
    return out;
  }

  /** Whether a group's members are native histograms; 422 when floats and histograms are mixed. */
  private static boolean histograms(List<Elem> members) {
    boolean any = false;
    boolean all = true;
    for (Elem e : members) {
      any |= e.h() != null;
      all &= e.h() != null;
    }
    if (any && !all) {
      throw Evaluator.execution("an aggregation group mixes float and native histogram samples, which is not"
          + " supported: aggregate floats and histograms separately");
    }
    return any;
  }

  private static FloatHistogram histogramSum(List<Elem> members, AggregateOp op) {
    FloatHistogram h = members.getFirst().h();
    for (int i = 1; i < members.size(); i++) {
      h = h.add(members.get(i).h());
    }
    if (op == AggregateOp.AVG) {
      h = h.div(members.size());
    }
    return h.withHint(io.lookout.model.metrics.NativeHistogram.ResetHint.GAUGE).compact();
  }

  static Labels groupLabels(Labels l, Aggregate a) {
    Labels.Builder b = Labels.builder();
    if (a.without()) {
      for (Labels.Label lb : l.list()) {
        if (!lb.name().equals(Labels.NAME) && !a.grouping().contains(lb.name())) {
          b.put(lb.name(), lb.value());
        }
      }
    } else {
      for (String n : a.grouping()) {
        b.put(n, l.get(n));
      }
    }
    return b.build();
  }

  private static double value(AggregateOp op, List<Elem> members, double param) {
    int n = members.size();
    return switch (op) {
      case SUM -> {
        RangeFunctions.Kahan k = new RangeFunctions.Kahan();
        members.forEach(e -> k.add(e.value()));
        yield k.value();
      }
      case AVG -> avg(members);
      case COUNT, COUNT_VALUES -> n;
      case GROUP -> 1;
      case MIN, MAX -> {
        double r = members.getFirst().value();
        for (Elem e : members) {
          double v = e.value();
          if ((op == AggregateOp.MAX ? v > r : v < r) || Double.isNaN(r)) {
            r = v;
          }
        }
        yield r;
      }
      case STDDEV, STDVAR -> {
        double count = 0;
        double mean = 0;
        double m2 = 0;
        for (Elem e : members) {
          count++;
          double delta = e.value() - mean;
          mean += delta / count;
          m2 += delta * (e.value() - mean);
        }
        yield op == AggregateOp.STDVAR ? m2 / count : Math.sqrt(m2 / count);
      }
      case QUANTILE -> {
        double[] vs = new double[n];
        for (int i = 0; i < n; i++) {
          vs[i] = members.get(i).value();
        }
        yield quantile(param, vs);
      }
      default -> throw Evaluator.execution("aggregation " + op.symbol() + " is not supported yet");
    };
  }

  private static double avg(List<Elem> members) {
    RangeFunctions.Kahan k = new RangeFunctions.Kahan();
    members.forEach(e -> k.add(e.value()));
    double s = k.value();
    if (!Double.isInfinite(s)) {
      return s / members.size();
    }
    double mean = 0;
    int count = 0;
    for (Elem e : members) {
      double v = e.value();
      count++;
      if (Double.isInfinite(mean)) {
        if (Double.isInfinite(v) && (mean > 0) == (v > 0)) {
          continue;
        }
        if (!Double.isInfinite(v) && !Double.isNaN(v)) {
          continue;
        }
      }
      mean += v / count - mean / count;
    }
    return mean;
  }

  /** topk / bottomk: the k largest (smallest) by value, NaN counted as the smallest (largest), in order. */
  private static List<Elem> top(List<Elem> members, double param, boolean largest, long t) {
    if (Double.isNaN(param) || param < 1) {
      return List.of();
    }
    long k = param >= Integer.MAX_VALUE ? Integer.MAX_VALUE : (long) param;
    Comparator<Elem> order = (x, y) -> {
      boolean nx = Double.isNaN(x.value());
      boolean ny = Double.isNaN(y.value());
      if (nx || ny) {
        return Boolean.compare(nx, ny);
      }
      return largest ? Double.compare(y.value(), x.value()) : Double.compare(x.value(), y.value());
    };
    List<Elem> sorted = new ArrayList<>(members);
    sorted.sort(order);
    List<Elem> out = new ArrayList<>();
    for (int i = 0; i < Math.min(k, sorted.size()); i++) {
      Elem e = sorted.get(i);
      out.add(new Elem(e.labels(), e.value(), t));
    }
    return out;
  }

  /** Prometheus's quantile: linear interpolation between the closest ranks; NaN sorts first. */
  static double quantile(double q, double[] values) {
    if (values.length == 0 || Double.isNaN(q)) {
      return Double.NaN;
    }
    if (q < 0) {
      return Double.NEGATIVE_INFINITY;
    }
    if (q > 1) {
      return Double.POSITIVE_INFINITY;
    }
    double[] v = values.clone();
    Arrays.sort(v);
    int nans = 0;
    for (int i = v.length - 1; i >= 0 && Double.isNaN(v[i]); i--) {
      nans++;
    }
    if (nans > 0) {
      double[] w = new double[v.length];
      Arrays.fill(w, 0, nans, Double.NaN);
      System.arraycopy(v, 0, w, nans, v.length - nans);
      v = w;
    }
    double n = v.length;
    double rank = q * (n - 1);
    double lower = Math.max(0, Math.floor(rank));
    double upper = Math.min(n - 1, lower + 1);
    double weight = rank - Math.floor(rank);
    return v[(int) lower] * (1 - weight) + v[(int) upper] * weight;
  }
}
