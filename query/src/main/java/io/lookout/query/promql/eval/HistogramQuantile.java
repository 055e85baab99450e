package io.lookout.query.promql.eval;

import io.lookout.model.metrics.Labels;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** histogram_quantile over classic histograms ({@code le} buckets). */
final class HistogramQuantile {
  private static final String LE = "le";
  private static final java.util.regex.Pattern NUMBER = java.util.regex.Pattern.compile(
      "[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?|[+-]?0[xX][0-9a-fA-F.]+([pP][+-]?\\d+)?");

  private HistogramQuantile() {}

  private record Bucket(double upperBound, double count) {}

  /**
   * The group key (labels without {@code le} and the name) and bucket bound of a series, worked out
   * once per query for every label set met: a range query meets the same ones at every step.
   */
  private record Bucketed(Labels key, double upperBound) {}

  /** Per-query memory of {@link Bucketed} by label set (null for a series without a usable {@code le}). */
  static final class Keys {
    private static final int MAX = 100_000;
    private static final Bucketed NONE = new Bucketed(Labels.EMPTY, Double.NaN);
    private final Map<Labels, Bucketed> known = new HashMap<>();

    private Bucketed of(Labels labels) {
      Bucketed b = known.get(labels);
      if (b == null) {
        b = compute(labels);
        if (known.size() < MAX) {
          known.put(labels, b);
        }
      }
      return b == NONE ? null : b;
    }

    private static Bucketed compute(Labels labels) {
      String le = labels.get(LE);
      if (le == null) {
        return NONE;
      }
      try {
        return new Bucketed(labels.toBuilder().remove(LE).remove(Labels.NAME).build(), parseBound(le));
      } catch (NumberFormatException e) {
        return NONE;
      }
    }
  }

  static List<Elem> eval(double q, List<Elem> in, long t, Keys keys) {
    Map<Labels, List<Bucket>> groups = new LinkedHashMap<>();
    for (Elem el : in) {
      Bucketed b = keys.of(el.labels());
      if (b == null) {
        continue;
      }
      groups.computeIfAbsent(b.key(), k -> new ArrayList<>()).add(new Bucket(b.upperBound(), el.value()));
    }
    List<Elem> out = new ArrayList<>(groups.size());
    groups.forEach((labels, buckets) -> out.add(new Elem(labels, bucketQuantile(q, buckets), t)));
    return out;
  }

  /** Parses a bucket bound as Go's ParseFloat does ({@code +Inf}, {@code Inf}, {@code 0.5}, {@code 1e3}). */
  static double parseBound(String s) {
    String v = s.trim();
    switch (v.toLowerCase(java.util.Locale.ROOT)) {
      case "+inf", "inf", "+infinity", "infinity" -> {
        return Double.POSITIVE_INFINITY;
      }
      case "-inf", "-infinity" -> {
        return Double.NEGATIVE_INFINITY;
      }
      case "nan" -> {
        return Double.NaN;
      }
      default -> {
        if (v.isEmpty() || !NUMBER.matcher(v).matches()) {
          throw new NumberFormatException(s);
        }
        return Double.parseDouble(v);
      }
    }
  }

  static double bucketQuantile(double q, List<Bucket> buckets) {
    if (Double.isNaN(q)) {
      return Double.NaN;
    }
    if (q < 0) {
      return Double.NEGATIVE_INFINITY;
    }
    if (q > 1) {
      return Double.POSITIVE_INFINITY;
    }
    List<Bucket> b = new ArrayList<>(buckets);
    b.sort((x, y) -> Double.compare(x.upperBound(), y.upperBound()));
    if (b.isEmpty() || b.getLast().upperBound() != Double.POSITIVE_INFINITY) {
      return Double.NaN;
    }
    // coalesce buckets with the same bound
    List<Bucket> c = new ArrayList<>();
    for (Bucket x : b) {
      if (!c.isEmpty() && c.getLast().upperBound() == x.upperBound()) {
        c.set(c.size() - 1, new Bucket(x.upperBound(), c.getLast().count() + x.count()));
      } else {
        c.add(x);
      }
    }
    // make counts monotonic
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < c.size(); i++) {
      double count = c.get(i).count();
      if (count > max) {
        max = count;
      } else if (count < max) {
        c.set(i, new Bucket(c.get(i).upperBound(), max));
      }
    }
    if (c.size() < 2) {
      return Double.NaN;
    }
    double observations = c.getLast().count();
    if (observations == 0) {
      return Double.NaN;
    }
    double rank = q * observations;
    int n = c.size() - 1;
    int idx = n;
    for (int i = 0; i < n; i++) {
      if (c.get(i).count() >= rank) {
        idx = i;
        break;
      }
    }
    if (idx == n) {
      return c.get(n - 1).upperBound();
    }
    if (idx == 0 && c.getFirst().upperBound() <= 0) {
      return c.getFirst().upperBound();
    }
    double start = 0;
    double end = c.get(idx).upperBound();
    double count = c.get(idx).count();
    if (idx > 0) {
      start = c.get(idx - 1).upperBound();
      count -= c.get(idx - 1).count();
      rank -= c.get(idx - 1).count();
    }
    return start + (end - start) * (rank / count);
  }
}
