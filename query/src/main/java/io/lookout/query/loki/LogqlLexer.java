package io.lookout.query.loki;

import io.lookout.model.LookoutException;
import io.lookout.model.text.GoEscapes;
import java.util.ArrayList;
import java.util.List;

/** Tokens of LogQL: identifiers, numbers, strings ({@code "..."} with Go escapes, {@code `...`} raw), operators, ranges. */
final class LogqlLexer {
  enum Kind { IDENT, NUMBER, STRING, OP, RANGE, END }

  record Token(Kind kind, String text, int offset) {
    boolean is(String s) {
      return kind != Kind.STRING && text.equals(s);
    }

    boolean isIdent(String s) {
      return kind == Kind.IDENT && text.equals(s);
    }

    boolean isEnd() {
      return kind == Kind.END;
    }
  }

  private static final String[] OPS = {"|=", "|~", "|>", "!=", "!~", "!>", "=~", "==", ">=", "<=", "|", "=", ">",
    "<", "{", "}", "(", ")", ",", "+", "-", "*", "/", "%", "^"};

  private LogqlLexer() {}

  static List<Token> tokens(String src) {
    List<Token> out = new ArrayList<>();
    int i = 0;
    int n = src.length();
    outer:
    while (i < n) {
      char c = src.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
        continue;
      }
      if (c == '#') { // comment to the end of the line
        while (i < n && src.charAt(i) != '\n') {
          i++;
        }
        continue;
      }
      int start = i;
      if (c == '"') {
        StringBuilder b = new StringBuilder();
        i++;
        while (true) {
          if (i >= n || src.charAt(i) == '\n') {
            throw error(src, start, "unterminated string, close it with \"");
          }
          char d = src.charAt(i);
          if (d == '"') {
            i++;
            break;
          }
          if (d == '\\') {
            i = escape(src, i, b);
          } else {
            b.append(d);
            i++;
          }
        }
        out.add(new Token(Kind.STRING, b.toString(), start));
        continue;
      }
      if (c == '`') {
        int end = src.indexOf('`', i + 1);
        if (end < 0) {
          throw error(src, start, "unterminated raw string, close it with `");
        }
        out.add(new Token(Kind.STRING, src.substring(i + 1, end), start));
        i = end + 1;
        continue;
      }
      if (c == '[') {
        int end = src.indexOf(']', i + 1);
        if (end < 0) {
          throw error(src, start, "unterminated range, close it with ]");
        }
        out.add(new Token(Kind.RANGE, src.substring(i + 1, end).trim(), start));
        i = end + 1;
        continue;
      }
      if (Character.isLetter(c) || c == '_' || Character.isDigit(c) || (c == '.' && i + 1 < n && Character.isDigit(src.charAt(i + 1)))) {
        while (i < n && (Character.isLetterOrDigit(src.charAt(i)) || src.charAt(i) == '_' || src.charAt(i) == '.'
            || (i > start && (src.charAt(i) == '+' || src.charAt(i) == '-') && (src.charAt(i - 1) == 'e' || src.charAt(i - 1) == 'E')
                && Character.isDigit(src.charAt(start))))) {
          i++;
        }
        String w = src.substring(start, i);
        boolean number = w.matches("[0-9]*\\.?[0-9]+([eE][-+]?[0-9]+)?|[0-9]+\\.");
        if (!number && Character.isDigit(c) || (!number && c == '.')) {
          out.add(new Token(Kind.IDENT, w, start)); // a duration or bytes value such as 10ms or 5MB
        } else {
          out.add(new Token(number ? Kind.NUMBER : Kind.IDENT, w, start));
        }
        continue;
      }
      for (String op : OPS) {
        if (src.startsWith(op, i)) {
          out.add(new Token(Kind.OP, op, start));
          i += op.length();
          continue outer;
        }
      }
      throw error(src, start, "unexpected character '" + c + "'");
    }
    out.add(new Token(Kind.END, "", n));
    return out;
  }

  /** Appends the character of the Go escape at {@code i} (a backslash); returns the index after it. */
  private static int escape(String src, int i, StringBuilder b) {
    try {
      return GoEscapes.decode(src, i, '"', b);
    } catch (GoEscapes.BadEscape e) {
      throw error(src, e.at(), e.getMessage());
    }
  }

  /** {@code parse error at line L, col C: message}, as Loki words it (1-based line and column). */
  static LookoutException error(String src, int offset, String message) {
    int line = 1;
    int col = 1;
    for (int k = 0; k < offset && k < src.length(); k++) {
      if (src.charAt(k) == '\n') {
        line++;
        col = 1;
      } else {
        col++;
      }
    }
    return LookoutException.badData("parse error at line " + line + ", col " + col + ": " + message);
  }
}
