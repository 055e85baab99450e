package io.lookout.alerting.rules;

import java.util.Locale;

/** States of an alert instance, as Prometheus names them (a resolved alert is inactive). */
public enum AlertState {
  INACTIVE,
  PENDING,
  FIRING;

  /** {@code inactive}, {@code pending} or {@code firing}. */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }
}
