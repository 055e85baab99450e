package io.lookout.storage.internal.tsdb;

import io.lookout.model.regex.RegexLexer;
import io.lookout.model.regex.RegexToken;
import io.lookout.model.regex.RegexToken.Kind;
import java.util.ArrayList;
import java.util.List;

/**
 * A shallow reading of RE2 (Go) regular expression syntax, for the fast paths of label matching
 * and for the checks Go's parser makes that RE2/J does not. It is run only on expressions RE2/J
 * has already compiled, and every answer is conservative: when unsure it reports "no fast path",
 * never a wrong one.
 */
final class RegexSyntax {
  private final List<RegexToken> tokens;

  private RegexSyntax(List<RegexToken> tokens) {
    this.tokens = tokens;
  }

  static RegexSyntax parse(String re) {
    return new RegexSyntax(RegexLexer.tokens(re));
  }

  List<RegexToken> tokens() {
    return tokens;
  }

  /**
   * One alternative of a simple shape: {@code literal}, optionally preceded and followed by
   * {@code .*} or {@code .+} (greedy or not). {@code head} and {@code tail} are -1 when absent,
   * else the fewest characters they match (0 or 1); {@code .} matches anything but a newline.
   */
  record Piece(String literal, int head, int tail) {
    boolean isLiteral() {
      return head < 0 && tail < 0;
    }

    boolean matches(String v) {
      if (head < 0) {
        return tail < 0 ? v.equals(literal) : v.startsWith(literal)
            && v.length() - literal.length() >= tail && v.indexOf('\n', literal.length()) < 0;
      }
      if (v.indexOf('\n') >= 0) { // the literal has none (see pieces()): all of v is a "."
        return false;
      }
      if (tail < 0) {
        return v.length() - literal.length() >= head && v.endsWith(literal);
      }
      int i = v.indexOf(literal, head); // the leftmost place leaves the most room for the tail
      return i >= 0 && i + literal.length() + tail <= v.length();
    }
  }

  /**
   * The alternatives when the whole expression is an alternation of {@link Piece}s (possibly in
   * one group without flags, as {@code (?:a|b.*)}), else null.
   */
  List<Piece> pieces() {
    List<RegexToken> ts = tokens;
    if (!ts.isEmpty() && ts.get(0).kind() == Kind.OPEN && !ts.get(0).flags()
        && ts.get(ts.size() - 1).kind() == Kind.CLOSE) {
      ts = ts.subList(1, ts.size() - 1);
    }
    List<Piece> out = new ArrayList<>();
    int from = 0;
    for (int i = 0; i <= ts.size(); i++) {
      if (i == ts.size() || ts.get(i).kind() == Kind.ALT) {
        Piece p = piece(ts.subList(from, i));
        if (p == null) {
          return null;
        }
        out.add(p);
        from = i + 1;
      }
    }
    return out;
  }

  private static Piece piece(List<RegexToken> ts) {
    int i = 0;
    int n = ts.size();
    int head = anyAt(ts, 0);
    if (head >= 0) {
      i = 2;
    }
    int tail = n - i >= 2 ? anyAt(ts, n - 2) : -1;
    int end = tail >= 0 ? n - 2 : n;
    StringBuilder sb = new StringBuilder();
    for (; i < end; i++) {
      if (ts.get(i).kind() != Kind.LITERAL) {
        return null;
      }
      sb.appendCodePoint(ts.get(i).cp());
    }
    String lit = sb.toString();
    if (head >= 0 && lit.indexOf('\n') >= 0) {
      return null;
    }
    return new Piece(lit, head, tail);
  }

  /** 0 for {@code .*}, 1 for {@code .+} at {@code i}, else -1. */
  private static int anyAt(List<RegexToken> ts, int i) {
    if (i + 1 >= ts.size() || ts.get(i).kind() != Kind.DOT) {
      return -1;
    }
    Kind q = ts.get(i + 1).kind();
    return q == Kind.STAR ? 0 : q == Kind.PLUS ? 1 : -1;
  }

  /** A literal every match starts with (possibly empty). */
  String literalPrefix() {
    int depth = 0;
    for (RegexToken t : tokens) {
      switch (t.kind()) {
        case OPEN -> depth++;
        case CLOSE -> depth--;
        case ALT -> {
          if (depth == 0) {
            return "";
          }
        }
        default -> { }
      }
    }
    int i = 0;
    while (i < tokens.size() && tokens.get(i).kind() == Kind.LITERAL) {
      i++;
    }
    if (i < tokens.size() && isQuantifier(tokens.get(i).kind())) {
      i--; // the quantifier applies to the last literal
    }
    return literalRun(Math.max(i, 0));
  }

  /**
   * A literal every match ends with (possibly empty): the trailing literals of a top-level
   * concatenation without flags.
   */
  String literalSuffix() {
    if (!plainConcatenation()) {
      return "";
    }
    int k = tokens.size();
    while (k > 0 && tokens.get(k - 1).kind() == Kind.LITERAL) {
      k--;
    }
    StringBuilder sb = new StringBuilder();
    for (int i = k; i < tokens.size(); i++) {
      sb.appendCodePoint(tokens.get(i).cp());
    }
    return sb.toString();
  }

  /**
   * The longest literal every match contains (possibly empty): a run of unquantified literals at
   * the top level of a concatenation without flags.
   */
  String literalInfix() {
    if (!plainConcatenation()) {
      return "";
    }
    String best = "";
    StringBuilder run = new StringBuilder();
    int depth = 0;
    int lastCp = -1;
    for (int i = 0; i <= tokens.size(); i++) {
      RegexToken t = i < tokens.size() ? tokens.get(i) : null;
      if (t != null && depth == 0 && t.kind() == Kind.LITERAL) {
        run.appendCodePoint(t.cp());
        lastCp = t.cp();
        continue;
      }
      if (!run.isEmpty()) {
        if (t != null && isQuantifier(t.kind())) {
          run.setLength(run.length() - Character.charCount(lastCp));
        }
        if (run.length() > best.length()) {
          best = run.toString();
        }
        run.setLength(0);
      }
      if (t != null && t.kind() == Kind.OPEN) {
        depth++;
      } else if (t != null && t.kind() == Kind.CLOSE) {
        depth--;
      }
    }
    return best;
  }

  /** No alternation at the top level and no flags anywhere. */
  private boolean plainConcatenation() {
    int depth = 0;
    for (RegexToken t : tokens) {
      switch (t.kind()) {
        case OPEN -> {
          if (t.flags()) {
            return false;
          }
          depth++;
        }
        case CLOSE -> depth--;
        case FLAGS -> {
          return false;
        }
        case ALT -> {
          if (depth == 0) {
            return false;
          }
        }
        default -> { }
      }
    }
    return true;
  }

  private static boolean isQuantifier(Kind k) {
    return k == Kind.STAR || k == Kind.PLUS || k == Kind.QUEST || k == Kind.REPEAT;
  }

  /** The literal of tokens [0, end) when all are LITERAL, else null. */
  private String literalRun(int end) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < end; i++) {
      RegexToken t = tokens.get(i);
      if (t.kind() != Kind.LITERAL) {
        return null;
      }
      sb.appendCodePoint(t.cp());
    }
    return sb.toString();
  }
}
