package io.lookout.query.promql.eval;

import io.lookout.model.metrics.Labels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The float results of one expression at every step of a range query ({@link AllSteps}): one row
 * per output series, a value and a presence bit per step. Rows are in the order the step-by-step
 * path would list them, or, when {@code firstSeries} is given, ordered at each step by the index of
 * the first input series that fed the row at that step (an aggregation lists its groups in the order
 * it meets them). A step marked in {@code generalSteps} must be evaluated step by step.
 */
final class StepValues {
  private final long start;
  private final long step;
  private final int steps;
  private final Labels[] labels;
  private final double[][] values;
  private final long[][] present;
  private final int[][] firstSeries;
  private boolean[] generalSteps;

  private StepValues(long start, long step, int steps, Labels[] labels, double[][] values, long[][] present,
      int[][] firstSeries) {
    this.start = start;
    this.step = step;
    this.steps = steps;
    this.labels = labels;
    this.values = values;
    this.present = present;
    this.firstSeries = firstSeries;
  }

  /** Rows may be null (no value at any step) in {@code values} and {@code present}. */
  static StepValues ofRows(long start, long step, int steps, Labels[] labels, double[][] values, long[][] present,
      int[][] firstSeries) {
    return new StepValues(start, step, steps, labels, values, present, firstSeries);
  }

  StepValues withGeneralSteps(boolean[] general) {
    for (boolean g : general) {
      if (g) {
        this.generalSteps = general;
        break;
      }
    }
    return this;
  }

  boolean[] generalSteps() {
    return generalSteps;
  }

  /** Whether every step was computed here. */
  boolean complete() {
    return generalSteps == null;
  }

  private boolean has(int row, int k) {
    return present[row] != null && (present[row][k >>> 6] & (1L << k)) != 0;
  }

  /** The instant vector at {@code t}, or null when {@code t} is not a step computed here. */
  List<Elem> vector(long t) {
    if (t < start || (t - start) % step != 0 || (t - start) / step >= steps) {
      return null;
    }
    int k = (int) ((t - start) / step);
    if (generalSteps != null && generalSteps[k]) {
      return null;
    }
    int n = 0;
    int[] rows = new int[labels.length];
    for (int r = 0; r < labels.length; r++) {
      if (has(r, k)) {
        rows[n++] = r;
      }
    }
    if (firstSeries != null && n > 1) {
      long[] keyed = new long[n];
      for (int i = 0; i < n; i++) {
        keyed[i] = ((long) firstSeries[rows[i]][k] << 32) | rows[i];
      }
      Arrays.sort(keyed);
      for (int i = 0; i < n; i++) {
        rows[i] = (int) keyed[i];
      }
    }
    List<Elem> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(new Elem(labels[rows[i]], values[rows[i]][k], t));
    }
    return out;
  }

  /** Every row with at least one value as a result series (unsorted); only when {@link #complete()}. */
  List<Matrix.Series> series() {
    List<Matrix.Series> out = new ArrayList<>();
    for (int r = 0; r < labels.length; r++) {
      if (present[r] == null) {
        continue;
      }
      int n = 0;
      for (long word : present[r]) {
        n += Long.bitCount(word);
      }
      if (n == 0) {
        continue;
      }
      long[] ts = new long[n];
      double[] vs = new double[n];
      int j = 0;
      for (int k = 0; k < steps; k++) {
        if (has(r, k)) {
          ts[j] = start + k * step;
          vs[j++] = values[r][k];
        }
      }
      out.add(new Matrix.Series(labels[r], ts, vs));
    }
    return out;
  }
}
