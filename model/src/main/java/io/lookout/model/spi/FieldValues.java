package io.lookout.model.spi;

import java.util.List;

/**
 * Top values of a field among the records matching a query.
 *
 * @param matched records that matched the query in the range
 * @param scanned records whose values were counted (less than matched when sampled)
 * @param sampled true when only the newest {@code scanned} matches were counted
 */
public record FieldValues(String field, List<ValueCount> values, long matched, long scanned, boolean sampled) {
  public record ValueCount(String value, long count) {}
}
