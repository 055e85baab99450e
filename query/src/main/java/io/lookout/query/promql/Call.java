package io.lookout.query.promql;

import io.lookout.query.promql.internal.Printer;
import java.util.List;
import java.util.Objects;

/** A function call such as {@code rate(x[5m])}; arguments are checked against the function. */
public record Call(Function function, List<Expr> args, PositionRange pos) implements Expr {
  public Call {
    Objects.requireNonNull(function, "function");
    args = List.copyOf(args);
  }

  @Override
  public ValueType type() {
    return function.returnType();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Call c && function.equals(c.function) && args.equals(c.args);
  }

  @Override
  public int hashCode() {
    return Objects.hash(function, args);
  }

  @Override
  public String toString() {
    return Printer.print(this);
  }
}
