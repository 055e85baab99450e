package io.lookout.query.promql;

import io.lookout.query.promql.internal.Printer;
import java.time.Duration;
import java.util.Objects;

/**
 * A subquery such as {@code rate(x[5m])[1h:5m] offset 1d}.
 *
 * @param step the resolution, {@link Duration#ZERO} when omitted ({@code [1h:]})
 * @param offset the offset, {@link Duration#ZERO} when absent
 * @param at the {@code @} modifier, or null when absent
 */
public record Subquery(
    Expr expr, Duration range, Duration step, Duration offset, AtModifier at, PositionRange pos)
    implements Expr {
  public Subquery {
    Objects.requireNonNull(expr, "expr");
    Objects.requireNonNull(range, "range");
    Objects.requireNonNull(step, "step");
    Objects.requireNonNull(offset, "offset");
  }

  /** This subquery with other modifiers. */
  public Subquery withModifiers(Duration newOffset, AtModifier newAt) {
    return new Subquery(expr, range, step, newOffset, newAt, pos);
  }

  @Override
  public ValueType type() {
    return ValueType.MATRIX;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Subquery s
        && expr.equals(s.expr)
        && range.equals(s.range)
        && step.equals(s.step)
        && offset.equals(s.offset)
        && Objects.equals(at, s.at);
  }

  @Override
  public int hashCode() {
    return Objects.hash(expr, range, step, offset, at);
  }

  @Override
  public String toString() {
    return Printer.print(this);
  }
}
