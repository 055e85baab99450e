package io.lookout.bench.internal;

import java.io.IOException;
import java.util.Arrays;
import java.util.Locale;

/** Median, p90 and p99 of repeated runs of one query. */
public record Latencies(double p50Millis, double p90Millis, double p99Millis, int runs) {

  /** One run of a query. */
  @FunctionalInterface
  public interface Query {
    Object run() throws IOException, InterruptedException;
  }

  /** Runs {@code query} twice to warm up, then {@code runs} times measured. */
  public static Latencies measure(int runs, Query query) throws IOException, InterruptedException {
    for (int i = 0; i < 2; i++) {
      query.run();
    }
    long[] nanos = new long[runs];
    for (int i = 0; i < runs; i++) {
      long t0 = System.nanoTime();
      query.run();
      nanos[i] = System.nanoTime() - t0;
    }
    return of(nanos);
  }

  /** Nearest-rank percentiles of the given durations in nanoseconds. */
  public static Latencies of(long[] nanos) {
    if (nanos.length == 0) {
      throw new IllegalArgumentException("latencies need at least one run");
    }
    long[] s = nanos.clone();
    Arrays.sort(s);
    return new Latencies(rank(s, 0.5) / 1e6, rank(s, 0.9) / 1e6, rank(s, 0.99) / 1e6, s.length);
  }

  private static long rank(long[] sorted, double p) {
    int i = (int) Math.ceil(p * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  /** {@code 1.2 / 3.4} (median / p90, milliseconds). */
  public String cell() {
    return fmt(p50Millis) + " / " + fmt(p90Millis);
  }

  /** {@code 1.2 / 5.6} (median / p99, milliseconds). */
  public String cell99() {
    return fmt(p50Millis) + " / " + fmt(p99Millis);
  }

  private static String fmt(double ms) {
    return ms < 10 ? String.format(Locale.ROOT, "%.2f", ms) : String.format(Locale.ROOT, "%.0f", ms);
  }
}
