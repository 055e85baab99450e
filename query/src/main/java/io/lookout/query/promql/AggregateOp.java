package io.lookout.query.promql;

import java.util.Locale;

/** Aggregation operators and the type of the parameter each needs (null: none). */
public enum AggregateOp {
  SUM(null),
  AVG(null),
  MIN(null),
  MAX(null),
  COUNT(null),
  GROUP(null),
  STDDEV(null),
  STDVAR(null),
  TOPK(ValueType.SCALAR),
  BOTTOMK(ValueType.SCALAR),
  QUANTILE(ValueType.SCALAR),
  COUNT_VALUES(ValueType.STRING),
  LIMITK(ValueType.SCALAR),
  LIMIT_RATIO(ValueType.SCALAR);

  private final ValueType parameterType;

  AggregateOp(ValueType parameterType) {
    this.parameterType = parameterType;
  }

  /** The type of the first argument, or null when the operator takes none. */
  public ValueType parameterType() {
    return parameterType;
  }

  /** The name as written in PromQL, such as {@code count_values}. */
  public String symbol() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The operator named {@code word} (case-insensitive), or null. */
  public static AggregateOp fromName(String word) {
    for (AggregateOp op : values()) {
      if (op.name().equalsIgnoreCase(word)) {
        return op;
      }
    }
    return null;
  }
}
