package io.lookout.query.promql;

import io.lookout.query.promql.internal.Printer;
import java.util.Objects;

/** Unary {@code -x} ({@code negative}) or {@code +x}. */
public record Unary(boolean negative, Expr expr, PositionRange pos) implements Expr {
  public Unary {
    Objects.requireNonNull(expr, "expr");
  }

  @Override
  public ValueType type() {
    return expr.type();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Unary u && negative == u.negative && expr.equals(u.expr);
  }

  @Override
  public int hashCode() {
    return Objects.hash(negative, expr);
  }

  @Override
  public String toString() {
    return Printer.print(this);
  }
}
