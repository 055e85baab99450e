package io.lookout.model.metrics;

import java.util.Objects;

/**
 * Bounds of one select: exceeding either fails the select with an EXECUTION (422) error naming
 * the limit, never an out-of-memory.
 *
 * @param maxSeries most series a select may return
 * @param maxSamples most samples (floats plus histograms) a select may return
 * @param timeoutMillis time budget
 * @param remedy appended to a limit error: which settings bound the query and how to raise them
 */
public record SelectLimits(int maxSeries, long maxSamples, long timeoutMillis, String remedy) {
  public SelectLimits {
    remedy = Objects.requireNonNullElse(remedy, "");
  }

  public SelectLimits(int maxSeries, long maxSamples, long timeoutMillis) {
    this(maxSeries, maxSamples, timeoutMillis, "");
  }
}
