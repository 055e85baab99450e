package io.lookout.model.spi;

import java.util.List;

/**
 * Counts of matching records per time bucket. Buckets are aligned to multiples of the step
 * since the Unix epoch and cover the queried range, including empty ones.
 */
public record Histogram(long stepNanos, List<Bucket> buckets) {
  /** Records whose timestamp lies in {@code [startNanos, startNanos + step)}. */
  public record Bucket(long startNanos, long count) {}
}
