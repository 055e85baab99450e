package io.lookout.model;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the time and duration formats every API accepts.
 *
 * <p>Times: RFC 3339 ({@code 2026-11-26T10:00:00.123456789Z}), Unix seconds with an optional
 * fraction or exponent ({@code 1764151200.5}, {@code 1.7641512e9}), {@code now}, and {@code now-15m} / {@code now+1h} relative
 * times. Durations: Prometheus style {@code 250ms}, {@code 1.5s}, {@code 15m}, {@code 1h30m},
 * {@code 7d}, {@code 2w}, or a plain number of seconds.
 */
public final class TimeParser {
  private static final Pattern RELATIVE = Pattern.compile("now\\s*([+-])\\s*(.+)");
  private static final Pattern DURATION_PART =
      Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h|d|w|y)");
  /** A decimal number, with an optional exponent as Prometheus clients send ({@code 1.7e9}). */
  private static final Pattern NUMBER = Pattern.compile("-?\\d+(\\.\\d*)?([eE][-+]?\\d+)?");

  private TimeParser() {}

  /**
   * Parses a time parameter into Unix nanoseconds.
   *
   * @param name the parameter name, used in the error message
   * @param value the value; must not be null
   * @param nowNanos the current time, for {@code now} and relative times
   */
  public static long parseTime(String name, String value, long nowNanos) {
    String v = value.trim();
    if (v.equals("now")) {
      return nowNanos;
    }
    Matcher rel = RELATIVE.matcher(v);
    if (rel.matches()) {
      long d = parseDurationOrNull(rel.group(2).trim());
      if (d >= 0) {
        return rel.group(1).equals("-") ? nowNanos - d : nowNanos + d;
      }
    } else if (NUMBER.matcher(v).matches()) {
      try {
        return saneNumber(v).movePointRight(9).longValueExact();
      } catch (ArithmeticException | NumberFormatException e) {
        // fall through to the error below
      }
    } else {
      try {
        Instant i = OffsetDateTime.parse(v).toInstant();
        return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000_000L), i.getNano());
      } catch (DateTimeParseException | ArithmeticException e) {
        // fall through to the error below
      }
    }
    throw LookoutException.badData(
        "invalid " + name + " '" + abbreviate(v) + "': use RFC 3339 (2026-01-02T15:04:05Z),"
            + " Unix seconds (1767366245.5), 'now' or 'now-15m'");
  }

  /**
   * Parses a duration into nanoseconds.
   *
   * @throws LookoutException bad_data naming the parameter and the allowed forms
   */
  public static long parseDuration(String name, String value) {
    long d = parseDurationOrNull(value.trim());
    if (d < 0) {
      throw LookoutException.badData(
          "invalid " + name + " '" + abbreviate(value) + "': use a duration such as 250ms, 1.5s,"
              + " 15m, 1h30m, 7d, or a number of seconds");
    }
    return d;
  }

  private static long parseDurationOrNull(String v) {
    if (v.isEmpty()) {
      return -1;
    }
    try {
      if (NUMBER.matcher(v).matches()) {
        BigDecimal s = saneNumber(v);
        return s.signum() < 0 ? -1 : s.movePointRight(9).longValueExact();
      }
      Matcher m = DURATION_PART.matcher(v);
      int pos = 0;
      BigDecimal total = BigDecimal.ZERO;
      while (pos < v.length()) {
        if (!m.find(pos) || m.start() != pos) {
          return -1;
        }
        total = total.add(new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unitNanos(m.group(2)))));
        pos = m.end();
      }
      return total.longValueExact();
    } catch (ArithmeticException | NumberFormatException e) {
      return -1;
    }
  }

  /**
   * A number that can be a time or duration in nanoseconds: at most {@link #MAX_NUMBER_CHARS}
   * characters and an exponent of at most {@link #MAX_EXPONENT}, so that a hostile
   * {@code 1e4512002} is refused at once instead of making BigDecimal work for seconds.
   *
   * @throws ArithmeticException when out of those bounds
   */
  private static BigDecimal saneNumber(String v) {
    if (v.length() > MAX_NUMBER_CHARS) {
      throw new ArithmeticException("too long");
    }
    int e = Math.max(v.indexOf('e'), v.indexOf('E'));
    if (e >= 0) {
      String exp = v.substring(e + 1);
      String digits = exp.startsWith("+") || exp.startsWith("-") ? exp.substring(1) : exp;
      if (digits.length() > 3 || Integer.parseInt(digits) > MAX_EXPONENT) {
        throw new ArithmeticException("exponent out of range");
      }
    }
    return new BigDecimal(v);
  }

  private static final int MAX_NUMBER_CHARS = 64;
  private static final int MAX_EXPONENT = 40;

  private static long unitNanos(String unit) {
    return switch (unit) {
      case "ns" -> 1L;
      case "us", "µs" -> 1_000L;
      case "ms" -> 1_000_000L;
      case "s" -> 1_000_000_000L;
      case "m" -> 60_000_000_000L;
      case "h" -> 3_600_000_000_000L;
      case "d" -> 86_400_000_000_000L;
      case "w" -> 7 * 86_400_000_000_000L;
      case "y" -> 365 * 86_400_000_000_000L;
      default -> throw new IllegalArgumentException(unit);
    };
  }

  /** Formats Unix nanoseconds as RFC 3339 with nanosecond precision, in UTC. */
  public static String formatRfc3339(long nanos) {
    Instant i = Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
    return String.format("%sT%02d:%02d:%02d.%09dZ",
        i.atOffset(java.time.ZoneOffset.UTC).toLocalDate(),
        i.atOffset(java.time.ZoneOffset.UTC).getHour(),
        i.atOffset(java.time.ZoneOffset.UTC).getMinute(),
        i.atOffset(java.time.ZoneOffset.UTC).getSecond(),
        i.getNano());
  }

  private static String abbreviate(String v) {
    return v.length() > 64 ? v.substring(0, 64) + "..." : v;
  }
}
