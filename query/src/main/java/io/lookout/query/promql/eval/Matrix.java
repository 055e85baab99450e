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

  /**
   * The points of one series, ordered by time: float points, and native histogram points apart
   * (as Prometheus's {@code "values"} and {@code "histograms"}).
   */
  public record Series(Labels labels, long[] timestamps, double[] values, long[] histogramTimestamps,
      List<FloatHistogram> histograms) {
    public Series {
      Objects.requireNonNull(labels, "labels");
      if (timestamps.length != values.length) {
        throw new IllegalArgumentException("timestamps and values differ in length");
      }
      histograms = List.copyOf(histograms);
      if (histogramTimestamps.length != histograms.size()) {
        throw new IllegalArgumentException("histogram timestamps and histograms differ in length");
      }
    }

    /** A series of float points only. */
    public Series(Labels labels, long[] timestamps, double[] values) {
      this(labels, timestamps, values, new long[0], List.of());
    }

    public int size() {
      return timestamps.length;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Series s && labels.equals(s.labels) && Arrays.equals(timestamps, s.timestamps)
          && Arrays.equals(values, s.values) && Arrays.equals(histogramTimestamps, s.histogramTimestamps)
          && histograms.equals(s.histograms);
    }

    @Override
    public int hashCode() {
      return labels.hashCode() * 31 + Arrays.hashCode(timestamps);
    }

    @Override
    public String toString() {
      return labels + " " + Arrays.toString(timestamps) + " " + Arrays.toString(values)
          + (histograms.isEmpty() ? "" : " " + Arrays.toString(histogramTimestamps) + " " + histograms);
    }
  }
}
