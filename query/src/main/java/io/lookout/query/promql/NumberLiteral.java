package io.lookout.query.promql;

import io.lookout.query.promql.internal.Printer;

/** A float literal such as {@code 1.5}, {@code 0x1f}, {@code Inf} or a duration {@code 5m}. */
public record NumberLiteral(double value, PositionRange pos) implements Expr {
  @Override
  public ValueType type() {
    return ValueType.SCALAR;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NumberLiteral n && Double.compare(value, n.value) == 0;
  }

  @Override
  public int hashCode() {
    return Double.hashCode(value);
  }

  @Override
  public String toString() {
    return Printer.print(this);
  }
}
