package io.lookout.ingest.metrics;

import io.lookout.model.metrics.NativeHistogram;
import io.lookout.model.metrics.SeriesBatch;
import java.util.Map;
import java.util.TreeMap;

/** Views of a batch that make exact assertions short. */
final class Batches {
  private Batches() {}

  /** Last float sample per series, keyed by the series' labels in Prometheus notation. */
  static Map<String, Double> values(SeriesBatch batch) {
    Map<String, Double> m = new TreeMap<>();
    for (SeriesBatch.Series s : batch.series()) {
      if (!s.samples().isEmpty()) {
        m.put(s.labels().toString(), s.samples().getLast().value());
      }
    }
    return m;
  }

  /** Last float sample of the series whose labels print as given. */
  static double value(SeriesBatch batch, String labels) {
    Double v = values(batch).get(labels);
    if (v == null) {
      throw new AssertionError("no series " + labels + " in " + values(batch).keySet());
    }
    return v;
  }

  static NativeHistogram histogram(SeriesBatch batch, String labels) {
    for (SeriesBatch.Series s : batch.series()) {
      if (s.labels().toString().equals(labels) && !s.histograms().isEmpty()) {
        return s.histograms().getLast();
      }
    }
    throw new AssertionError("no histogram series " + labels);
  }

  static SeriesBatch.Series series(SeriesBatch batch, String labels) {
    for (SeriesBatch.Series s : batch.series()) {
      if (s.labels().toString().equals(labels)) {
        return s;
      }
    }
    throw new AssertionError("no series " + labels);
  }
}
