package io.lookout.query.promql.internal;

import io.lookout.model.regex.GoRegex;
import io.lookout.query.promql.Matcher;
import io.lookout.query.promql.VectorSelector;
import io.lookout.query.promql.internal.Token.Kind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;

/** Parses instant vector selectors: a metric name and/or label matchers in braces. */
final class Selectors {
  private static final String CONTEXT = "label matching";

  private Selectors() {}

  /** A selector whose name (maybe "") has been consumed; reads the braces if any follow. */
  static VectorSelector selector(Parser p, String name, int start) {
    List<Matcher> matchers = new ArrayList<>();
    if (p.peekToken(0).kind() == Kind.LEFT_BRACE) {
      p.nextToken();
      while (p.peekToken(0).kind() != Kind.RIGHT_BRACE) {
        Token label = p.nextToken();
        Kind after = p.peekToken(0).kind();
        if (label.kind() == Kind.STRING && (after == Kind.COMMA || after == Kind.RIGHT_BRACE)) {
          name = setName(p, name, label, label.value());
        } else if (label.kind() == Kind.STRING
            || (label.kind() == Kind.IDENTIFIER && label.text().indexOf(':') < 0)) {
          matchers.add(matcher(p, label));
          if (matchers.getLast().name().equals(Matcher.METRIC_NAME) && !name.isEmpty()) {
            throw p.error(
                label.start(),
                "metric name must not be set twice: "
                    + Printer.quote(name)
                    + " or "
                    + Printer.quote(matchers.getLast().value()));
          }
        } else {
          throw p.unexpectedToken(label, CONTEXT, "label name");
        }
        Token sep = p.peekToken(0);
        if (sep.kind() == Kind.COMMA) {
          p.nextToken();
        } else if (sep.kind() != Kind.RIGHT_BRACE) {
          throw p.unexpectedToken(sep, CONTEXT, "\",\" or \"}\"");
        }
      }
      p.nextToken();
    }
    VectorSelector v = new VectorSelector(name, matchers, Duration.ZERO, null, p.rangeFrom(start));
    if (name.isEmpty() && matchers.stream().allMatch(Matcher::matchesEmpty)) {
      throw p.error(start, "vector selector must contain at least one non-empty matcher");
    }
    return v;
  }

  private static String setName(Parser p, String name, Token at, String newName) {
    if (!name.isEmpty()) {
      throw p.error(
          at.start(),
          "metric name must not be set twice: " + Printer.quote(name) + " or " + Printer.quote(newName));
    }
    return newName;
  }

  private static Matcher matcher(Parser p, Token label) {
    Token opToken = p.nextToken();
    Matcher.Op op =
        switch (opToken.kind()) {
          case ASSIGN -> Matcher.Op.EQUAL;
          case NOT_EQUAL -> Matcher.Op.NOT_EQUAL;
          case REGEX_MATCH -> Matcher.Op.REGEX;
          case REGEX_NOT_MATCH -> Matcher.Op.NOT_REGEX;
          default -> throw p.unexpectedToken(opToken, CONTEXT, "label matching operator");
        };
    Token value = p.peekToken(0);
    if (value.kind() != Kind.STRING) {
      throw p.unexpectedToken(value, CONTEXT, "string");
    }
    p.nextToken();
    if (op.isRegex()) {
      checkRegex(p, value);
    }
    return new Matcher(label.value(), op, value.value());
  }

  /**
   * Checks a matcher regex as Prometheus does: Go's repetition limits first (RE2/J would expand
   * nested counted repetitions into a huge program), then the bare and the anchored expression.
   */
  private static void checkRegex(Parser p, Token value) {
    String repeat = GoRegex.repeatProblem(value.value());
    if (repeat != null) {
      throw p.error(value.start(), "invalid regular expression " + Printer.quote(value.value()) + ": " + repeat);
    }
    try {
      Pattern.compile(value.value());
      Pattern.compile("^(?:" + value.value() + ")$");
    } catch (PatternSyntaxException e) {
      throw p.error(
          value.start(),
          "invalid regular expression " + Printer.quote(value.value()) + ": " + e.getDescription());
    }
  }
}
