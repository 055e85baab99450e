package io.lookout.query.promql;

import io.lookout.query.promql.internal.Printer;
import java.util.Objects;

/**
 * A binary operation such as {@code a / on (job) group_left b} or {@code x > bool 1}.
 *
 * @param returnBool the {@code bool} modifier of comparisons
 * @param matching the {@code on}/{@code ignoring} clause, or null when none was written
 */
public record Binary(
    BinaryOp op, Expr lhs, Expr rhs, boolean returnBool, VectorMatching matching, PositionRange pos)
    implements Expr {
  public Binary {
    Objects.requireNonNull(op, "op");
    Objects.requireNonNull(lhs, "lhs");
    Objects.requireNonNull(rhs, "rhs");
  }

  /** Instant vector if either side is one, else scalar. */
  @Override
  public ValueType type() {
    return lhs.type() == ValueType.VECTOR || rhs.type() == ValueType.VECTOR
        ? ValueType.VECTOR
        : ValueType.SCALAR;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Binary b
        && op == b.op
        && lhs.equals(b.lhs)
        && rhs.equals(b.rhs)
        && returnBool == b.returnBool
        && Objects.equals(matching, b.matching);
  }

  @Override
  public int hashCode() {
    return Objects.hash(op, lhs, rhs, returnBool, matching);
  }

  @Override
  public String toString() {
    return Printer.print(this);
  }
}
