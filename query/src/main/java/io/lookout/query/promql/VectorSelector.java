package io.lookout.query.promql;

import io.lookout.query.promql.internal.Printer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An instant vector selector such as {@code http_requests_total{job="api"} offset 5m @ 1609746000}.
 *
 * @param name the metric name written before the braces (or quoted inside them), "" if none; a
 *     {@code __name__} matcher stays in {@code matchers}
 * @param matchers the matchers written inside the braces, in order
 * @param offset the offset, {@link Duration#ZERO} when absent; may be negative
 * @param at the {@code @} modifier, or null when absent
 */
public record VectorSelector(
    String name, List<Matcher> matchers, Duration offset, AtModifier at, PositionRange pos)
    implements Expr {
  public VectorSelector {
    Objects.requireNonNull(name, "name");
    matchers = List.copyOf(matchers);
    Objects.requireNonNull(offset, "offset");
  }

  /** Every matcher the selector applies, including {@code __name__="<name>"} for a name. */
  public List<Matcher> allMatchers() {
    if (name.isEmpty()) {
      return matchers;
    }
    List<Matcher> all = new ArrayList<>(matchers.size() + 1);
    all.add(new Matcher(Matcher.METRIC_NAME, Matcher.Op.EQUAL, name));
    all.addAll(matchers);
    return List.copyOf(all);
  }

  /** This selector with other modifiers. */
  public VectorSelector withModifiers(Duration newOffset, AtModifier newAt) {
    return new VectorSelector(name, matchers, newOffset, newAt, pos);
  }

  @Override
  public ValueType type() {
    return ValueType.VECTOR;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VectorSelector v
        && name.equals(v.name)
        && matchers.equals(v.matchers)
        && offset.equals(v.offset)
        && Objects.equals(at, v.at);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, matchers, offset, at);
  }

  @Override
  public String toString() {
    return Printer.print(this);
  }
}
