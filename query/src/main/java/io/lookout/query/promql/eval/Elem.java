package io.lookout.query.promql.eval;

import io.lookout.model.metrics.Labels;

/**
 * One element of an instant vector during evaluation. {@code t} is the timestamp of the sample a
 * selector found (read by {@code timestamp()}); for computed elements it is the evaluation time.
 */
record Elem(Labels labels, double value, long t) {}
