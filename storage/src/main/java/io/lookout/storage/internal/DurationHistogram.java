package io.lookout.storage.internal;

import java.util.Arrays;

/**
 * A compact log-linear histogram of non-negative longs (durations in ns): values below 64 are
 * counted exactly; above, each power of two is split into 64 equal sub-buckets, and a quantile is
 * reported as the middle of its sub-bucket, so it is within 1/128 (0.8%) of the exact value of the
 * same rank. Only the range of buckets in use is allocated.
 */
public final class DurationHistogram {
  static final int SUB_BITS = 6;
  static final int SUB = 1 << SUB_BITS;
  /** Bound of the relative error of {@link #quantile}. */
  public static final double RELATIVE_ERROR = 1.0 / (2 * SUB);

  private int offset;
  private long[] counts = new long[0];
  private long total;

  static int indexOf(long v) {
    if (v < SUB) {
      return (int) Math.max(0, v);
    }
    int exp = 63 - Long.numberOfLeadingZeros(v);
    int shift = exp - SUB_BITS;
    int sub = (int) (v >>> shift) - SUB;
    return SUB + shift * SUB + sub;
  }

  /** The middle of the values a bucket holds. */
  static double valueOf(int index) {
    if (index < SUB) {
      return index;
    }
    int shift = (index - SUB) / SUB;
    long low = (long) (SUB + (index - SUB) % SUB) << shift;
    long width = 1L << shift;
    return low + (width - 1) / 2.0;
  }

  public void add(long value) {
    int i = indexOf(value);
    if (counts.length == 0) {
      offset = i;
      counts = new long[8];
    } else if (i < offset) {
      int grow = Math.max(offset - i, 8);
      long[] c = new long[counts.length + grow];
      System.arraycopy(counts, 0, c, grow, counts.length);
      counts = c;
      offset -= grow;
    } else if (i - offset >= counts.length) {
      counts = Arrays.copyOf(counts, Math.max(i - offset + 1, counts.length * 2));
    }
    counts[i - offset]++;
    total++;
  }

  public long count() {
    return total;
  }

  /** The value of rank {@code ceil(q * count)} (nearest rank), or NaN when empty. */
  public double quantile(double q) {
    if (total == 0) {
      return Double.NaN;
    }
    long rank = Math.max(1, (long) Math.ceil(q * total));
    long seen = 0;
    for (int i = 0; i < counts.length; i++) {
      seen += counts[i];
      if (seen >= rank) {
        return valueOf(i + offset);
      }
    }
    return valueOf(offset + counts.length - 1);
  }
}
