package io.lookout.query.promql;

/** The four types a PromQL expression can evaluate to. */
public enum ValueType {
  SCALAR("scalar"),
  STRING("string"),
  VECTOR("instant vector"),
  MATRIX("range vector");

  private final String description;

  ValueType(String description) {
    this.description = description;
  }

  /** The name Prometheus uses in error messages, such as {@code instant vector}. */
  public String description() {
    return description;
  }
}
