package io.lookout.query.promql.internal;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Converts the text of number and duration tokens into values. */
final class Literals {
  private static final Pattern DURATION =
      Pattern.compile("(?:(\\d+)y)?(?:(\\d+)w)?(?:(\\d+)d)?(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?(?:(\\d+)ms)?");
  private static final long[] UNIT_MILLIS = {
    365L * 86_400_000, 7L * 86_400_000, 86_400_000, 3_600_000, 60_000, 1000, 1
  };
  private static final Pattern OCTAL = Pattern.compile("0[0-7]+");

  private Literals() {}

  /**
   * The value of a number token. Like Prometheus, an integer with a leading zero and only octal
   * digits reads as octal ({@code 010} is 8), as Go's base-0 integer parsing does.
   */
  static double number(String text) {
    String s = text.replace("_", "");
    if (s.length() > 2 && (s.charAt(1) | 0x20) == 'x') {
      return new BigInteger(s.substring(2), 16).doubleValue();
    }
    if (OCTAL.matcher(s).matches()) {
      return new BigInteger(s, 8).doubleValue();
    }
    return Double.parseDouble(s);
  }

  /** The exact decimal value of a number token, or null for a hexadecimal or octal one. */
  static BigDecimal decimal(String text) {
    String s = text.replace("_", "");
    if ((s.length() > 2 && (s.charAt(1) | 0x20) == 'x') || OCTAL.matcher(s).matches()) {
      return null;
    }
    return new BigDecimal(s);
  }

  /** The value of a duration token such as {@code 1h30m}, or null when it overflows. */
  static Duration duration(String text) {
    Matcher m = DURATION.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException("not a duration: " + text);
    }
    long ms = 0;
    try {
      for (int i = 0; i < UNIT_MILLIS.length; i++) {
        String g = m.group(i + 1);
        if (g != null) {
          ms = Math.addExact(ms, Math.multiplyExact(Long.parseLong(g), UNIT_MILLIS[i]));
        }
      }
    } catch (ArithmeticException | NumberFormatException e) {
      return null;
    }
    return Duration.ofMillis(ms);
  }

  /** Seconds (a number token's text) as a duration, or null when not finite or too large. */
  static Duration secondsToDuration(String text) {
    BigDecimal d = decimal(text);
    if (d == null) {
      d = BigDecimal.valueOf(number(text));
    }
    try {
      return Duration.ofNanos(d.movePointRight(9).setScale(0, java.math.RoundingMode.HALF_EVEN).longValueExact());
    } catch (ArithmeticException e) {
      return null;
    }
  }
}
