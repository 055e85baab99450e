package io.lookout.alerting.rules;

import io.lookout.model.metrics.Labels;
import java.util.Objects;

/** One output series of a rule's query at the evaluation time: its labels and value. */
public record QueryPoint(Labels labels, double value) {
  public QueryPoint {
    Objects.requireNonNull(labels, "labels");
  }
}
