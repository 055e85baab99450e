package io.lookout.query.promql;

/**
 * The {@code @} modifier: a fixed Unix time in milliseconds, or the start or end of the range
 * query.
 */
public record AtModifier(Kind kind, long timestampMillis) {
  /** What the modifier refers to. */
  public enum Kind {
    TIMESTAMP,
    START,
    END
  }

  public static final AtModifier START = new AtModifier(Kind.START, 0);
  public static final AtModifier END = new AtModifier(Kind.END, 0);

  public static AtModifier at(long timestampMillis) {
    return new AtModifier(Kind.TIMESTAMP, timestampMillis);
  }
}
