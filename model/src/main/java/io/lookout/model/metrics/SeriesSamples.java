package io.lookout.model.metrics;

import java.util.List;
import java.util.Objects;

/**
 * The stored data of one series in a time range, ordered by timestamp with at most one value per
 * timestamp. Float samples and native histogram samples are kept apart (a series may have both
 * over time). Staleness markers are included as stored ({@link Sample#isStale} on the value).
 */
public record SeriesSamples(Labels labels, long[] timestamps, double[] values, List<NativeHistogram> histograms) {
  public SeriesSamples {
    Objects.requireNonNull(labels, "labels");
    if (timestamps.length != values.length) {
      throw new IllegalArgumentException("timestamps and values differ in length");
    }
    histograms = histograms == null ? List.of() : List.copyOf(histograms);
  }

  public int size() {
    return timestamps.length;
  }
}
