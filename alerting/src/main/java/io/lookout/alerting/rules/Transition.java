package io.lookout.alerting.rules;

import java.time.Instant;
import java.util.Map;

/** A change of an alert's state at an evaluation, for the history. */
public record Transition(
    Instant at, Map<String, String> labels, AlertState from, AlertState to, double value, Instant activeAt) {
  public Transition {
    labels = Map.copyOf(labels);
  }
}
