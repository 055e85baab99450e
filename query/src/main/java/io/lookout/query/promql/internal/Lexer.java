package io.lookout.query.promql.internal;

import io.lookout.query.promql.PromqlParseException;
import io.lookout.query.promql.internal.Token.Kind;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Splits a query into tokens on demand, so that a lexical error past a syntax error is not
 * reported first. Errors point at the start of the offending token.
 */
public final class Lexer {
  private static final Pattern DURATION =
      Pattern.compile("(\\d+y)?(\\d+w)?(\\d+d)?(\\d+h)?(\\d+m)?(\\d+s)?(\\d+ms)?");

  private final String in;
  private int pos;
  private int bracketDepth;

  public Lexer(String input) {
    this.in = input;
  }

  /** The next token; {@link Kind#EOF} at the end, again on every later call. */
  public Token next() {
    skipSpaceAndComments();
    int start = pos;
    if (pos >= in.length()) {
      return new Token(Kind.EOF, "", "", start, start);
    }
    char c = in.charAt(pos);
    if (isDigit(c) || (c == '.' && pos + 1 < in.length() && isDigit(in.charAt(pos + 1)))) {
      return number(start);
    }
    if (isIdentStart(c) || (c == ':' && bracketDepth == 0)) {
      pos++;
      while (pos < in.length() && (isIdentPart(in.charAt(pos)) || (in.charAt(pos) == ':' && bracketDepth == 0))) {
        pos++;
      }
      return token(Kind.IDENTIFIER, start);
    }
    if (c == '"' || c == '\'') {
      return quoted(start, c);
    }
    if (c == '`') {
      int close = in.indexOf('`', pos + 1);
      if (close < 0) {
        throw error(start, "unterminated raw string");
      }
      pos = close + 1;
      return new Token(Kind.STRING, in.substring(start, pos), in.substring(start + 1, close), start, pos);
    }
    pos++;
    Kind kind =
        switch (c) {
          case '(' -> Kind.LEFT_PAREN;
          case ')' -> Kind.RIGHT_PAREN;
          case '{' -> Kind.LEFT_BRACE;
          case '}' -> Kind.RIGHT_BRACE;
          case '[' -> {
            bracketDepth++;
            yield Kind.LEFT_BRACKET;
          }
          case ']' -> {
            bracketDepth = Math.max(0, bracketDepth - 1);
            yield Kind.RIGHT_BRACKET;
          }
          case ',' -> Kind.COMMA;
          case ':' -> Kind.COLON;
          case '@' -> Kind.AT;
          case '+' -> Kind.PLUS;
          case '-' -> Kind.MINUS;
          case '*' -> Kind.TIMES;
          case '/' -> Kind.DIVIDE;
          case '%' -> Kind.MODULO;
          case '^' -> Kind.POWER;
          case '=' -> accept('=') ? Kind.EQUAL : accept('~') ? Kind.REGEX_MATCH : Kind.ASSIGN;
          case '<' -> accept('=') ? Kind.LESS_EQUAL : Kind.LESS;
          case '>' -> accept('=') ? Kind.GREATER_EQUAL : Kind.GREATER;
          case '!' -> {
            if (accept('=')) {
              yield Kind.NOT_EQUAL;
            }
            if (accept('~')) {
              yield Kind.REGEX_NOT_MATCH;
            }
            throw error(start, "unexpected character after \"!\": use != or !~");
          }
          default ->
              throw error(
                  start,
                  "unexpected character " + Printer.quote(new String(Character.toChars(in.codePointAt(start)))));
        };
    return token(kind, start);
  }

  private void skipSpaceAndComments() {
    while (pos < in.length()) {
      char c = in.charAt(pos);
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        pos++;
      } else if (c == '#') {
        int nl = in.indexOf('\n', pos);
        pos = nl < 0 ? in.length() : nl + 1;
      } else {
        return;
      }
    }
  }

  private boolean accept(char c) {
    if (pos < in.length() && in.charAt(pos) == c) {
      pos++;
      return true;
    }
    return false;
  }

  private Token token(Kind kind, int start) {
    String text = in.substring(start, pos);
    return new Token(kind, text, text, start, pos);
  }

  private Token number(int start) {
    boolean plainInteger = true;
    if (in.charAt(pos) == '0' && pos + 1 < in.length() && (in.charAt(pos + 1) | 0x20) == 'x') {
      pos += 2;
      plainInteger = false;
      while (pos < in.length() && (isHexDigit(in.charAt(pos)) || in.charAt(pos) == '_')) {
        pos++;
      }
    } else {
      skipDigits();
      if (pos < in.length() && in.charAt(pos) == '.') {
        plainInteger = false;
        pos++;
        skipDigits();
      }
      if (pos < in.length() && (in.charAt(pos) | 0x20) == 'e') {
        int e = pos + 1;
        if (e < in.length() && (in.charAt(e) == '+' || in.charAt(e) == '-')) {
          e++;
        }
        if (e < in.length() && isDigit(in.charAt(e))) {
          plainInteger = false;
          pos = e;
          skipDigits();
        }
      }
    }
    String text = in.substring(start, pos);
    if (pos < in.length() && (isIdentPart(in.charAt(pos)) || in.charAt(pos) == '.')) {
      int end = pos;
      while (end < in.length() && (isIdentPart(in.charAt(end)) || in.charAt(end) == '.')) {
        end++;
      }
      String run = in.substring(start, end);
      if (plainInteger && text.indexOf('_') < 0 && DURATION.matcher(run).matches()) {
        pos = end;
        return token(Kind.DURATION, start);
      }
      throw error(start, "bad number or duration syntax: " + Printer.quote(run));
    }
    if (!underscoresValid(text)) {
      throw error(start, "bad number or duration syntax: " + Printer.quote(text));
    }
    return token(Kind.NUMBER, start);
  }

  private void skipDigits() {
    while (pos < in.length() && (isDigit(in.charAt(pos)) || in.charAt(pos) == '_')) {
      pos++;
    }
  }

  /** Go's rule: an underscore sits between two digits, or right after a 0x prefix. */
  private static boolean underscoresValid(String text) {
    boolean hex = text.length() > 1 && (text.charAt(1) | 0x20) == 'x';
    if (hex && text.replace("_", "").length() == 2) {
      return false;
    }
    for (int i = text.indexOf('_'); i >= 0; i = text.indexOf('_', i + 1)) {
      boolean before = i > 0 && (hex ? isHexDigit(text.charAt(i - 1)) : isDigit(text.charAt(i - 1)));
      boolean after =
          i + 1 < text.length() && (hex ? isHexDigit(text.charAt(i + 1)) : isDigit(text.charAt(i + 1)));
      if (!(before || (hex && i == 2)) || !after) {
        return false;
      }
    }
    return true;
  }

  private Token quoted(int start, char quote) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    pos++;
    while (true) {
      if (pos >= in.length() || in.charAt(pos) == '\n') {
        throw error(start, "unterminated quoted string");
      }
      int cp = in.codePointAt(pos);
      if (cp == quote) {
        pos++;
        String value = out.toString(StandardCharsets.UTF_8);
        return new Token(Kind.STRING, in.substring(start, pos), value, start, pos);
      }
      if (cp != '\\') {
        appendUtf8(out, cp);
        pos += Character.charCount(cp);
        continue;
      }
      int escape = pos;
      pos++;
      if (pos >= in.length()) {
        throw error(start, "unterminated quoted string");
      }
      char e = in.charAt(pos++);
      switch (e) {
        case 'a' -> out.write(0x07);
        case 'b' -> out.write('\b');
        case 'f' -> out.write('\f');
        case 'n' -> out.write('\n');
        case 'r' -> out.write('\r');
        case 't' -> out.write('\t');
        case 'v' -> out.write(0x0b);
        case '\\' -> out.write('\\');
        case '0', '1', '2', '3', '4', '5', '6', '7' -> {
          pos--;
          int v = digits(escape, 3, 8);
          if (v > 255) {
            throw error(escape, "octal escape value " + v + " > 255");
          }
          out.write(v);
        }
        case 'x' -> out.write(digits(escape, 2, 16));
        case 'u', 'U' -> {
          int v = digits(escape, e == 'u' ? 4 : 8, 16);
          if (v > Character.MAX_CODE_POINT || v < 0 || (v >= 0xD800 && v <= 0xDFFF)) {
            throw error(escape, "escape sequence is an invalid unicode code point");
          }
          appendUtf8(out, v);
        }
        default -> {
          if (e != quote) {
            throw error(escape, "unknown escape sequence " + Printer.quote("\\" + e));
          }
          out.write(e);
        }
      }
    }
  }

  private int digits(int escape, int count, int radix) {
    long v = 0;
    for (int i = 0; i < count; i++) {
      int d = pos < in.length() ? Character.digit(in.charAt(pos), radix) : -1;
      if (d < 0) {
        throw error(escape, "illegal character in escape sequence: expected " + count
            + (radix == 8 ? " octal" : " hex") + " digits");
      }
      v = v * radix + d;
      pos++;
    }
    return v > Integer.MAX_VALUE ? -1 : (int) v;
  }

  private static void appendUtf8(ByteArrayOutputStream out, int cp) {
    out.writeBytes(new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
  }

  private PromqlParseException error(int at, String detail) {
    return new PromqlParseException(in, at, detail);
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isHexDigit(char c) {
    return isDigit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
  }

  private static boolean isIdentStart(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  }

  private static boolean isIdentPart(char c) {
    return isIdentStart(c) || isDigit(c);
  }
}
