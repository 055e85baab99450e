package io.lookout.query.promql.eval;

import java.util.Objects;

/** A string result at a time (Unix milliseconds). */
public record StringValue(long timestampMillis, String value) implements Value {
  public StringValue {
    Objects.requireNonNull(value, "value");
  }
}
