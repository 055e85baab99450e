package io.lookout.query.promql;

import io.lookout.model.ErrorCode;
import io.lookout.model.LookoutException;

/**
 * A query that is not valid PromQL. The message reads like Prometheus's, for example {@code 1:14:
 * parse error: unexpected "}" in label matching, expected string}, with the 1-based line and
 * column (in characters) of the offending token.
 */
public final class PromqlParseException extends RuntimeException {
  private final int offset;
  private final int line;
  private final int column;
  private final String detail;

  /** An error at {@code offset} (a character index into {@code query}). */
  public PromqlParseException(String query, int offset, String detail) {
    this(offset, lineOf(query, offset), columnOf(query, offset), detail);
  }

  private PromqlParseException(int offset, int line, int column, String detail) {
    super(line + ":" + column + ": parse error: " + detail);
    this.offset = offset;
    this.line = line;
    this.column = column;
    this.detail = detail;
  }

  private static int lineOf(String query, int offset) {
    int line = 1;
    for (int i = 0; i < Math.min(offset, query.length()); i++) {
      if (query.charAt(i) == '\n') {
        line++;
      }
    }
    return line;
  }

  private static int columnOf(String query, int offset) {
    int lastBreak = query.lastIndexOf('\n', Math.min(offset, query.length()) - 1);
    return offset - lastBreak;
  }

  /** Character offset of the offending token in the query. */
  public int offset() {
    return offset;
  }

  /** 1-based line of the offending token. */
  public int line() {
    return line;
  }

  /** 1-based column (in characters) of the offending token. */
  public int column() {
    return column;
  }

  /** The message without the position prefix, such as {@code unknown function with name "foo"}. */
  public String detail() {
    return detail;
  }

  /** This error as the {@code bad_data} error the HTTP APIs answer with 400. */
  public LookoutException toBadData() {
    return new LookoutException(ErrorCode.BAD_DATA, getMessage(), this);
  }
}
