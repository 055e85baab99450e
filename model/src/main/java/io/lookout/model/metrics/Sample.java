package io.lookout.model.metrics;

/**
 * One float sample of a series.
 *
 * @param timestampMillis Unix milliseconds, as Prometheus keeps them
 * @param value the value; {@link #STALE_NAN} marks the series as stale from this time on
 */
public record Sample(long timestampMillis, double value) {
  /** Prometheus's staleness marker bit pattern, a NaN distinct from {@link Double#NaN}. */
  public static final long STALE_NAN_BITS = 0x7ff0000000000002L;

  /** Prometheus's staleness marker, compare with {@link #isStaleNaN(double)}, never with {@code ==}. */
  public static final double STALE_NAN = Double.longBitsToDouble(STALE_NAN_BITS);

  /** A staleness marker at the given time. */
  public static Sample stale(long timestampMillis) {
    return new Sample(timestampMillis, STALE_NAN);
  }

  /** True when the value is the staleness marker (other NaNs are ordinary values). */
  public static boolean isStaleNaN(double value) {
    return Double.doubleToRawLongBits(value) == STALE_NAN_BITS;
  }

  public boolean isStale() {
    return isStaleNaN(value);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Sample s
        && s.timestampMillis == timestampMillis
        && Double.doubleToRawLongBits(s.value) == Double.doubleToRawLongBits(value);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(timestampMillis) * 31 + Long.hashCode(Double.doubleToRawLongBits(value));
  }
}
