package io.lookout.model.metrics;

import java.util.Objects;

/**
 * A label matcher of a series selector: {@code name op "value"}. Regular expressions are fully
 * anchored, as in Prometheus ({@code =~"a.*"} matches the whole value), and must be evaluated in
 * linear time by whoever matches them.
 */
public record LabelMatcher(String name, Type type, String value) {
  /** Matcher operators. */
  public enum Type {
    EQUAL("="),
    NOT_EQUAL("!="),
    REGEX("=~"),
    NOT_REGEX("!~");

    private final String symbol;

    Type(String symbol) {
      this.symbol = symbol;
    }

    public String symbol() {
      return symbol;
    }
  }

  public LabelMatcher {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(value, "value");
  }

  public static LabelMatcher eq(String name, String value) {
    return new LabelMatcher(name, Type.EQUAL, value);
  }

  @Override
  public String toString() {
    return name + type.symbol + '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }
}
