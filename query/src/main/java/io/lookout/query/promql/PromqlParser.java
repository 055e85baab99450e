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
    return new Parser(query).parse();
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
