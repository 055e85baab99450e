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
    return plain(Double.toString(v));
  }

  /**
   * {@link Double#toString}'s shortest round-trip digits ({@code 0.001}, {@code 1.25E-7},
   * {@code 1.0E21}) in plain notation without trailing zeros, as
   * {@code new BigDecimal(s).stripTrailingZeros().toPlainString()} writes them.
   */
  static String plain(String s) {
    int e = s.indexOf('E');
    if (e < 0) {
      // plain already (1e-3 <= |v| < 1e7): digits '.' digits, the fraction without trailing zeros but ".0"
      return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
    }
    boolean negative = s.charAt(0) == '-';
    int from = negative ? 1 : 0;
    int exp = Integer.parseInt(s, e + 1, s.length(), 10);
    StringBuilder digits = new StringBuilder(e - from + 24);
    for (int i = from; i < e; i++) {
      char c = s.charAt(i);
      if (c != '.') {
        digits.append(c);
      }
    }
    int n = digits.length();
    while (n > 1 && digits.charAt(n - 1) == '0') {
      n--;
    }
    digits.setLength(n);
    // the mantissa has one digit before its point
    int point = 1 + exp;
    StringBuilder out = new StringBuilder(n + Math.abs(point) + 3);
    if (negative) {
      out.append('-');
    }
    if (point <= 0) {
      out.append("0.");
      out.repeat('0', -point);
      out.append(digits);
    } else if (point >= n) {
      out.append(digits);
      out.repeat('0', point - n);
    } else {
      out.append(digits, 0, point).append('.').append(digits, point, n);
    }
    return out.toString();
  }

  /** A timestamp in Unix milliseconds as seconds with up to three decimals ({@code 1435781451.781}). */
  public static String seconds(long millis) {
    if (millis % 1000 == 0) {
      return Long.toString(millis / 1000);
    }
    if (millis == Long.MIN_VALUE) {
      return BigDecimal.valueOf(millis, 3).stripTrailingZeros().toPlainString();
    }
    long abs = Math.abs(millis);
    int frac = (int) (abs % 1000);
    StringBuilder sb = new StringBuilder(24);
    if (millis < 0) {
      sb.append('-');
    }
    sb.append(abs / 1000).append('.');
    sb.append((char) ('0' + frac / 100));
    if (frac % 100 != 0) {
      sb.append((char) ('0' + frac / 10 % 10));
      if (frac % 10 != 0) {
        sb.append((char) ('0' + frac % 10));
      }
    }
    return sb.toString();
  }
}
