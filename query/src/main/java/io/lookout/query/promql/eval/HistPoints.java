package io.lookout.query.promql.eval;

import io.lookout.model.metrics.Labels;

/** The histogram samples of one series in a range vector: the points {@code [from, to)} of the arrays. */
record HistPoints(Labels labels, long[] ts, FloatHistogram[] hs, int from, int to) {
  int size() {
    return to - from;
  }

  long t(int i) {
    return ts[from + i];
  }

  FloatHistogram h(int i) {
    return hs[from + i];
  }
}
