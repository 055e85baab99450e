package io.lookout.agent.parse;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.util.Locale;

/** Event time from a field value, by a configured format or by guessing ({@code auto}). */
public final class Timestamps {
  private static final DateTimeFormatter LOCAL = new DateTimeFormatterBuilder()
      .appendPattern("yyyy-MM-dd[' ']['T']HH:mm:ss")
      .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 1, 9, true).optionalEnd()
      .optionalStart().appendLiteral(',').appendValue(ChronoField.MILLI_OF_SECOND, 3).optionalEnd()
      .optionalStart().appendOffset("+HH:MM", "Z").optionalEnd()
      .optionalStart().appendOffset("+HHMM", "Z").optionalEnd()
      .toFormatter(Locale.ROOT);

  private final String format;
  private final DateTimeFormatter formatter;

  /**
   * @param format auto | rfc3339 | unix | unix_ms | unix_us | unix_ns | a java.time pattern
   * @throws IllegalArgumentException for a bad pattern
   */
  public Timestamps(String format) {
    this.format = format.toLowerCase(Locale.ROOT);
    this.formatter = switch (this.format) {
      case "auto", "rfc3339", "unix", "unix_ms", "unix_us", "unix_ns" -> null;
      default -> pattern(format);
    };
  }

  /** Checks a format at config time. */
  public static void validate(String format) {
    new Timestamps(format);
  }

  private static DateTimeFormatter pattern(String p) {
    DateTimeFormatterBuilder b = new DateTimeFormatterBuilder().parseCaseInsensitive().appendPattern(p);
    if (!p.contains("y") && !p.contains("u")) {
      b.parseDefaulting(ChronoField.YEAR, java.time.Year.now(ZoneOffset.UTC).getValue());
    }
    try {
      return b.toFormatter(Locale.ROOT);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid timestamp format '" + p + "': " + e.getMessage()
          + " (allowed: auto, rfc3339, unix, unix_ms, unix_us, unix_ns, or a java.time pattern such as yyyy-MM-dd HH:mm:ss,SSS)");
    }
  }

  /** Unix nanoseconds, or 0 when the value does not parse. */
  public long parse(Object value) {
    try {
      if (value instanceof Number n) {
        return numeric(n.doubleValue(), n instanceof Long l ? l : null);
      }
      String s = value.toString().trim();
      if (s.isEmpty()) {
        return 0;
      }
      if (formatter != null) {
        return fromAccessor(formatter.parse(s));
      }
      switch (format) {
        case "rfc3339" -> {
          return nanos(OffsetDateTime.parse(s).toInstant());
        }
        case "unix", "unix_ms", "unix_us", "unix_ns", "auto" -> {
          char c = s.charAt(0);
          if ((c >= '0' && c <= '9') && s.indexOf('-') < 0 && s.indexOf(':') < 0) {
            double d = Double.parseDouble(s);
            return numeric(d, s.indexOf('.') < 0 && s.indexOf('e') < 0 && s.indexOf('E') < 0 ? Long.parseLong(s) : null);
          }
          if (!format.equals("auto")) {
            return 0;
          }
          return fromAccessor(LOCAL.parse(s));
        }
        default -> {
          return 0;
        }
      }
    } catch (RuntimeException e) {
      return 0;
    }
  }

  private long numeric(double d, Long exact) {
    double mult = switch (format) {
      case "unix" -> 1e9;
      case "unix_ms" -> 1e6;
      case "unix_us" -> 1e3;
      case "unix_ns" -> 1;
      default -> d < 1e11 ? 1e9 : d < 1e14 ? 1e6 : d < 1e17 ? 1e3 : 1;
    };
    if (exact != null && mult >= 1) {
      return Math.multiplyExact(exact, (long) mult);
    }
    return (long) (d * mult);
  }

  private static long fromAccessor(TemporalAccessor t) {
    if (t.isSupported(ChronoField.OFFSET_SECONDS)) {
      return nanos(OffsetDateTime.from(t).toInstant());
    }
    if (t.query(java.time.temporal.TemporalQueries.zone()) != null) {
      return nanos(ZonedDateTime.from(t).toInstant());
    }
    return nanos(LocalDateTime.from(t).toInstant(ZoneOffset.UTC));
  }

  private static long nanos(Instant i) {
    return i.getEpochSecond() * 1_000_000_000L + i.getNano();
  }
}
