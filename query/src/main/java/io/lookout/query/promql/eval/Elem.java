package io.lookout.query.promql.eval;

import io.lookout.model.metrics.Labels;

/**
 * One element of an instant vector during evaluation. {@code t} is the timestamp of the sample a
 * selector found (read by {@code timestamp()}); for computed elements it is the evaluation time.
 * {@code h} is the native histogram of a histogram sample (then {@code value} is meaningless), else null.
 */
record Elem(Labels labels, double value, long t, FloatHistogram h) {
  Elem(Labels labels, double value, long t) {
    this(labels, value, t, null);
  }

  static Elem ofHistogram(Labels labels, FloatHistogram h, long t) {
    return new Elem(labels, Double.NaN, t, h);
  }
}
