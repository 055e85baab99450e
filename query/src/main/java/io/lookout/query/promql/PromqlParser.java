package io.lookout.query.promql;

import io.lookout.query.promql.internal.Parser;

/**
 * Parses PromQL as Prometheus 2.x and 3.x accept it, with Prometheus's static type checks.
 *
 * <pre>{@code
 * Expr e = PromqlParser.parse("sum by (job) (rate(http_requests_total[5m]))");
 * e.type();      // ValueType.VECTOR
 * e.toString();  // canonical PromQL
 * }</pre>
 */
public final class PromqlParser {
  private PromqlParser() {}

  /**
   * Parses one expression.
   *
   * @throws PromqlParseException naming the line and column of the offending token
   */
  public static Expr parse(String query) {
    checkNesting(query);
    try {
      return new Parser(query).parse();
    } catch (StackOverflowError e) { // unary chains and the like: refuse instead of failing the thread
      throw new PromqlParseException(query, 0, "expression nested too deeply: simplify it");
    }
  }

  /** Brackets nested deeper than this are refused before parsing (the parser recurses per level). */
  public static final int MAX_NESTING = 256;

  /** Refuses {@code (}, {@code [} and {@code {} nested deeper than {@link #MAX_NESTING}, outside string literals. */
  private static void checkNesting(String q) {
    int depth = 0;
    char quote = 0;
    for (int i = 0; i < q.length(); i++) {
      char c = q.charAt(i);
      if (quote != 0) {
        if (c == '\\' && quote != '`') {
          i++;
        } else if (c == quote) {
          quote = 0;
        }
      } else if (c == '"' || c == '\'' || c == '`') {
        quote = c;
      } else if (c == '(' || c == '[' || c == '{') {
        if (++depth > MAX_NESTING) {
          throw new PromqlParseException(q, i, "expression nested too deeply: at most " + MAX_NESTING
              + " levels of brackets; simplify it");
        }
      } else if ((c == ')' || c == ']' || c == '}') && depth > 0) {
        depth--;
      }
    }
  }

  /**
   * Parses a series selector as the Prometheus API's {@code match[]} takes it: an instant vector
   * selector without {@code offset} or {@code @}.
   *
   * @throws PromqlParseException when {@code query} is not such a selector
   */
  public static VectorSelector parseSelector(String query) {
    Expr e = parse(query);
    if (e instanceof VectorSelector v && v.offset().isZero() && v.at() == null) {
      return v;
    }
    throw new PromqlParseException(
        query, Math.max(0, e.pos().start()), "expected a vector selector such as up{job=\"api\"}");
  }
}
