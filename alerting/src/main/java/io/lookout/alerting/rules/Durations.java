package io.lookout.alerting.rules;

import java.math.BigDecimal;
import java.time.Duration;

/** Prometheus-style rendering of durations and numbers for messages and APIs. */
public final class Durations {
  private Durations() {}

  /** {@code 1h30m}, {@code 15s}, {@code 250ms}, {@code 0s}. */
  public static String format(Duration d) {
    long ms = d.toMillis();
    if (ms == 0) {
      return "0s";
    }
    StringBuilder sb = new StringBuilder();
    long[] units = {7L * 86_400_000, 86_400_000, 3_600_000, 60_000, 1000, 1};
    String[] names = {"w", "d", "h", "m", "s", "ms"};
    for (int i = 0; i < units.length; i++) {
      if (ms >= units[i]) {
        sb.append(ms / units[i]).append(names[i]);
        ms %= units[i];
      }
    }
    return sb.toString();
  }

  /** A number without a trailing {@code .0}. */
  public static String formatNumber(double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return Double.toString(v);
    }
    return new BigDecimal(Double.toString(v)).stripTrailingZeros().toPlainString();
  }
}
