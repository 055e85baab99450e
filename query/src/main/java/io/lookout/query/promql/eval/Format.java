package io.lookout.query.promql.eval;

import java.math.BigDecimal;

/** Number formatting as the Prometheus API writes it. */
public final class Format {
  private Format() {}

  /**
   * A sample value as Go's {@code strconv.FormatFloat(v, 'f', -1, 64)}: the shortest decimal that
   * reads back to the same double, never in exponent form; {@code +Inf}, {@code -Inf}, {@code NaN}.
   */
  public static String value(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "+Inf" : "-Inf";
    }
    if (v == 0) {
      return Double.doubleToRawLongBits(v) < 0 ? "-0" : "0";
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return new BigDecimal(Double.toString(v)).stripTrailingZeros().toPlainString();
  }

  /** A timestamp in Unix milliseconds as seconds with up to three decimals ({@code 1435781451.781}). */
  public static String seconds(long millis) {
    if (millis % 1000 == 0) {
      return Long.toString(millis / 1000);
    }
    return BigDecimal.valueOf(millis, 3).stripTrailingZeros().toPlainString();
  }
}
