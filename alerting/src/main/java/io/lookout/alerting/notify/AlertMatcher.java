package io.lookout.alerting.notify;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import io.lookout.model.regex.GoRegex;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One label matcher in Alertmanager syntax: {@code name="value"}, {@code name!=value},
 * {@code name=~"re"}, {@code name!~"re"}. Regular expressions are fully anchored and run in
 * linear time (RE2 syntax and semantics, as Alertmanager). A missing label matches as the empty
 * string, as in Alertmanager.
 */
record AlertMatcher(String name, Op op, String value, Pattern pattern) {

  enum Op {
    EQ("="),
    NE("!="),
    RE("=~"),
    NRE("!~");

    final String symbol;

    Op(String symbol) {
      this.symbol = symbol;
    }
  }

  AlertMatcher {
    Objects.requireNonNull(name);
    Objects.requireNonNull(op);
    Objects.requireNonNull(value);
  }

  static AlertMatcher of(String name, Op op, String value) {
    Pattern p = null;
    if (op == Op.RE || op == Op.NRE) {
      String repeat = GoRegex.repeatProblem(value); // before RE2/J expands it
      if (repeat != null) {
        throw new IllegalArgumentException("invalid regular expression for label '" + name + "': " + repeat);
      }
      try {
        p = Pattern.compile("(?:" + value + ")", Pattern.DOTALL);
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException(
            "invalid regular expression for label '" + name + "': " + e.getDescription());
      }
    }
    return new AlertMatcher(name, op, value, p);
  }

  boolean matches(Map<String, String> labels) {
    String v = labels.getOrDefault(name, "");
    return switch (op) {
      case EQ -> v.equals(value);
      case NE -> !v.equals(value);
      case RE -> pattern.matcher(v).matches();
      case NRE -> !pattern.matcher(v).matches();
    };
  }

  static boolean all(List<AlertMatcher> matchers, Map<String, String> labels) {
    for (AlertMatcher m : matchers) {
      if (!m.matches(labels)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return name + op.symbol + '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }

  static String format(List<AlertMatcher> matchers) {
    StringBuilder sb = new StringBuilder("{");
    for (int i = 0; i < matchers.size(); i++) {
      sb.append(i == 0 ? "" : ",").append(matchers.get(i));
    }
    return sb.append('}').toString();
  }

  /**
   * Parses one matcher string, or several separated by commas, optionally inside braces
   * ({@code {a="b", c=~"d.*"}}). Values may be double-quoted (with backslash escapes) or bare.
   *
   * @throws IllegalArgumentException with a message saying what was wrong and what is allowed
   */
  static List<AlertMatcher> parse(String input) {
    String s = input.strip();
    if (s.startsWith("{")) {
      if (!s.endsWith("}")) {
        throw new IllegalArgumentException("matcher '" + input + "' opens '{' but does not close it");
      }
      s = s.substring(1, s.length() - 1).strip();
    }
    List<AlertMatcher> out = new ArrayList<>();
    int[] pos = {0};
    while (true) {
      skipSpace(s, pos);
      if (pos[0] >= s.length()) {
        break;
      }
      out.add(parseOne(s, pos, input));
      skipSpace(s, pos);
      if (pos[0] < s.length()) {
        if (s.charAt(pos[0]) != ',') {
          throw new IllegalArgumentException(
              "matcher '" + input + "': expected ',' between matchers at position " + pos[0]);
        }
        pos[0]++;
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(
          "empty matcher: use name=\"value\", name!=\"value\", name=~\"regex\" or name!~\"regex\"");
    }
    return out;
  }

  private static AlertMatcher parseOne(String s, int[] pos, String input) {
    String name;
    if (s.charAt(pos[0]) == '"') {
      name = quoted(s, pos, input);
    } else {
      int start = pos[0];
      while (pos[0] < s.length() && isNameChar(s.charAt(pos[0]), pos[0] == start)) {
        pos[0]++;
      }
      name = s.substring(start, pos[0]);
    }
    if (name.isEmpty()) {
      throw syntax(input);
    }
    skipSpace(s, pos);
    Op op;
    if (s.startsWith("=~", pos[0])) {
      op = Op.RE;
    } else if (s.startsWith("!~", pos[0])) {
      op = Op.NRE;
    } else if (s.startsWith("!=", pos[0])) {
      op = Op.NE;
    } else if (s.startsWith("=", pos[0])) {
      op = Op.EQ;
    } else {
      throw syntax(input);
    }
    pos[0] += op.symbol.length();
    skipSpace(s, pos);
    String value;
    if (pos[0] < s.length() && s.charAt(pos[0]) == '"') {
      value = quoted(s, pos, input);
    } else {
      int start = pos[0];
      while (pos[0] < s.length() && s.charAt(pos[0]) != ',') {
        pos[0]++;
      }
      value = s.substring(start, pos[0]).strip();
      if (value.contains("\"") || value.startsWith("=") || value.startsWith("~")) {
        throw syntax(input);
      }
    }
    return of(name, op, value);
  }

  private static String quoted(String s, int[] pos, String input) {
    StringBuilder sb = new StringBuilder();
    int i = pos[0] + 1;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length()) {
        char n = s.charAt(i + 1);
        sb.append(switch (n) {
          case 'n' -> '\n';
          case 't' -> '\t';
          default -> n;
        });
        i += 2;
      } else if (c == '"') {
        pos[0] = i + 1;
        return sb.toString();
      } else {
        sb.append(c);
        i++;
      }
    }
    throw new IllegalArgumentException("matcher '" + input + "' has an unterminated quoted string");
  }

  private static boolean isNameChar(char c, boolean first) {
    return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (!first && c >= '0' && c <= '9');
  }

  private static void skipSpace(String s, int[] pos) {
    while (pos[0] < s.length() && Character.isWhitespace(s.charAt(pos[0]))) {
      pos[0]++;
    }
  }

  private static IllegalArgumentException syntax(String input) {
    return new IllegalArgumentException(
        "invalid matcher '" + input + "': use name=\"value\", name!=\"value\", name=~\"regex\""
            + " or name!~\"regex\"");
  }
}
