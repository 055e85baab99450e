package io.lookout.query.loki;

import io.lookout.model.ErrorCode;
import io.lookout.model.LookoutException;
import io.lookout.model.spi.Direction;
import io.lookout.query.loki.Logql.MetricExpr;
import io.lookout.query.loki.Logql.RangeAgg;
import io.lookout.query.loki.Logql.VectorAgg;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Evaluates metric queries at the steps {@code start, start+step, ... <= end}; the window of a
 * step t is {@code (t - range, t]}, as Loki's. A series without lines in a window has no value at
 * that step.
 */
final class LokiMetrics {
  /** A series: its labels and one value per step, NaN where absent. */
  record Series(TreeMap<String, String> labels, double[] values) {}

  private final LokiEngine engine;

  LokiMetrics(LokiEngine engine) {
    this.engine = engine;
  }

  List<Series> eval(String tenant, MetricExpr expr, long start, long end, long step, long timeoutMillis,
      int maxSeries) {
    int steps = (int) ((end - start) / step) + 1;
    return switch (expr) {
      case RangeAgg r -> range(tenant, r, start, steps, step, timeoutMillis, maxSeries);
      case VectorAgg v -> aggregate(v, eval(tenant, v.inner(), start, end, step, timeoutMillis, maxSeries), steps);
    };
  }

  private List<Series> range(String tenant, RangeAgg r, long start, int steps, long step, long timeoutMillis,
      int maxSeries) {
    long last = start + (steps - 1) * step;
    // per series: timestamps and byte counts in time order
    Map<TreeMap<String, String>, long[][]> raw = new HashMap<>();
    Map<TreeMap<String, String>, int[]> sizes = new HashMap<>();
    engine.scan(tenant, r.log(), start - r.rangeNanos() + 1, last, Direction.FORWARD, timeoutMillis, h -> {
      if (h.labels().containsKey(Pipeline.ERROR)) {
        throw LookoutException.badData("pipeline error: '" + h.labels().get(Pipeline.ERROR) + "' for series: '"
            + render(h.labels()) + "'. Use a label filter to intentionally skip this error."
            + " (e.g | __error__!=\"" + h.labels().get(Pipeline.ERROR) + "\")");
      }
      long[][] a = raw.get(h.labels());
      int[] n = sizes.get(h.labels());
      if (a == null) {
        if (raw.size() >= maxSeries) {
          throw new LookoutException(ErrorCode.EXECUTION, "the query produces more than " + maxSeries
              + " series, the limit max_query_series (LOOKOUT_PROMQL_MAX_SERIES): aggregate with sum by (...)"
              + " or narrow the stream selector");
        }
        a = new long[][] {new long[16], new long[16]};
        n = new int[1];
        raw.put(h.labels(), a);
        sizes.put(h.labels(), n);
      }
      if (n[0] == a[0].length) {
        a[0] = Arrays.copyOf(a[0], n[0] * 2);
        a[1] = Arrays.copyOf(a[1], n[0] * 2);
      }
      a[0][n[0]] = h.ts();
      a[1][n[0]] = LokiEngine.bytes(h.line());
      n[0]++;
      return true;
    });
    boolean bytes = r.function().startsWith("bytes");
    boolean rate = r.function().endsWith("rate");
    double seconds = r.rangeNanos() / 1e9;
    List<Series> out = new ArrayList<>();
    raw.forEach((labels, a) -> {
      int n = sizes.get(labels)[0];
      double[] values = new double[steps];
      int lo = 0;
      int hi = 0;
      double sum = 0;
      boolean any = false;
      for (int s = 0; s < steps; s++) {
        long t = start + s * step;
        while (hi < n && a[0][hi] <= t) {
          sum += bytes ? a[1][hi] : 1;
          hi++;
        }
        while (lo < hi && a[0][lo] <= t - r.rangeNanos()) {
          sum -= bytes ? a[1][lo] : 1;
          lo++;
        }
        if (hi > lo) {
          values[s] = rate ? sum / seconds : sum;
          any = true;
        } else {
          values[s] = Double.NaN;
        }
      }
      if (any) {
        out.add(new Series(labels, values));
      }
    });
    return out;
  }

  private static List<Series> aggregate(VectorAgg v, List<Series> in, int steps) {
    if (v.op().equals("topk") || v.op().equals("bottomk")) {
      return topk(v, in, steps);
    }
    Map<TreeMap<String, String>, double[][]> groups = new LinkedHashMap<>(); // {acc, count}
    for (Series s : in) {
      TreeMap<String, String> key = group(v, s.labels());
      double[][] g = groups.computeIfAbsent(key, k -> new double[][] {new double[steps], new double[steps]});
      for (int i = 0; i < steps; i++) {
        double x = s.values()[i];
        if (Double.isNaN(x)) {
          continue;
        }
        double c = g[1][i];
        g[0][i] = c == 0 ? first(v.op(), x) : switch (v.op()) {
          case "sum", "avg" -> g[0][i] + x;
          case "min" -> Math.min(g[0][i], x);
          case "max" -> Math.max(g[0][i], x);
          default -> g[0][i] + 1; // count
        };
        g[1][i] = c + 1;
      }
    }
    List<Series> out = new ArrayList<>();
    groups.forEach((k, g) -> {
      double[] values = new double[steps];
      for (int i = 0; i < steps; i++) {
        values[i] = g[1][i] == 0 ? Double.NaN : v.op().equals("avg") ? g[0][i] / g[1][i] : g[0][i];
      }
      out.add(new Series(k, values));
    });
    return out;
  }

  private static double first(String op, double x) {
    return op.equals("count") ? 1 : x;
  }

  private static TreeMap<String, String> group(VectorAgg v, TreeMap<String, String> labels) {
    TreeMap<String, String> key = new TreeMap<>();
    if (v.grouping() == null) {
      return key;
    }
    if (v.without()) {
      key.putAll(labels);
      v.grouping().forEach(key::remove);
    } else {
      for (String name : v.grouping()) {
        String val = labels.get(name);
        if (val != null && !val.isEmpty()) {
          key.put(name, val);
        }
      }
    }
    return key;
  }

  /** topk / bottomk per step and group; the series keep their labels, absent where not selected. */
  private static List<Series> topk(VectorAgg v, List<Series> in, int steps) {
    boolean top = v.op().equals("topk");
    Map<TreeMap<String, String>, List<Integer>> groups = new LinkedHashMap<>();
    for (int i = 0; i < in.size(); i++) {
      groups.computeIfAbsent(group(v, in.get(i).labels()), k -> new ArrayList<>()).add(i);
    }
    double[][] out = new double[in.size()][steps];
    for (double[] o : out) {
      Arrays.fill(o, Double.NaN);
    }
    for (List<Integer> members : groups.values()) {
      for (int s = 0; s < steps; s++) {
        final int step = s;
        List<Integer> present = new ArrayList<>();
        for (int m : members) {
          if (!Double.isNaN(in.get(m).values()[s])) {
            present.add(m);
          }
        }
        Comparator<Integer> byValue = Comparator.comparingDouble(m -> in.get(m).values()[step]);
        present.sort(top ? byValue.reversed() : byValue);
        for (int j = 0; j < Math.min(v.k(), present.size()); j++) {
          out[present.get(j)][s] = in.get(present.get(j)).values()[s];
        }
      }
    }
    List<Series> result = new ArrayList<>();
    for (int i = 0; i < in.size(); i++) {
      boolean any = false;
      for (double d : out[i]) {
        any |= !Double.isNaN(d);
      }
      if (any) {
        result.add(new Series(in.get(i).labels(), out[i]));
      }
    }
    return result;
  }

  static String render(Map<String, String> labels) {
    StringBuilder b = new StringBuilder("{");
    labels.forEach((k, val) -> {
      if (b.length() > 1) {
        b.append(", ");
      }
      b.append(k).append("=\"").append(val.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
    });
    return b.append('}').toString();
  }
}
