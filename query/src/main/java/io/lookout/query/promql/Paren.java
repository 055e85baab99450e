package io.lookout.query.promql;

import io.lookout.query.promql.internal.Printer;
import java.util.Objects;

/** A parenthesised expression. */
public record Paren(Expr expr, PositionRange pos) implements Expr {
  public Paren {
    Objects.requireNonNull(expr, "expr");
  }

  @Override
  public ValueType type() {
    return expr.type();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Paren p && expr.equals(p.expr);
  }

  @Override
  public int hashCode() {
    return expr.hashCode();
  }

  @Override
  public String toString() {
    return Printer.print(this);
  }
}
