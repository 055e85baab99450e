package io.lookout.query.promql.eval;

/** The result of evaluating a PromQL expression: a scalar, a string, an instant vector or a matrix. */
public sealed interface Value permits Scalar, StringValue, Vector, Matrix {}
