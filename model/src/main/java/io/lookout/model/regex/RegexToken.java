package io.lookout.model.regex;

/**
 * One token of a Go/RE2 regular expression ({@link RegexLexer}): {@code cp} is the code point of a
 * LITERAL; {@code min}/{@code max} bound a REPEAT ({@code max} -1 when open); {@code flags} is
 * true for an OPEN group carrying flags; {@code text} is the token as written.
 */
public record RegexToken(Kind kind, int cp, int min, int max, boolean flags, String text) {
  public enum Kind { LITERAL, OPAQUE, DOT, OPEN, FLAGS, CLOSE, ALT, STAR, PLUS, QUEST, REPEAT, ANCHOR }
}
