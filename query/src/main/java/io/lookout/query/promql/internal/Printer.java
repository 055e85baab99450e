package io.lookout.query.promql.internal;

import io.lookout.query.promql.Aggregate;
import io.lookout.query.promql.AggregateOp;
import io.lookout.query.promql.AtModifier;
import io.lookout.query.promql.Binary;
import io.lookout.query.promql.BinaryOp;
import io.lookout.query.promql.Call;
import io.lookout.query.promql.Expr;
import io.lookout.query.promql.MatrixSelector;
import io.lookout.query.promql.NumberLiteral;
import io.lookout.query.promql.Paren;
import io.lookout.query.promql.StringLiteral;
import io.lookout.query.promql.Subquery;
import io.lookout.query.promql.Unary;
import io.lookout.query.promql.VectorMatching;
import io.lookout.query.promql.VectorSelector;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Renders expressions as canonical PromQL. Parsed trees print back exactly as their structure
 * (parentheses are {@link Paren} nodes); trees built in code get the parentheses they need.
 */
public final class Printer {
  private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
  private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  /** Words that cannot stand as a bare metric name. */
  private static final Set<String> NOT_BARE =
      Set.of(
          "and", "or", "unless", "atan2", "bool", "on", "ignoring", "group_left", "group_right",
          "by", "without", "offset", "inf", "nan");

  private Printer() {}

  public static String print(Expr e) {
    return switch (e) {
      case NumberLiteral n -> number(n.value());
      case StringLiteral s -> quote(s.value());
      case VectorSelector v -> selector(v) + modifiers(v.offset(), v.at());
      case MatrixSelector m ->
          selector(m.selector())
              + "["
              + duration(m.range())
              + "]"
              + modifiers(m.selector().offset(), m.selector().at());
      case Subquery s ->
          primary(s.expr())
              + "["
              + duration(s.range())
              + ":"
              + (s.step().isZero() ? "" : duration(s.step()))
              + "]"
              + modifiers(s.offset(), s.at());
      case Call c ->
          c.function().name()
              + c.args().stream().map(Printer::print).collect(Collectors.joining(", ", "(", ")"));
      case Aggregate a -> aggregate(a);
      case Binary b -> binary(b);
      case Unary u ->
          (u.negative() ? "-" : "+")
              + (needsParensUnder(u.expr(), BinaryOp.UNARY_PRECEDENCE + 1)
                  ? "(" + print(u.expr()) + ")"
                  : print(u.expr()));
      case Paren p -> "(" + print(p.expr()) + ")";
    };
  }

  private static String primary(Expr e) {
    return e instanceof Binary || e instanceof Unary ? "(" + print(e) + ")" : print(e);
  }

  private static boolean needsParensUnder(Expr e, int minPrecedence) {
    return e instanceof Binary b && b.op().precedence() < minPrecedence;
  }

  private static String aggregate(Aggregate a) {
    StringBuilder sb = new StringBuilder(a.op().symbol());
    if (a.without() || !a.grouping().isEmpty()) {
      sb.append(a.without() ? " without " : " by ").append(labelList(a.grouping())).append(' ');
    }
    sb.append('(');
    if (a.param() != null) {
      sb.append(print(a.param())).append(", ");
    }
    return sb.append(print(a.expr())).append(')').toString();
  }

  private static String binary(Binary b) {
    BinaryOp op = b.op();
    int p = op.precedence();
    boolean lhsParens =
        needsParensUnder(b.lhs(), op.rightAssociative() ? p + 1 : p)
            || (b.lhs() instanceof Unary && p > BinaryOp.UNARY_PRECEDENCE);
    boolean rhsParens = needsParensUnder(b.rhs(), op.rightAssociative() ? p : p + 1);
    StringBuilder sb = new StringBuilder();
    sb.append(lhsParens ? "(" + print(b.lhs()) + ")" : print(b.lhs()));
    sb.append(' ').append(op.symbol());
    if (b.returnBool()) {
      sb.append(" bool");
    }
    VectorMatching m = b.matching();
    if (m != null) {
      sb.append(m.on() ? " on " : " ignoring ").append(labelList(m.labels()));
      switch (m.cardinality()) {
        case MANY_TO_ONE -> sb.append(" group_left ").append(labelList(m.include()));
        case ONE_TO_MANY -> sb.append(" group_right ").append(labelList(m.include()));
        case ONE_TO_ONE -> {}
      }
    }
    sb.append(' ').append(rhsParens ? "(" + print(b.rhs()) + ")" : print(b.rhs()));
    return sb.toString();
  }

  private static String labelList(List<String> labels) {
    return labels.stream().map(Printer::labelName).collect(Collectors.joining(", ", "(", ")"));
  }

  private static String selector(VectorSelector v) {
    String name = v.name();
    boolean bare = !name.isEmpty() && isBareMetricName(name);
    StringBuilder sb = new StringBuilder();
    if (bare) {
      sb.append(name);
    }
    if (!bare || !v.matchers().isEmpty()) {
      String inside =
          v.matchers().stream().map(Object::toString).collect(Collectors.joining(", "));
      if (!bare && !name.isEmpty()) {
        inside = inside.isEmpty() ? quote(name) : quote(name) + ", " + inside;
      }
      sb.append('{').append(inside).append('}');
    }
    return sb.toString();
  }

  private static boolean isBareMetricName(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    return METRIC_NAME.matcher(name).matches()
        && !NOT_BARE.contains(lower)
        && AggregateOp.fromName(name) == null;
  }

  private static String modifiers(Duration offset, AtModifier at) {
    StringBuilder sb = new StringBuilder();
    if (!offset.isZero()) {
      sb.append(" offset ").append(duration(offset));
    }
    if (at != null) {
      sb.append(" @ ")
          .append(
              switch (at.kind()) {
                case START -> "start()";
                case END -> "end()";
                case TIMESTAMP ->
                    BigDecimal.valueOf(at.timestampMillis(), 3).stripTrailingZeros().toPlainString();
              });
    }
    return sb.toString();
  }

  /** A label name, quoted when it is not a legacy identifier. */
  public static String labelName(String name) {
    return LABEL_NAME.matcher(name).matches() ? name : quote(name);
  }

  /** A float as PromQL reads it back to the same value. */
  public static String number(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "Inf" : "-Inf";
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e15 && !(v == 0 && 1 / v < 0)) {
      return Long.toString((long) v);
    }
    return Double.toString(v);
  }

  /** A duration in Prometheus style ({@code 1h30m}, {@code 250ms}); negative with a sign. */
  public static String duration(Duration d) {
    if (d.isNegative()) {
      return "-" + duration(d.negated());
    }
    if (d.getNano() % 1_000_000 != 0) {
      return BigDecimal.valueOf(d.getSeconds())
          .add(BigDecimal.valueOf(d.getNano(), 9))
          .stripTrailingZeros()
          .toPlainString();
    }
    long ms = d.toMillis();
    if (ms == 0) {
      return "0s";
    }
    StringBuilder sb = new StringBuilder();
    long[] sizes = {365L * 86_400_000, 7L * 86_400_000, 86_400_000, 3_600_000, 60_000, 1000, 1};
    String[] units = {"y", "w", "d", "h", "m", "s", "ms"};
    for (int i = 0; i < sizes.length; i++) {
      if (ms >= sizes[i]) {
        sb.append(ms / sizes[i]).append(units[i]);
        ms %= sizes[i];
      }
    }
    return sb.toString();
  }

  /** A double-quoted string literal with Go-style escapes. */
  public static String quote(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\t' -> sb.append("\\t");
        case '\r' -> sb.append("\\r");
        case 0x07 -> sb.append("\\a");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        case 0x0b -> sb.append("\\v");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            sb.append(String.format("\\x%02x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }
}
