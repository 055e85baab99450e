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

  /** One series and its value. */
  public record Element(Labels labels, double value) {
    public Element {
      Objects.requireNonNull(labels, "labels");
    }
  }
}
