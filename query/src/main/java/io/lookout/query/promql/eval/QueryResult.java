package io.lookout.query.promql.eval;

import java.util.List;
import java.util.Objects;

/** What a query evaluated to, and warnings for the client (empty when none). */
public record QueryResult(Value value, List<String> warnings) {
  public QueryResult {
    Objects.requireNonNull(value, "value");
    warnings = List.copyOf(warnings);
  }
}
