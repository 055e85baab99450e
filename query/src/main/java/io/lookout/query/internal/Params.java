package io.lookout.query.internal;

import io.lookout.model.LookoutException;
import io.lookout.model.Tenant;
import io.lookout.model.TimeParser;
import io.lookout.model.spi.Direction;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Request parameters of the native API (query string, or form body on POST), with validation
 * whose errors name the parameter, what was given and what is allowed. Blank values count as
 * absent; unknown parameters are ignored.
 */
public final class Params {
  private static final Pattern TRACE_ID = Pattern.compile("[0-9a-fA-F]{32}");
  private static final Pattern ALL_ZEROS = Pattern.compile("0{32}");
  /** Ladder of histogram steps chosen when {@code step} is absent. */
  private static final long[] STEP_LADDER_SECONDS = {
    1, 5, 10, 30, 60, 5 * 60, 10 * 60, 30 * 60, 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86400
  };
  /** Buckets an automatic step aims at, at most. */
  public static final int TARGET_BUCKETS = 200;
  /** Buckets a histogram may have at most. */
  public static final long MAX_BUCKETS = 11_000;
  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private final MultiMap params;

  private Params(MultiMap params) {
    this.params = params;
  }

  /** The parameters of a request; a malformed query string is a bad_data error. */
  public static Params of(RoutingContext ctx) {
    try {
      return new Params(ctx.request().params());
    } catch (IllegalArgumentException e) {
      throw LookoutException.badData("malformed query string '" + abbreviate(ctx.request().query())
          + "': use percent-encoding (RFC 3986) for special characters");
    }
  }

  /** The tenant of a request, from {@code X-Scope-OrgID}. */
  public static String tenant(RoutingContext ctx) {
    return Tenant.resolve(ctx.request().getHeader(Tenant.HEADER));
  }

  /** Every non-blank value of a repeated parameter, in order. */
  public List<String> all(String name) {
    return params.getAll(name).stream().filter(v -> v != null && !v.isBlank()).toList();
  }

  /** A duration ({@code 250ms}, {@code 1.5s}) in nanoseconds, or {@code def} when absent. */
  public long duration(String name, long def) {
    String v = string(name, null);
    return v == null ? def : TimeParser.parseDuration(name, v);
  }

  /** The value, or {@code def} when absent or blank. */
  public String string(String name, String def) {
    String v = params.get(name);
    return v == null || v.isBlank() ? def : v;
  }

  /** An integer in {@code [min, max]}; {@code maxSource} (may be null) names where max comes from. */
  public int integer(String name, int def, int min, int max, String maxSource) {
    String v = string(name, null);
    if (v == null) {
      return def;
    }
    try {
      int i = Integer.parseInt(v.trim());
      if (i >= min && i <= max) {
        return i;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw LookoutException.badData("invalid " + name + " '" + abbreviate(v) + "': use an integer from " + min
        + " to " + max + (maxSource == null ? "" : " (the maximum is set by " + maxSource + ")"));
  }

  /** {@code direction}: backward (default, newest first) or forward. */
  public Direction direction() {
    String v = string("direction", null);
    if (v == null) {
      return Direction.BACKWARD;
    }
    return switch (v.trim().toLowerCase(Locale.ROOT)) {
      case "backward" -> Direction.BACKWARD;
      case "forward" -> Direction.FORWARD;
      default -> throw LookoutException.badData("invalid direction '" + abbreviate(v)
          + "': use 'backward' (newest first, the default) or 'forward' (oldest first)");
    };
  }

  /** A time range in Unix nanoseconds, both ends inclusive. */
  public record Range(long startNanos, long endNanos) {}

  /**
   * {@code start} and {@code end}: end defaults to now, start to end minus the default range;
   * start after end is an error.
   */
  public Range range(long nowNanos, long defaultRangeNanos) {
    String e = string("end", null);
    String s = string("start", null);
    long end = e == null ? nowNanos : TimeParser.parseTime("end", e, nowNanos);
    long start = s == null ? end - defaultRangeNanos : TimeParser.parseTime("start", s, nowNanos);
    if (start > end) {
      throw LookoutException.badData("invalid range: start " + TimeParser.formatRfc3339(start) + " is after end "
          + TimeParser.formatRfc3339(end) + ": use a start before the end");
    }
    return new Range(start, end);
  }

  /**
   * {@code step} of a histogram over {@code range}: the given duration, or the smallest step of
   * the ladder (1s ... 1d, then whole days) that gives at most {@link #TARGET_BUCKETS} buckets.
   * More than {@link #MAX_BUCKETS} buckets is an error.
   */
  public long step(Range range) {
    String v = string("step", null);
    long span;
    try {
      span = Math.subtractExact(range.endNanos(), range.startNanos());
    } catch (ArithmeticException e) {
      throw LookoutException.badData("invalid range: start and end are too far apart: use a range shorter than 200 years");
    }
    if (v == null) {
      return autoStep(span);
    }
    long step = TimeParser.parseDuration("step", v);
    if (step <= 0) {
      throw LookoutException.badData("invalid step '" + abbreviate(v) + "': use a positive duration such as 1m");
    }
    long buckets = Math.floorDiv(range.endNanos(), step) - Math.floorDiv(range.startNanos(), step) + 1;
    if (buckets > MAX_BUCKETS) {
      throw LookoutException.badData("step '" + abbreviate(v) + "' gives " + buckets + " buckets over the range,"
          + " more than the limit of " + MAX_BUCKETS + ": increase step or shorten the range");
    }
    return step;
  }

  static long autoStep(long spanNanos) {
    for (long s : STEP_LADDER_SECONDS) {
      long step = s * NANOS_PER_SECOND;
      if (spanNanos / step + 1 <= TARGET_BUCKETS) {
        return step;
      }
    }
    long day = 86400 * NANOS_PER_SECOND;
    long days = Math.max(1, (spanNanos / TARGET_BUCKETS + day - 1) / day);
    return days * day;
  }

  /** A trace id: 32 hex characters, not all zeros; returned in lower case. */
  public static String traceId(String v) {
    if (v == null || !TRACE_ID.matcher(v).matches() || ALL_ZEROS.matcher(v).matches()) {
      throw LookoutException.badData("invalid trace id '" + abbreviate(v)
          + "': use 32 hexadecimal characters, not all zeros (e.g. 4bf92f3577b34da6a3ce929d0e0e4736)");
    }
    return v.toLowerCase(Locale.ROOT);
  }

  /** A field name from the path: 1..256 characters without control characters. */
  public static String fieldName(String v) {
    if (v == null || v.isBlank() || v.length() > 256 || v.chars().anyMatch(Character::isISOControl)) {
      throw LookoutException.badData("invalid field name '" + abbreviate(v)
          + "': use a name listed by /api/v1/logs/fields, such as service or attributes.http.method"
          + " (1 to 256 characters)");
    }
    return v;
  }

  static String abbreviate(String v) {
    if (v == null) {
      return "";
    }
    return v.length() > 64 ? v.substring(0, 64) + "..." : v;
  }
}
