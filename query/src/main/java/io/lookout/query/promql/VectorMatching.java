package io.lookout.query.promql;

import java.util.List;
import java.util.Objects;

/**
 * How a binary operation matches series: {@code on (labels)} or {@code ignoring (labels)}, and
 * for many-to-one or one-to-many matching the {@code group_left} / {@code group_right} labels.
 *
 * @param on true for {@code on}, false for {@code ignoring}
 * @param include the labels listed in {@code group_left (...)} / {@code group_right (...)}
 */
public record VectorMatching(
    Cardinality cardinality, boolean on, List<String> labels, List<String> include) {
  /** Which side may have several series per match group. */
  public enum Cardinality {
    ONE_TO_ONE,
    /** {@code group_left}. */
    MANY_TO_ONE,
    /** {@code group_right}. */
    ONE_TO_MANY
  }

  public VectorMatching {
    Objects.requireNonNull(cardinality, "cardinality");
    labels = List.copyOf(labels);
    include = List.copyOf(include);
  }
}
