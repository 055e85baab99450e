package io.lookout.query.promql;

import static io.lookout.query.promql.ValueType.MATRIX;
import static io.lookout.query.promql.ValueType.SCALAR;
import static io.lookout.query.promql.ValueType.STRING;
import static io.lookout.query.promql.ValueType.VECTOR;

import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Every function Prometheus 2.x and 3.x knows, by name (names are case-sensitive). */
public final class Functions {
  private static final Map<String, Function> BY_NAME = build();

  private Functions() {}

  /** The function called {@code name}, or null. */
  public static Function get(String name) {
    return BY_NAME.get(name);
  }

  /** All functions, sorted by name. */
  public static Collection<Function> all() {
    return BY_NAME.values();
  }

  private static Map<String, Function> build() {
    Map<String, Function> m = new TreeMap<>();
    for (String n :
        List.of(
            "abs", "absent", "acos", "acosh", "asin", "asinh", "atan", "atanh", "ceil", "cos",
            "cosh", "deg", "exp", "floor", "histogram_avg", "histogram_count", "histogram_stddev",
            "histogram_stdvar", "histogram_sum", "ln", "log10", "log2", "rad", "sgn", "sin",
            "sinh", "sort", "sort_desc", "sqrt", "tan", "tanh", "timestamp")) {
      add(m, n, List.of(VECTOR), 1, 1, VECTOR, false);
    }
    for (String n :
        List.of(
            "absent_over_time", "avg_over_time", "changes", "count_over_time", "delta", "deriv",
            "idelta", "increase", "irate", "last_over_time", "max_over_time", "min_over_time",
            "present_over_time", "rate", "resets", "stddev_over_time", "stdvar_over_time",
            "sum_over_time")) {
      add(m, n, List.of(MATRIX), 1, 1, VECTOR, false);
    }
    for (String n :
        List.of(
            "mad_over_time", "first_over_time", "ts_of_first_over_time", "ts_of_last_over_time",
            "ts_of_max_over_time", "ts_of_min_over_time")) {
      add(m, n, List.of(MATRIX), 1, 1, VECTOR, true);
    }
    for (String n :
        List.of(
            "day_of_month", "day_of_week", "day_of_year", "days_in_month", "hour", "minute",
            "month", "year")) {
      add(m, n, List.of(VECTOR), 0, 1, VECTOR, false);
    }
    add(m, "clamp", List.of(VECTOR, SCALAR, SCALAR), 3, 3, VECTOR, false);
    add(m, "clamp_max", List.of(VECTOR, SCALAR), 2, 2, VECTOR, false);
    add(m, "clamp_min", List.of(VECTOR, SCALAR), 2, 2, VECTOR, false);
    add(m, "double_exponential_smoothing", List.of(MATRIX, SCALAR, SCALAR), 3, 3, VECTOR, true);
    add(m, "holt_winters", List.of(MATRIX, SCALAR, SCALAR), 3, 3, VECTOR, false);
    add(m, "histogram_fraction", List.of(SCALAR, SCALAR, VECTOR), 3, 3, VECTOR, false);
    add(m, "histogram_quantile", List.of(SCALAR, VECTOR), 2, 2, VECTOR, false);
    add(m, "info", List.of(VECTOR, VECTOR), 1, 2, VECTOR, true);
    add(m, "label_join", List.of(VECTOR, STRING, STRING, STRING), 3, -1, VECTOR, false);
    add(m, "label_replace", List.of(VECTOR, STRING, STRING, STRING, STRING), 5, 5, VECTOR, false);
    add(m, "pi", List.of(), 0, 0, SCALAR, false);
    add(m, "predict_linear", List.of(MATRIX, SCALAR), 2, 2, VECTOR, false);
    add(m, "quantile_over_time", List.of(SCALAR, MATRIX), 2, 2, VECTOR, false);
    add(m, "round", List.of(VECTOR, SCALAR), 1, 2, VECTOR, false);
    add(m, "scalar", List.of(VECTOR), 1, 1, SCALAR, false);
    add(m, "sort_by_label", List.of(VECTOR, STRING), 1, -1, VECTOR, true);
    add(m, "sort_by_label_desc", List.of(VECTOR, STRING), 1, -1, VECTOR, true);
    add(m, "time", List.of(), 0, 0, SCALAR, false);
    add(m, "vector", List.of(SCALAR), 1, 1, VECTOR, false);
    return Collections.unmodifiableMap(m);
  }

  private static void add(
      Map<String, Function> m,
      String name,
      List<ValueType> args,
      int min,
      int max,
      ValueType ret,
      boolean experimental) {
    m.put(name, new Function(name, args, min, max, ret, experimental));
  }
}
