package io.lookout.query.promql.eval;

import io.lookout.model.metrics.Labels;

/** One series of a range vector during evaluation: the points {@code [from, to)} of the arrays. */
record Points(Labels labels, long[] ts, double[] vs, int from, int to) {
  int size() {
    return to - from;
  }

  long t(int i) {
    return ts[from + i];
  }

  double v(int i) {
    return vs[from + i];
  }
}
