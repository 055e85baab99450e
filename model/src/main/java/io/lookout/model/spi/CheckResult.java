package io.lookout.model.spi;

/** Health of a component, reported on {@code /healthz} and {@code /readyz}. */
public record CheckResult(boolean healthy, String detail) {
  public static final CheckResult OK = new CheckResult(true, "ok");

  public static CheckResult failed(String detail) {
    return new CheckResult(false, detail);
  }
}
