package io.lookout.alerting.rules;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Float formatting as Go's strconv and fmt do it, for template output and for the value strings
 * of Prometheus's alerts API ({@code strconv.FormatFloat(v, 'e', -1, 64)}).
 */
public final class GoFormat {
  private GoFormat() {}

  /** Go's {@code %v} (and {@code %g}) of a float64: shortest representation, %e when the exponent is < -4 or >= 6 (so 1e+06). */
  public static String v(double v) {
    return g(v, -1);
  }

  /** {@code strconv.FormatFloat(v, 'e', -1, 64)}: {@code 1e+00}, {@code 1.5e-03}. */
  public static String e(double v) {
    String special = special(v);
    if (special != null) {
      return special;
    }
    Digits d = digits(v, -1);
    return fmtE(d, d.nd() - 1);
  }

  /** Go's {@code %.<prec>g}; {@code prec < 0} means shortest. */
  public static String g(double v, int prec) {
    String special = special(v);
    if (special != null) {
      return special;
    }
    Digits d = digits(v, prec);
    boolean shortest = prec < 0;
    if (shortest) {
      prec = d.nd();
    } else if (prec == 0) {
      prec = 1;
    }
    int eprec = prec;
    if (eprec > d.nd() && d.nd() >= d.dp()) {
      eprec = d.nd();
    }
    if (shortest) {
      eprec = 6;
    }
    int exp = d.dp() - 1;
    if (exp < -4 || exp >= eprec) {
      return fmtE(d, Math.min(prec, d.nd()) - 1);
    }
    int p = prec > d.dp() ? d.nd() : prec;
    return fmtF(d, Math.max(p - d.dp(), 0));
  }

  /** Go's {@code %.<prec>f}. */
  public static String f(double v, int prec) {
    String special = special(v);
    if (special != null) {
      return special;
    }
    return new BigDecimal(v).setScale(prec, RoundingMode.HALF_EVEN).toPlainString();
  }

  private static String special(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "+Inf" : "-Inf";
    }
    return null;
  }

  /** Decimal digits without trailing zeros; value = 0.digits * 10^dp. */
  private record Digits(boolean neg, String digits, int dp) {
    int nd() {
      return digits.length();
    }
  }

  private static Digits digits(double v, int prec) {
    boolean neg = v < 0 || (v == 0 && 1 / v < 0);
    if (v == 0) {
      return new Digits(neg, "0", 1);
    }
    BigDecimal bd = prec < 0
        ? new BigDecimal(Double.toString(Math.abs(v)))
        : new BigDecimal(Math.abs(v)).round(new MathContext(Math.max(prec, 1), RoundingMode.HALF_EVEN));
    bd = bd.stripTrailingZeros();
    String unscaled = bd.unscaledValue().toString();
    int dp = unscaled.length() - bd.scale();
    return new Digits(neg, unscaled, dp);
  }

  private static String fmtE(Digits d, int prec) {
    StringBuilder sb = new StringBuilder();
    if (d.neg()) {
      sb.append('-');
    }
    sb.append(d.digits().charAt(0));
    if (prec > 0) {
      sb.append('.');
      for (int i = 1; i <= prec; i++) {
        sb.append(i < d.nd() ? d.digits().charAt(i) : '0');
      }
    }
    int exp = d.digits().equals("0") ? 0 : d.dp() - 1;
    sb.append('e').append(exp < 0 ? '-' : '+');
    int a = Math.abs(exp);
    if (a < 10) {
      sb.append('0');
    }
    return sb.append(a).toString();
  }

  private static String fmtF(Digits d, int prec) {
    StringBuilder sb = new StringBuilder();
    if (d.neg()) {
      sb.append('-');
    }
    if (d.dp() > 0) {
      for (int i = 0; i < d.dp(); i++) {
        sb.append(i < d.nd() ? d.digits().charAt(i) : '0');
      }
    } else {
      sb.append('0');
    }
    if (prec > 0) {
      sb.append('.');
      for (int i = 1; i <= prec; i++) {
        int j = d.dp() + i - 1;
        sb.append(j >= 0 && j < d.nd() ? d.digits().charAt(j) : '0');
      }
    }
    return sb.toString();
  }
}
