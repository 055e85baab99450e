package io.lookout.query.promql;

/**
 * Where a node was found in the query text: character offsets, {@code start} inclusive and
 * {@code end} exclusive. Positions are metadata: they never take part in node equality.
 */
public record PositionRange(int start, int end) {
  /** The position of nodes built in code rather than parsed. */
  public static final PositionRange NONE = new PositionRange(-1, -1);

  /** The smallest range covering both. */
  public PositionRange to(PositionRange other) {
    return new PositionRange(Math.min(start, other.start), Math.max(end, other.end));
  }
}
