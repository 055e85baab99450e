package io.lookout.query.promql;

import io.lookout.query.promql.internal.Printer;
import java.time.Duration;
import java.util.Objects;

/**
 * A range vector selector such as {@code foo[5m] offset 1m}; the offset and {@code @} modifier
 * live on {@code selector}.
 */
public record MatrixSelector(VectorSelector selector, Duration range, PositionRange pos)
    implements Expr {
  public MatrixSelector {
    Objects.requireNonNull(selector, "selector");
    Objects.requireNonNull(range, "range");
  }

  @Override
  public ValueType type() {
    return ValueType.MATRIX;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MatrixSelector m && selector.equals(m.selector) && range.equals(m.range);
  }

  @Override
  public int hashCode() {
    return Objects.hash(selector, range);
  }

  @Override
  public String toString() {
    return Printer.print(this);
  }
}
