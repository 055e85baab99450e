package io.lookout.query.promql;

import io.lookout.query.promql.internal.Printer;
import java.util.Objects;

/** A string literal; {@code value} is the unescaped text. */
public record StringLiteral(String value, PositionRange pos) implements Expr {
  public StringLiteral {
    Objects.requireNonNull(value, "value");
  }

  @Override
  public ValueType type() {
    return ValueType.STRING;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StringLiteral s && value.equals(s.value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  @Override
  public String toString() {
    return Printer.print(this);
  }
}
