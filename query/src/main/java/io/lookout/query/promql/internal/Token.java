package io.lookout.query.promql.internal;

/**
 * A lexed token: {@code text} is the exact source text from {@code start} to {@code end};
 * {@code value} is the unescaped content of a string and the text of any other token.
 */
public record Token(Kind kind, String text, String value, int start, int end) {
  /** Token kinds. Keywords are {@link #IDENTIFIER}s; the parser recognises them. */
  public enum Kind {
    IDENTIFIER,
    NUMBER,
    DURATION,
    STRING,
    LEFT_PAREN("("),
    RIGHT_PAREN(")"),
    LEFT_BRACE("{"),
    RIGHT_BRACE("}"),
    LEFT_BRACKET("["),
    RIGHT_BRACKET("]"),
    COMMA(","),
    COLON(":"),
    AT("@"),
    ASSIGN("="),
    NOT_EQUAL("!="),
    REGEX_MATCH("=~"),
    REGEX_NOT_MATCH("!~"),
    EQUAL("=="),
    LESS("<"),
    LESS_EQUAL("<="),
    GREATER(">"),
    GREATER_EQUAL(">="),
    PLUS("+"),
    MINUS("-"),
    TIMES("*"),
    DIVIDE("/"),
    MODULO("%"),
    POWER("^"),
    EOF;

    private final String symbol;

    Kind() {
      this(null);
    }

    Kind(String symbol) {
      this.symbol = symbol;
    }

    /** The fixed text of a punctuation or operator token, else null. */
    public String symbol() {
      return symbol;
    }
  }

  /** True when this is an identifier equal to {@code word} ignoring case (keywords are). */
  public boolean isWord(String word) {
    return kind == Kind.IDENTIFIER && text.equalsIgnoreCase(word);
  }
}
