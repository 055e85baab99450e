package io.lookout.model.metrics;

/**
 * Bounds of one select: exceeding either fails the select with an EXECUTION (422) error naming
 * the limit, never an out-of-memory.
 *
 * @param maxSeries most series a select may return
 * @param maxSamples most samples (floats plus histograms) a select may return
 * @param timeoutMillis time budget
 */
public record SelectLimits(int maxSeries, long maxSamples, long timeoutMillis) {}
