package io.lookout.query.promql;

import io.lookout.query.promql.internal.Printer;
import java.util.Objects;
import com.google.re2j.Pattern;

/** A label matcher such as {@code job=~"api.*"}. Regex matches are fully anchored. */
public record Matcher(String name, Op op, String value) {
  /** The label that holds the metric name. */
  public static final String METRIC_NAME = "__name__";

  /** The four matching operators. */
  public enum Op {
    EQUAL("="),
    NOT_EQUAL("!="),
    REGEX("=~"),
    NOT_REGEX("!~");

    private final String symbol;

    Op(String symbol) {
      this.symbol = symbol;
    }

    public String symbol() {
      return symbol;
    }

    public boolean isRegex() {
      return this == REGEX || this == NOT_REGEX;
    }
  }

  public Matcher {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(op, "op");
    Objects.requireNonNull(value, "value");
  }

  /**
   * Whether a series without this label (that is, with the empty value) matches. Uses {@code
   * RE2 (linear time) for regexes; the parser has already checked their syntax.
   */
  public boolean matchesEmpty() {
    return switch (op) {
      case EQUAL -> value.isEmpty();
      case NOT_EQUAL -> !value.isEmpty();
      case REGEX -> Pattern.compile(value).matcher("").matches();
      case NOT_REGEX -> !Pattern.compile(value).matcher("").matches();
    };
  }

  @Override
  public String toString() {
    return Printer.labelName(name) + op.symbol + Printer.quote(value);
  }
}
