package io.lookout.query.promql.internal;

import io.lookout.query.promql.AtModifier;
import io.lookout.query.promql.Expr;
import io.lookout.query.promql.MatrixSelector;
import io.lookout.query.promql.Subquery;
import io.lookout.query.promql.ValueType;
import io.lookout.query.promql.VectorSelector;
import io.lookout.query.promql.internal.Token.Kind;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;

/**
 * The suffixes that bind tighter than any operator: ranges {@code [5m]}, subqueries {@code
 * [1h:5m]}, {@code offset} and {@code @}.
 */
final class Postfix {
  private final Parser p;
  private boolean offsetSet;
  private boolean atSet;

  Postfix(Parser p) {
    this.p = p;
  }

  Expr apply(Expr e) {
    int start = e.pos().start();
    while (true) {
      Token t = p.peekToken(0);
      if (t.kind() == Kind.LEFT_BRACKET) {
        p.nextToken();
        e = range(e, t, start);
        offsetSet = false;
        atSet = false;
      } else if (t.isWord("offset")) {
        p.nextToken();
        boolean negative = false;
        Kind k = p.peekToken(0).kind();
        if (k == Kind.MINUS || k == Kind.PLUS) {
          negative = p.nextToken().kind() == Kind.MINUS;
        }
        Duration d = duration(p, "offset", "duration");
        e = modify(e, t, negative ? d.negated() : d, null, start);
      } else if (t.kind() == Kind.AT) {
        p.nextToken();
        e = modify(e, t, null, at(), start);
      } else {
        return e;
      }
    }
  }

  private Expr range(Expr e, Token open, int start) {
    Duration range = duration(p, "subquery or range selector", "duration");
    Token t = p.nextToken();
    if (t.kind() == Kind.COLON) {
      Duration step = Duration.ZERO;
      if (p.peekToken(0).kind() != Kind.RIGHT_BRACKET) {
        step = duration(p, "subquery selector", "duration or \"]\"");
      }
      p.expectToken(Kind.RIGHT_BRACKET, "subquery selector");
      if (e.type() != ValueType.VECTOR) {
        throw p.error(
            open.start(),
            "subquery is only allowed on instant vector, got " + e.type().description());
      }
      return new Subquery(e, range, step, Duration.ZERO, null, p.rangeFrom(start));
    }
    if (t.kind() != Kind.RIGHT_BRACKET) {
      throw p.unexpectedToken(t, "subquery or range selector", "\":\" or \"]\"");
    }
    if (!(e instanceof VectorSelector v)) {
      throw p.error(open.start(), "ranges only allowed for vector selectors");
    }
    if (!v.offset().isZero() || offsetSet) {
      throw p.error(open.start(), "no offset modifiers allowed before range");
    }
    if (v.at() != null) {
      throw p.error(open.start(), "no @ modifiers allowed before range");
    }
    return new MatrixSelector(v, range, p.rangeFrom(start));
  }

  /** Sets an offset (when {@code offset} is non-null) or an {@code @} modifier on {@code e}. */
  private Expr modify(Expr e, Token t, Duration offset, AtModifier at, int start) {
    String what = offset != null ? "offset" : "@";
    if (offset != null ? offsetSet : atSet) {
      throw p.error(
          t.start(),
          offset != null ? "offset may not be set multiple times" : "@ <timestamp> may not be set multiple times");
    }
    if (offset != null) {
      offsetSet = true;
    } else {
      atSet = true;
    }
    return switch (e) {
      case VectorSelector v ->
          new VectorSelector(
              v.name(),
              v.matchers(),
              offset != null ? offset : v.offset(),
              at != null ? at : v.at(),
              p.rangeFrom(start));
      case MatrixSelector m -> {
        VectorSelector v = m.selector();
        yield new MatrixSelector(
            v.withModifiers(offset != null ? offset : v.offset(), at != null ? at : v.at()),
            m.range(),
            p.rangeFrom(start));
      }
      case Subquery s ->
          new Subquery(
              s.expr(),
              s.range(),
              s.step(),
              offset != null ? offset : s.offset(),
              at != null ? at : s.at(),
              p.rangeFrom(start));
      default ->
          throw p.error(
              t.start(),
              what
                  + " modifier must be preceded by an instant vector selector or range vector"
                  + " selector or a subquery");
    };
  }

  /** A duration or a number of seconds, as in {@code [5m]}, {@code [300]} or {@code offset 1h}. */
  static Duration duration(Parser p, String context, String expected) {
    Token t = p.nextToken();
    Duration d;
    if (t.kind() == Kind.DURATION) {
      d = Literals.duration(t.text());
    } else if (t.kind() == Kind.NUMBER) {
      d = Literals.secondsToDuration(t.text());
    } else {
      throw p.unexpectedToken(t, context, expected);
    }
    if (d == null) {
      throw p.error(t.start(), "duration out of range: " + Printer.quote(t.text()));
    }
    return d;
  }

  /** The value after {@code @}: a Unix time in seconds, {@code start()} or {@code end()}. */
  private AtModifier at() {
    Token t = p.peekToken(0);
    if (t.isWord("start") || t.isWord("end")) {
      p.nextToken();
      p.expectToken(Kind.LEFT_PAREN, "@ modifier");
      p.expectToken(Kind.RIGHT_PAREN, "@ modifier");
      return t.isWord("start") ? AtModifier.START : AtModifier.END;
    }
    boolean negative = false;
    if (t.kind() == Kind.MINUS || t.kind() == Kind.PLUS) {
      negative = p.nextToken().kind() == Kind.MINUS;
      t = p.peekToken(0);
    }
    if (t.isWord("inf") || t.isWord("nan")) {
      throw p.error(t.start(), "timestamp out of bounds for @ modifier: use a finite unix time");
    }
    Duration seconds = duration(p, "@ modifier", "timestamp");
    long ms;
    try {
      ms = new BigDecimal(seconds.getSeconds())
          .add(BigDecimal.valueOf(seconds.getNano(), 9))
          .movePointRight(3)
          .setScale(0, RoundingMode.HALF_EVEN)
          .longValueExact();
    } catch (ArithmeticException e) {
      throw p.error(t.start(), "timestamp out of bounds for @ modifier: use a finite unix time");
    }
    return AtModifier.at(negative ? -ms : ms);
  }
}
