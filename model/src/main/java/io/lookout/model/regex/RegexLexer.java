package io.lookout.model.regex;

import io.lookout.model.regex.RegexToken.Kind;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits Go/RE2 syntax (Perl flags) into tokens, in one pass without recursion, for checks that
 * must run before an expression is compiled ({@link GoRegex}) and for the fast paths of label
 * matching. Shallow: it never fails; what it does not understand becomes an OPAQUE token.
 */
public final class RegexLexer {
  private final String s;
  private int i;
  private final List<RegexToken> out = new ArrayList<>();

  private RegexLexer(String s) {
    this.s = s;
  }

  /** The tokens of {@code re}. */
  public static List<RegexToken> tokens(String re) {
    return new RegexLexer(re).run();
  }

  private List<RegexToken> run() {
    while (i < s.length()) {
      int start = i;
      int c = s.codePointAt(i);
      i += Character.charCount(c);
      switch (c) {
        case '\\' -> escape(start);
        case '[' -> {
          skipClass();
          add(Kind.OPAQUE, start);
        }
        case '(' -> group(start);
        case ')' -> add(Kind.CLOSE, start);
        case '|' -> add(Kind.ALT, start);
        case '.' -> add(Kind.DOT, start);
        case '^', '$' -> add(Kind.ANCHOR, start);
        case '*' -> quantifier(Kind.STAR, start, 0, -1);
        case '+' -> quantifier(Kind.PLUS, start, 1, -1);
        case '?' -> quantifier(Kind.QUEST, start, 0, 1);
        case '{' -> brace(start);
        default -> out.add(new RegexToken(Kind.LITERAL, c, 0, 0, false, s.substring(start, i)));
      }
    }
    return out;
  }

  private void add(Kind k, int start) {
    out.add(new RegexToken(k, 0, 0, 0, false, s.substring(start, i)));
  }

  private void quantifier(Kind k, int start, int min, int max) {
    if (i < s.length() && s.charAt(i) == '?') {
      i++; // non-greedy: same set of full matches
    }
    out.add(new RegexToken(k, 0, min, max, false, s.substring(start, i)));
  }

  private void escape(int start) {
    if (i >= s.length()) {
      add(Kind.OPAQUE, start);
      return;
    }
    char c = s.charAt(i++);
    if (c == 'Q') {
      int end = s.indexOf("\\E", i);
      int stop = end < 0 ? s.length() : end;
      while (i < stop) {
        int cp = s.codePointAt(i);
        int from = i;
        i += Character.charCount(cp);
        out.add(new RegexToken(Kind.LITERAL, cp, 0, 0, false, s.substring(from, i)));
      }
      i = end < 0 ? s.length() : end + 2;
      return;
    }
    if (c < 0x80 && !Character.isLetterOrDigit(c) && c != '_') {
      out.add(new RegexToken(Kind.LITERAL, c, 0, 0, false, s.substring(start, i))); // \. \- \\ ...
      return;
    }
    if ((c == 'p' || c == 'P' || c == 'x') && i < s.length() && s.charAt(i) == '{') {
      int close = s.indexOf('}', i);
      i = close < 0 ? s.length() : close + 1;
    } else if (c == 'p' || c == 'P') {
      i = Math.min(s.length(), i + 1);
    } else if (c == 'x') {
      i = Math.min(s.length(), i + 2);
    } else if (c >= '0' && c <= '7') {
      int n = 0;
      while (n < 2 && i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '7') {
        i++;
        n++;
      }
    }
    add(Kind.OPAQUE, start);
  }

  private void skipClass() {
    if (i < s.length() && s.charAt(i) == '^') {
      i++;
    }
    if (i < s.length() && s.charAt(i) == ']') {
      i++; // a leading ] is a literal
    }
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == ']') {
        i++;
        return;
      }
      if (c == '[' && s.startsWith("[:", i)) {
        int close = s.indexOf(":]", i + 2);
        if (close >= 0) {
          i = close + 2;
          continue;
        }
      }
      if (c == '\\' && i + 1 < s.length()) {
        char e = s.charAt(i + 1);
        i += 2;
        if ((e == 'p' || e == 'P' || e == 'x') && i < s.length() && s.charAt(i) == '{') {
          int close = s.indexOf('}', i);
          i = close < 0 ? s.length() : close + 1;
        }
        continue;
      }
      i++;
    }
  }

  private void group(int start) {
    if (i < s.length() && s.charAt(i) == '?') {
      if (s.startsWith("?P<", i) || s.startsWith("?<", i)) {
        int close = s.indexOf('>', i);
        i = close < 0 ? s.length() : close + 1;
        add(Kind.OPEN, start);
        return;
      }
      int flagsFrom = i + 1;
      int j = flagsFrom;
      while (j < s.length() && s.charAt(j) != ':' && s.charAt(j) != ')') {
        j++;
      }
      boolean scoped = j < s.length() && s.charAt(j) == ':';
      boolean hasFlags = j > flagsFrom;
      i = Math.min(s.length(), j + 1);
      out.add(new RegexToken(scoped ? Kind.OPEN : Kind.FLAGS, 0, 0, 0, hasFlags, s.substring(start, i)));
      return;
    }
    add(Kind.OPEN, start);
  }

  private void brace(int start) {
    int j = i;
    int min = 0;
    int digits = 0;
    while (j < s.length() && Character.isDigit(s.charAt(j)) && s.charAt(j) < 0x80) {
      min = (int) Math.min(100_000L, min * 10L + (s.charAt(j) - '0'));
      j++;
      digits++;
    }
    if (digits == 0 || j >= s.length()) {
      out.add(new RegexToken(Kind.LITERAL, '{', 0, 0, false, "{"));
      return;
    }
    int max = min;
    if (s.charAt(j) == ',') {
      j++;
      max = -1;
      if (j < s.length() && Character.isDigit(s.charAt(j))) {
        max = 0;
        while (j < s.length() && Character.isDigit(s.charAt(j)) && s.charAt(j) < 0x80) {
          max = (int) Math.min(100_000L, max * 10L + (s.charAt(j) - '0'));
          j++;
        }
      }
    }
    if (j >= s.length() || s.charAt(j) != '}') {
      out.add(new RegexToken(Kind.LITERAL, '{', 0, 0, false, "{"));
      return;
    }
    i = j + 1;
    if (i < s.length() && s.charAt(i) == '?') {
      i++;
    }
    out.add(new RegexToken(Kind.REPEAT, 0, min, max, false, s.substring(start, i)));
  }
}
