package io.lookout.query.promql;

/**
 * A node of a parsed PromQL expression. Nodes are immutable records; each knows its value type
 * and where it was found in the query. Equality ignores positions, and {@link #toString()}
 * renders canonical PromQL that parses back to an equal node.
 */
public sealed interface Expr
    permits NumberLiteral,
        StringLiteral,
        VectorSelector,
        MatrixSelector,
        Subquery,
        Call,
        Aggregate,
        Binary,
        Unary,
        Paren {

  /** The type this expression evaluates to. */
  ValueType type();

  /** Where the expression was found; {@link PositionRange#NONE} for nodes built in code. */
  PositionRange pos();
}
