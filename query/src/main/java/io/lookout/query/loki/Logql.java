package io.lookout.query.loki;

import java.util.List;
import java.util.regex.Pattern;

/** The syntax tree of Lookout's LogQL subset; built by {@link LogqlParser}. */
public final class Logql {
  private Logql() {}

  /** A parsed query: a log query or a metric query. */
  public sealed interface Expr permits LogExpr, MetricExpr {}

  /** A metric query: a range aggregation, or a vector aggregation over a metric query. */
  public sealed interface MetricExpr extends Expr permits RangeAgg, VectorAgg {}

  /** Comparison of a matcher or string label filter. */
  public enum MatchOp {
    EQ("="), NEQ("!="), RE("=~"), NRE("!~");

    final String text;

    MatchOp(String text) {
      this.text = text;
    }
  }

  /**
   * {@code name op "value"}; regular expressions are anchored (RE2 syntax), as in Prometheus.
   *
   * @param re the compiled anchored expression, null for {@code =} and {@code !=}
   */
  public record Matcher(String name, MatchOp op, String value, com.google.re2j.Pattern re) {
    public boolean matches(String v) {
      String s = v == null ? "" : v;
      return switch (op) {
        case EQ -> s.equals(value);
        case NEQ -> !s.equals(value);
        case RE -> re.matches(s);
        case NRE -> !re.matches(s);
      };
    }
  }

  /** A stage of a log pipeline. */
  public sealed interface Stage permits LineFilter, ParserStage, LabelFilter, NumericFilter {}

  /**
   * {@code |= "s"}, {@code != "s"} (substring), {@code |~ "re"}, {@code !~ "re"} (unanchored).
   *
   * @param contains true for {@code |=} and {@code |~}
   */
  public record LineFilter(boolean contains, String value, com.google.re2j.Pattern re) implements Stage {
    public boolean test(String line) {
      boolean found = re == null ? line.contains(value) : re.matcher(line).find();
      return found == contains;
    }
  }

  /** {@code | json} or {@code | logfmt}, without parameters. */
  public record ParserStage(String kind) implements Stage {}

  /** {@code | name="v"} (also {@code !=}, {@code =~}, {@code !~}): an absent label is the empty string. */
  public record LabelFilter(Matcher matcher) implements Stage {}

  /** Numeric comparison of a label: {@code | name > 1.5}; {@code op} is one of {@code > >= < <= == !=}. */
  public record NumericFilter(String name, String op, double value) implements Stage {
    public boolean test(double v) {
      return switch (op) {
        case ">" -> v > value;
        case ">=" -> v >= value;
        case "<" -> v < value;
        case "<=" -> v <= value;
        case "==" -> v == value;
        default -> v != value;
      };
    }
  }

  /** A stream selector and its pipeline. */
  public record LogExpr(List<Matcher> matchers, List<Stage> stages) implements Expr {}

  /** {@code count_over_time}, {@code rate}, {@code bytes_over_time} or {@code bytes_rate} over a window. */
  public record RangeAgg(String function, LogExpr log, long rangeNanos) implements MetricExpr {}

  /**
   * {@code sum|avg|min|max|count|topk|bottomk} with optional {@code by} / {@code without}.
   *
   * @param k the parameter of topk and bottomk, 0 otherwise
   * @param grouping the label names of by / without; null when neither was given
   */
  public record VectorAgg(String op, int k, boolean without, List<String> grouping, MetricExpr inner)
      implements MetricExpr {}

  /** Label names as Loki and Prometheus allow them. */
  static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
}
