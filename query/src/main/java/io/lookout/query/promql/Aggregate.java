package io.lookout.query.promql;

import io.lookout.query.promql.internal.Printer;
import java.util.List;
import java.util.Objects;

/**
 * An aggregation such as {@code topk by (job) (3, x)}.
 *
 * @param param the parameter ({@code 3} in {@code topk(3, x)}), or null for operators without one
 * @param grouping the labels of {@code by (...)} or {@code without (...)}, in order
 * @param without true for {@code without}, false for {@code by} or no grouping
 */
public record Aggregate(
    AggregateOp op,
    Expr param,
    Expr expr,
    List<String> grouping,
    boolean without,
    PositionRange pos)
    implements Expr {
  public Aggregate {
    Objects.requireNonNull(op, "op");
    Objects.requireNonNull(expr, "expr");
    grouping = List.copyOf(grouping);
  }

  @Override
  public ValueType type() {
    return ValueType.VECTOR;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Aggregate a
        && op == a.op
        && Objects.equals(param, a.param)
        && expr.equals(a.expr)
        && grouping.equals(a.grouping)
        && without == a.without;
  }

  @Override
  public int hashCode() {
    return Objects.hash(op, param, expr, grouping, without);
  }

  @Override
  public String toString() {
    return Printer.print(this);
  }
}
