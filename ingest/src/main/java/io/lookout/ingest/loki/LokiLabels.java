package io.lookout.ingest.loki;

import io.lookout.model.LookoutException;
import io.lookout.model.text.GoEscapes;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parses the {@code labels} string of a Loki protobuf stream: Prometheus selector syntax with
 * equality matchers only, {@code {app="api", env="prod"}}. Values are Go string literals in
 * double quotes (as Go's {@code strconv.Quote} writes them), single quotes or backquotes (raw);
 * escapes {@code \" \' \\ \n \t \r \a \b \f \v \xHH}, backslash-u with 4 and backslash-U with 8 hex
 * digits, and three-digit octal.
 * Label names follow Prometheus ({@code [a-zA-Z_][a-zA-Z0-9_]*}); a name may appear once; a
 * trailing comma is allowed. Strict: anything else is refused with the offset and what is allowed.
 */
public final class LokiLabels {
  /** What a valid labels string looks like, for the end of error messages. */
  static final String SYNTAX = "write stream labels as {name=\"value\", ...} with names of letters, digits and"
      + " '_' (not starting with a digit)";

  private final String s;
  private int i;

  private LokiLabels(String s) {
    this.s = s;
  }

  /**
   * The labels of {@code text}, in the order written.
   *
   * @throws LookoutException bad_data saying what is wrong and where
   */
  public static Map<String, String> parse(String text) {
    return new LokiLabels(text).run();
  }

  /** True for a Prometheus label name. */
  public static boolean validName(String name) {
    if (name.isEmpty() || name.length() > 1024) {
      return false;
    }
    for (int k = 0; k < name.length(); k++) {
      char c = name.charAt(k);
      boolean ok = c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (k > 0 && c >= '0' && c <= '9');
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private Map<String, String> run() {
    Map<String, String> out = new LinkedHashMap<>();
    skipSpace();
    expect('{', "'{' at the start");
    while (true) {
      skipSpace();
      if (peek() == '}') {
        i++;
        break;
      }
      String name = name();
      skipSpace();
      if (s.startsWith("!=", i) || s.startsWith("=~", i) || s.startsWith("!~", i)) {
        throw error("matcher '" + s.substring(i, i + 2) + "' after label '" + name + "': only '=' is allowed in"
            + " stream labels");
      }
      expect('=', "'=' after label name '" + name + "'");
      skipSpace();
      String value = value(name);
      if (out.putIfAbsent(name, value) != null) {
        throw error("duplicate label name '" + name + "': each name may appear once");
      }
      skipSpace();
      char c = peek();
      if (c == ',') {
        i++;
      } else if (c != '}') {
        throw error("expected ',' or '}' after the value of label '" + name + "'");
      }
    }
    skipSpace();
    if (i < s.length()) {
      throw error("unexpected text after the closing '}'");
    }
    return out;
  }

  private String name() {
    int start = i;
    while (i < s.length()) {
      char c = s.charAt(i);
      boolean ok = c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (i > start && c >= '0' && c <= '9');
      if (!ok) {
        break;
      }
      i++;
    }
    if (i == start) {
      throw error(i >= s.length() ? "unexpected end, expected a label name or '}'" : "expected a label name");
    }
    return s.substring(start, i);
  }

  private String value(String name) {
    char q = peek();
    if (q != '"' && q != '\'' && q != '`') {
      throw error("expected a quoted value for label '" + name + "'");
    }
    int open = i++;
    if (q == '`') {
      int end = s.indexOf('`', i);
      if (end < 0) {
        i = open;
        throw error("unterminated value of label '" + name + "'");
      }
      String v = s.substring(i, end);
      i = end + 1;
      return v;
    }
    StringBuilder b = new StringBuilder();
    while (true) {
      if (i >= s.length() || s.charAt(i) == '\n') {
        i = open;
        throw error("unterminated value of label '" + name + "'");
      }
      char c = s.charAt(i++);
      if (c == q) {
        return b.toString();
      }
      if (c != '\\') {
        b.append(c);
        continue;
      }
      if (i >= s.length()) {
        i = open;
        throw error("unterminated value of label '" + name + "'");
      }
      try {
        i = GoEscapes.decode(s, i - 1, q, b);
      } catch (GoEscapes.BadEscape e) {
        i = e.at();
        throw error(e.getMessage());
      }
    }
  }

  private void skipSpace() {
    while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t' || s.charAt(i) == '\n' || s.charAt(i) == '\r')) {
      i++;
    }
  }

  private char peek() {
    return i < s.length() ? s.charAt(i) : 0;
  }

  private void expect(char c, String what) {
    if (peek() != c) {
      throw error("expected " + what);
    }
    i++;
  }

  private LookoutException error(String what) {
    return LookoutException.badData(what + " at offset " + Math.min(i, s.length()) + " of '" + abbreviate(s) + "'; "
        + SYNTAX);
  }

  static String abbreviate(String v) {
    return v.length() > 120 ? v.substring(0, 120) + "..." : v;
  }
}
