package io.lookout.model.metrics;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A Prometheus native (exponential) histogram sample.
 *
 * <p>Bucket {@code i} of schema {@code s} holds observations in {@code (base^(i-1), base^i]} with
 * {@code base = 2^(2^-s)} (negative buckets mirror this for {@code -x}). Buckets are sparse:
 * {@code spans} list runs of consecutive buckets, the first span's offset is the index of its
 * first bucket and each later offset is the gap after the previous span; the counts array holds
 * one absolute count (not a delta) per bucket covered by the spans, in order. Counts are doubles
 * so that float (gauge) histograms fit too; integer counts are exact up to 2^53.
 *
 * @param timestampMillis Unix milliseconds
 * @param schema -4..8 for exponential buckets
 * @param zeroThreshold width of the zero bucket ({@code [-t, t]})
 * @param count total observations; {@link Sample#STALE_NAN} for a staleness marker
 * @param sum sum of observations; {@link Sample#STALE_NAN} for a staleness marker
 */
public record NativeHistogram(
    long timestampMillis,
    int schema,
    double zeroThreshold,
    double zeroCount,
    double count,
    double sum,
    List<BucketSpan> positiveSpans,
    double[] positiveCounts,
    List<BucketSpan> negativeSpans,
    double[] negativeCounts,
    ResetHint resetHint) {

  /** The zero threshold the OTel spec prescribes when an exponential histogram has none. */
  public static final double DEFAULT_ZERO_THRESHOLD = 1e-128;

  public static final int MIN_SCHEMA = -4;
  public static final int MAX_SCHEMA = 8;

  /** A run of {@code length} consecutive buckets, {@code offset} buckets after the previous run. */
  public record BucketSpan(int offset, int length) {
    public BucketSpan {
      if (length < 0) {
        throw new IllegalArgumentException("bucket span length " + length + " is negative");
      }
    }
  }

  /** What the sender knows about counter resets, as remote_write's {@code ResetHint}. */
  public enum ResetHint {
    UNKNOWN,
    YES,
    NO,
    GAUGE;

    /** The hint for a remote_write enum number; {@link #UNKNOWN} for numbers not defined. */
    public static ResetHint ofNumber(int number) {
      ResetHint[] all = values();
      return number >= 0 && number < all.length ? all[number] : UNKNOWN;
    }
  }

  /**
   * @throws IllegalArgumentException when the spans do not cover exactly the given counts
   */
  public NativeHistogram {
    positiveSpans = List.copyOf(positiveSpans);
    negativeSpans = List.copyOf(negativeSpans);
    positiveCounts = positiveCounts.clone();
    negativeCounts = negativeCounts.clone();
    resetHint = Objects.requireNonNullElse(resetHint, ResetHint.UNKNOWN);
    checkCovered("positive", positiveSpans, positiveCounts.length);
    checkCovered("negative", negativeSpans, negativeCounts.length);
  }

  /** A copy of the positive bucket counts (use {@link #positiveCount(int)} in loops). */
  @Override
  public double[] positiveCounts() {
    return positiveCounts.clone();
  }

  /** A copy of the negative bucket counts (use {@link #negativeCount(int)} in loops). */
  @Override
  public double[] negativeCounts() {
    return negativeCounts.clone();
  }

  public int positiveBucketCount() {
    return positiveCounts.length;
  }

  public int negativeBucketCount() {
    return negativeCounts.length;
  }

  public double positiveCount(int i) {
    return positiveCounts[i];
  }

  public double negativeCount(int i) {
    return negativeCounts[i];
  }

  /** True for a staleness marker (sum is {@link Sample#STALE_NAN}). */
  public boolean isStale() {
    return Sample.isStaleNaN(sum);
  }

  /** Receives one bucket: its absolute index and count. */
  @FunctionalInterface
  public interface BucketVisitor {
    void bucket(int index, double count);
  }

  /** Visits the positive buckets in ascending index order. */
  public void forEachPositive(BucketVisitor v) {
    visit(positiveSpans, positiveCounts, v);
  }

  /** Visits the negative buckets in ascending index order (of {@code |x|}). */
  public void forEachNegative(BucketVisitor v) {
    visit(negativeSpans, negativeCounts, v);
  }

  private static void visit(List<BucketSpan> spans, double[] counts, BucketVisitor v) {
    int index = 0;
    int k = 0;
    for (BucketSpan s : spans) {
      index += s.offset();
      for (int j = 0; j < s.length(); j++) {
        v.bucket(index++, counts[k++]);
      }
    }
  }

  private static void checkCovered(String side, List<BucketSpan> spans, int counts) {
    long covered = 0;
    for (BucketSpan s : spans) {
      covered += s.length();
    }
    if (covered != counts) {
      throw new IllegalArgumentException(
          side + " spans cover " + covered + " buckets but " + counts + " counts were given");
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NativeHistogram h
        && h.timestampMillis == timestampMillis
        && h.schema == schema
        && same(h.zeroThreshold, zeroThreshold)
        && same(h.zeroCount, zeroCount)
        && same(h.count, count)
        && same(h.sum, sum)
        && h.positiveSpans.equals(positiveSpans)
        && Arrays.equals(h.positiveCounts, positiveCounts)
        && h.negativeSpans.equals(negativeSpans)
        && Arrays.equals(h.negativeCounts, negativeCounts)
        && h.resetHint == resetHint;
  }

  private static boolean same(double a, double b) {
    return Double.doubleToRawLongBits(a) == Double.doubleToRawLongBits(b);
  }

  @Override
  public int hashCode() {
    return Objects.hash(timestampMillis, schema, zeroThreshold, zeroCount, count, sum, positiveSpans,
        Arrays.hashCode(positiveCounts), negativeSpans, Arrays.hashCode(negativeCounts), resetHint);
  }

  @Override
  public String toString() {
    return "NativeHistogram[t=" + timestampMillis + ", schema=" + schema + ", zeroThreshold=" + zeroThreshold
        + ", zeroCount=" + zeroCount + ", count=" + count + ", sum=" + sum + ", positive=" + positiveSpans
        + Arrays.toString(positiveCounts) + ", negative=" + negativeSpans + Arrays.toString(negativeCounts)
        + ", resetHint=" + resetHint + "]";
  }
}
