package io.lookout.query.promql.eval;

/** A scalar result at a time (Unix milliseconds). */
public record Scalar(long timestampMillis, double value) implements Value {}
