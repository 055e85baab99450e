package io.lookout.query.promql.eval;

import io.lookout.model.metrics.Labels;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/** A range query result (or a range vector): series sorted by labels, each with its points. */
public record Matrix(List<Series> series) implements Value {
  public Matrix {
    series = List.copyOf(series);
  }

  /** The points of one series, ordered by time. */
  public record Series(Labels labels, long[] timestamps, double[] values) {
    public Series {
      Objects.requireNonNull(labels, "labels");
      if (timestamps.length != values.length) {
        throw new IllegalArgumentException("timestamps and values differ in length");
      }
    }

    public int size() {
      return timestamps.length;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Series s && labels.equals(s.labels) && Arrays.equals(timestamps, s.timestamps)
          && Arrays.equals(values, s.values);
    }

    @Override
    public int hashCode() {
      return labels.hashCode() * 31 + Arrays.hashCode(timestamps);
    }

    @Override
    public String toString() {
      return labels + " " + Arrays.toString(timestamps) + " " + Arrays.toString(values);
    }
  }
}
