package io.lookout.model.text;

/**
 * Backslash escapes of Go string literals, as {@code strconv.Unquote} reads them: {@code \a \b \f
 * \n \r \t \v \\}, the quote of the literal ({@code \"} in "..." and {@code \'} in '...' only),
 * {@code \xHH}, backslash-u with 4 hex digits and backslash-U with 8 (a code point, not a
 * surrogate), and octal {@code \OOO} up to {@code \377}. For the parsers of languages that quote like Go (Loki labels,
 * LogQL).
 */
public final class GoEscapes {
  /** A bad escape; {@link #at} is the offset of its backslash. */
  public static final class BadEscape extends IllegalArgumentException {
    private final int at;

    BadEscape(int at, String message) {
      super(message);
      this.at = at;
    }

    public int at() {
      return at;
    }
  }

  private GoEscapes() {}

  /**
   * Appends the character of the escape whose backslash is at {@code src[at]} to {@code out}.
   *
   * @param quote the quote of the literal, {@code '"'} or {@code '\''}
   * @return the offset just after the escape
   * @throws BadEscape when the escape is incomplete or not one Go allows there
   */
  public static int decode(String src, int at, char quote, StringBuilder out) {
    if (at + 1 >= src.length()) {
      throw new BadEscape(at, "unterminated string: close it with " + quote);
    }
    char e = src.charAt(at + 1);
    switch (e) {
      case 'a' -> out.append('\u0007');
      case 'b' -> out.append('\b');
      case 'f' -> out.append('\f');
      case 'n' -> out.append('\n');
      case 'r' -> out.append('\r');
      case 't' -> out.append('\t');
      case 'v' -> out.append('\u000b');
      case '\\' -> out.append('\\');
      case '"', '\'' -> {
        if (e != quote) {
          throw new BadEscape(at, "invalid escape \\" + e + " in a string quoted with " + quote);
        }
        out.append(e);
      }
      case 'x' -> {
        out.append((char) hex(src, at, 2));
        return at + 4;
      }
      case 'u', 'U' -> {
        int digits = e == 'u' ? 4 : 8;
        int cp = hex(src, at, digits);
        if (cp < 0 || cp > Character.MAX_CODE_POINT || (cp >= 0xD800 && cp <= 0xDFFF)) {
          throw new BadEscape(at, "invalid escape \\" + e + ": not a unicode code point");
        }
        out.appendCodePoint(cp);
        return at + 2 + digits;
      }
      case '0', '1', '2', '3', '4', '5', '6', '7' -> {
        int v = 0;
        for (int k = 1; k <= 3; k++) {
          char d = at + k < src.length() ? src.charAt(at + k) : 0;
          if (d < '0' || d > '7') {
            throw new BadEscape(at, "invalid octal escape: use three octal digits (\\101)");
          }
          v = v * 8 + (d - '0');
        }
        if (v > 255) {
          throw new BadEscape(at, "invalid octal escape above \\377");
        }
        out.append((char) v);
        return at + 4;
      }
      default -> throw new BadEscape(at, "invalid escape \\" + e + ": allowed are \\" + quote
          + " \\\\ \\n \\t \\r \\a \\b \\f \\v \\xHH \\uHHHH \\UHHHHHHHH and octal \\OOO");
    }
    return at + 2;
  }

  /** The value of the {@code digits} hex digits of the x, u or U escape at {@code at}; -1 above int. */
  private static int hex(String src, int at, int digits) {
    int from = at + 2;
    if (from + digits > src.length()) {
      throw new BadEscape(at, "invalid escape \\" + src.charAt(at + 1) + ": give " + digits + " hexadecimal digits");
    }
    long v = 0;
    for (int k = 0; k < digits; k++) {
      int d = Character.digit(src.charAt(from + k), 16);
      if (d < 0) {
        throw new BadEscape(at, "invalid escape \\" + src.charAt(at + 1) + ": give " + digits + " hexadecimal digits");
      }
      v = v * 16 + d;
    }
    return v > Integer.MAX_VALUE ? -1 : (int) v;
  }
}
