package io.lookout.model.metrics;

import java.util.Objects;

/**
 * An example observation attached to a series, typically pointing at a trace.
 *
 * @param labels exemplar labels, with {@code trace_id} and {@code span_id} (lowercase hex) when
 *     known, plus the measurement's filtered attributes
 * @param value the observed value
 * @param timestampMillis Unix milliseconds, 0 when unknown
 */
public record Exemplar(Labels labels, double value, long timestampMillis) {
  public static final String TRACE_ID = "trace_id";
  public static final String SPAN_ID = "span_id";

  public Exemplar {
    Objects.requireNonNull(labels, "labels");
  }

  /** The trace id label, or the empty string. */
  public String traceId() {
    return Objects.requireNonNullElse(labels.get(TRACE_ID), "");
  }

  /** The span id label, or the empty string. */
  public String spanId() {
    return Objects.requireNonNullElse(labels.get(SPAN_ID), "");
  }
}
