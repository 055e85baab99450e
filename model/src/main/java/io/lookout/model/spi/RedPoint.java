package io.lookout.model.spi;

/**
 * Requests in {@code [startNanos, startNanos + step)}: how many, how many failed (error status),
 * and duration percentiles in nanoseconds (NaN when there were no requests).
 */
public record RedPoint(long startNanos, long requests, long errors, double p50Nanos, double p90Nanos, double p99Nanos) {}
