package io.lookout.ingest.metrics;

import io.lookout.model.metrics.NativeHistogram;
import io.lookout.model.metrics.NativeHistogram.BucketSpan;
import io.lookout.model.metrics.Sample;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An exponential histogram in sparse form (bucket index to count, OTLP indexing: bucket {@code i}
 * holds {@code (base^i, base^(i+1)]}), used to downscale, to add deltas, and to build the native
 * histogram.
 */
record ExponentialBuckets(
    int scale,
    double zeroThreshold,
    double zeroCount,
    double count,
    double sum,
    TreeMap<Integer, Double> positive,
    TreeMap<Integer, Double> negative) {

  /** Buckets from OTLP's dense layout: {@code counts[k]} is bucket {@code offset + k}. */
  static TreeMap<Integer, Double> dense(int offset, List<Long> counts) {
    TreeMap<Integer, Double> m = new TreeMap<>();
    for (int k = 0; k < counts.size(); k++) {
      long c = counts.get(k);
      if (c != 0) {
        m.put(offset + k, (double) c);
      }
    }
    return m;
  }

  /** The same histogram at a lower (or equal) scale: each bucket merged into its parent. */
  ExponentialBuckets downscale(int newScale) {
    if (newScale >= scale) {
      return this;
    }
    int shift = scale - newScale;
    return new ExponentialBuckets(newScale, zeroThreshold, zeroCount, count, sum,
        shift(positive, shift), shift(negative, shift));
  }

  private static TreeMap<Integer, Double> shift(TreeMap<Integer, Double> buckets, int shift) {
    TreeMap<Integer, Double> m = new TreeMap<>();
    // an arithmetic shift floors, which is the parent bucket for negative indexes too
    buckets.forEach((i, c) -> m.merge(i >> Math.min(shift, 31), c, Double::sum));
    return m;
  }

  /** This plus a delta, at the lower of the two scales; null when zero thresholds differ. */
  ExponentialBuckets plus(ExponentialBuckets delta) {
    if (Double.compare(zeroThreshold, delta.zeroThreshold) != 0) {
      return null;
    }
    int s = Math.min(scale, delta.scale);
    ExponentialBuckets a = downscale(s);
    ExponentialBuckets b = delta.downscale(s);
    TreeMap<Integer, Double> pos = new TreeMap<>(a.positive);
    b.positive.forEach((i, c) -> pos.merge(i, c, Double::sum));
    TreeMap<Integer, Double> neg = new TreeMap<>(a.negative);
    b.negative.forEach((i, c) -> neg.merge(i, c, Double::sum));
    return new ExponentialBuckets(s, zeroThreshold, a.zeroCount + b.zeroCount, a.count + b.count,
        a.sum + b.sum, pos, neg);
  }

  /**
   * The native histogram, downscaled to schema 8 at most; null when the scale is below -4 (such
   * points must be dropped). Prometheus indexes buckets by upper bound, so each index is the
   * OTLP index plus one; empty buckets are left out of the spans.
   */
  NativeHistogram toNative(long timestampMillis, NativeHistogram.ResetHint hint) {
    ExponentialBuckets h = downscale(Math.min(scale, NativeHistogram.MAX_SCHEMA));
    if (h.scale < NativeHistogram.MIN_SCHEMA) {
      return null;
    }
    List<BucketSpan> posSpans = new ArrayList<>();
    double[] posCounts = spans(h.positive, posSpans);
    List<BucketSpan> negSpans = new ArrayList<>();
    double[] negCounts = spans(h.negative, negSpans);
    return new NativeHistogram(timestampMillis, h.scale, h.zeroThreshold, h.zeroCount, h.count, h.sum,
        posSpans, posCounts, negSpans, negCounts, hint);
  }

  /** A staleness marker for this series, as the spec asks for NoRecordedValue points. */
  static NativeHistogram stale(long timestampMillis, int scale, double zeroThreshold) {
    int schema = Math.max(NativeHistogram.MIN_SCHEMA, Math.min(scale, NativeHistogram.MAX_SCHEMA));
    return new NativeHistogram(timestampMillis, schema, zeroThreshold, 0, Sample.STALE_NAN, Sample.STALE_NAN,
        List.of(), new double[0], List.of(), new double[0], NativeHistogram.ResetHint.UNKNOWN);
  }

  private static double[] spans(TreeMap<Integer, Double> buckets, List<BucketSpan> out) {
    double[] counts = new double[buckets.size()];
    int k = 0;
    int spanStart = 0;
    int spanLength = 0;
    int previousEnd = 0; // index after the previous span
    Integer expected = null;
    for (Map.Entry<Integer, Double> e : buckets.entrySet()) {
      int index = e.getKey() + 1;
      if (expected == null || index != expected) {
        if (expected != null) {
          out.add(new BucketSpan(out.isEmpty() ? spanStart : spanStart - previousEnd, spanLength));
          previousEnd = spanStart + spanLength;
        }
        spanStart = index;
        spanLength = 0;
      }
      spanLength++;
      expected = index + 1;
      counts[k++] = e.getValue();
    }
    if (expected != null) {
      out.add(new BucketSpan(out.isEmpty() ? spanStart : spanStart - previousEnd, spanLength));
    }
    return counts;
  }
}
