package io.lookout.model.metrics;

import java.util.List;
import java.util.Objects;

/**
 * Series decoded from one request (OTLP export or remote_write), in the Prometheus data model,
 * ready for the time-series store.
 *
 * @param metadata type, unit and help per metric family, at most one per family name
 */
public record SeriesBatch(List<Series> series, List<MetricMetadata> metadata) {
  public static final SeriesBatch EMPTY = new SeriesBatch(List.of(), List.of());

  public SeriesBatch {
    series = List.copyOf(series);
    metadata = List.copyOf(metadata);
  }

  /** Float samples plus histogram samples, for limits and accounting. */
  public long sampleCount() {
    long n = 0;
    for (Series s : series) {
      n += s.samples().size() + s.histograms().size();
    }
    return n;
  }

  /**
   * One series and its new data. A series may carry float samples, histogram samples, or both
   * (Prometheus allows a series to change from one to the other); each list is in the order
   * received.
   */
  public record Series(
      Labels labels, List<Sample> samples, List<NativeHistogram> histograms, List<Exemplar> exemplars) {
    public Series {
      Objects.requireNonNull(labels, "labels");
      samples = samples == null ? List.of() : List.copyOf(samples);
      histograms = histograms == null ? List.of() : List.copyOf(histograms);
      exemplars = exemplars == null ? List.of() : List.copyOf(exemplars);
    }

    /** A series with float samples only. */
    public static Series ofSamples(Labels labels, List<Sample> samples) {
      return new Series(labels, samples, List.of(), List.of());
    }
  }
}
