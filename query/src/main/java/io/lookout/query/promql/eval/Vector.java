package io.lookout.query.promql.eval;

import io.lookout.model.metrics.Labels;
import java.util.List;
import java.util.Objects;

/**
 * An instant vector result: one sample per series, all at the evaluation time, in the order
 * Prometheus returns them.
 */
public record Vector(long timestampMillis, List<Element> elements) implements Value {
  public Vector {
    elements = List.copyOf(elements);
  }

  /** One series and its value: a float, or a native histogram when {@code histogram} is not null. */
  public record Element(Labels labels, double value, FloatHistogram histogram) {
    public Element {
      Objects.requireNonNull(labels, "labels");
    }

    public Element(Labels labels, double value) {
      this(labels, value, null);
    }
  }
}
