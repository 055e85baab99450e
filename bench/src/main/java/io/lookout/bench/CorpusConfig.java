package io.lookout.bench;

import java.time.Duration;

/**
 * Parameters of a {@link LogCorpus} stream; equal configs over the same files give equal streams.
 *
 * @param seed seeds every random choice; also names the needle token
 * @param plannedRecords records the run will take; spreads timestamps and needles over them
 * @param needles how many records among the first {@code plannedRecords} carry the needle
 * @param timeMode how timestamps are chosen
 * @param anchorNanos end of the timestamp window (Unix nanoseconds) in {@link TimeMode#SPREAD}
 * @param window length of the timestamp window
 * @param traceFraction share of records that carry a trace and span id, 0..1
 */
public record CorpusConfig(
    long seed,
    long plannedRecords,
    int needles,
    TimeMode timeMode,
    long anchorNanos,
    Duration window,
    double traceFraction) {

  public static final int DEFAULT_NEEDLES = 100;
  public static final Duration DEFAULT_WINDOW = Duration.ofHours(24);
  public static final double DEFAULT_TRACE_FRACTION = 0;

  public CorpusConfig {
    if (plannedRecords < 1) {
      throw new IllegalArgumentException(
          "planned records must be at least 1, got " + plannedRecords);
    }
    if (needles < 0) {
      throw new IllegalArgumentException("needles must be 0 or more, got " + needles);
    }
    if (window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("time window must be positive, got " + window);
    }
    if (!(traceFraction >= 0 && traceFraction <= 1)) {
      throw new IllegalArgumentException(
          "trace fraction must be between 0 and 1, got " + traceFraction);
    }
  }

  /** Defaults: 100 needles, 24 h window ending at {@code anchorNanos}, no trace ids. */
  public static CorpusConfig of(long seed, long plannedRecords, long anchorNanos) {
    return new CorpusConfig(
        seed, plannedRecords, DEFAULT_NEEDLES, TimeMode.SPREAD, anchorNanos, DEFAULT_WINDOW,
        DEFAULT_TRACE_FRACTION);
  }

  public CorpusConfig withNeedles(int n) {
    return new CorpusConfig(seed, plannedRecords, n, timeMode, anchorNanos, window, traceFraction);
  }

  public CorpusConfig withTraceFraction(double fraction) {
    return new CorpusConfig(seed, plannedRecords, needles, timeMode, anchorNanos, window, fraction);
  }

  public CorpusConfig withTimeMode(TimeMode mode) {
    return new CorpusConfig(seed, plannedRecords, needles, mode, anchorNanos, window, traceFraction);
  }
}
