package io.lookout.query.promql.internal;

import io.lookout.query.promql.AggregateOp;
import io.lookout.query.promql.Binary;
import io.lookout.query.promql.BinaryOp;
import io.lookout.query.promql.Expr;
import io.lookout.query.promql.Function;
import io.lookout.query.promql.ValueType;
import io.lookout.query.promql.VectorMatching;
import java.util.List;

/** The static type rules Prometheus applies while parsing. */
final class Checks {
  private Checks() {}

  static Binary binary(
      Parser p,
      BinaryOp op,
      Token opToken,
      Expr lhs,
      Expr rhs,
      boolean returnBool,
      VectorMatching matching) {
    for (Expr side : List.of(lhs, rhs)) {
      if (side.type() != ValueType.SCALAR && side.type() != ValueType.VECTOR) {
        throw p.error(
            side.pos().start(),
            "binary expression must contain only scalar and instant vector types, got "
                + side.type().description());
      }
    }
    boolean bothVectors = lhs.type() == ValueType.VECTOR && rhs.type() == ValueType.VECTOR;
    boolean anyScalar = lhs.type() == ValueType.SCALAR || rhs.type() == ValueType.SCALAR;
    boolean bothScalars = lhs.type() == ValueType.SCALAR && rhs.type() == ValueType.SCALAR;
    if (op.isComparison() && !returnBool && bothScalars) {
      throw p.error(opToken.start(), "comparisons between scalars must use BOOL modifier");
    }
    if (op.isSetOperator() && anyScalar) {
      throw p.error(
          opToken.start(),
          "set operator " + Printer.quote(op.symbol()) + " not allowed in binary scalar expression");
    }
    if (matching != null
        && !bothVectors
        && (!matching.labels().isEmpty()
            || matching.cardinality() != VectorMatching.Cardinality.ONE_TO_ONE)) {
      throw p.error(opToken.start(), "vector matching only allowed between instant vectors");
    }
    return new Binary(op, lhs, rhs, returnBool, matching, lhs.pos().to(rhs.pos()));
  }

  static void call(Parser p, Function f, Token name, List<Expr> args) {
    int n = args.size();
    String quoted = Printer.quote(f.name());
    if (f.minArgs() == f.maxArgs() && n != f.minArgs()) {
      throw p.error(
          name.start(),
          "expected " + f.minArgs() + " argument(s) in call to " + quoted + ", got " + n);
    }
    if (n < f.minArgs()) {
      throw p.error(
          name.start(),
          "expected at least " + f.minArgs() + " argument(s) in call to " + quoted + ", got " + n);
    }
    if (f.maxArgs() >= 0 && n > f.maxArgs()) {
      throw p.error(
          name.start(),
          "expected at most " + f.maxArgs() + " argument(s) in call to " + quoted + ", got " + n);
    }
    for (int i = 0; i < n; i++) {
      Expr arg = args.get(i);
      if (arg.type() != f.argType(i)) {
        throw p.error(
            arg.pos().start(),
            "expected type "
                + f.argType(i).description()
                + " in call to function "
                + quoted
                + ", got "
                + arg.type().description());
      }
    }
  }

  static void aggregate(Parser p, AggregateOp op, Token name, List<Expr> args) {
    int want = op.parameterType() == null ? 1 : 2;
    if (args.size() != want) {
      throw p.error(
          name.start(),
          "wrong number of arguments for aggregate expression provided, expected "
              + want
              + ", got "
              + args.size());
    }
    if (want == 2 && args.get(0).type() != op.parameterType()) {
      throw p.error(
          args.get(0).pos().start(),
          "expected type "
              + op.parameterType().description()
              + " in aggregation parameter, got "
              + args.get(0).type().description());
    }
    Expr e = args.get(want - 1);
    if (e.type() != ValueType.VECTOR) {
      throw p.error(
          e.pos().start(),
          "expected type instant vector in aggregation expression, got " + e.type().description());
    }
  }
}
