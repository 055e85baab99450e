package io.lookout.ingest;

import io.lookout.model.LookoutException;
import io.lookout.model.TimeParser;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Configuration of the OTLP receivers.
 *
 * @param maxRequestBytes largest request body accepted, both as received (compressed) and after
 *     decompression; larger requests get HTTP 413 / gRPC RESOURCE_EXHAUSTED
 * @param spanMetricsInterval how often span metrics are written to the metric store; zero
 *     disables span metrics
 * @param spanMetricsMaxSeries label combinations (service, span name, kind, status) kept per
 *     tenant by span metrics; spans of further combinations are counted and dropped
 */
public record IngestConfig(long maxRequestBytes, Duration spanMetricsInterval, int spanMetricsMaxSeries) {
  public static final String MAX_REQUEST_BYTES_ENV = "LOOKOUT_MAX_REQUEST_BYTES";
  public static final long DEFAULT_MAX_REQUEST_BYTES = 64L << 20;
  public static final String SPANMETRICS_INTERVAL_ENV = "LOOKOUT_SPANMETRICS_INTERVAL";
  public static final Duration DEFAULT_SPANMETRICS_INTERVAL = Duration.ofSeconds(15);
  /** The shortest interval allowed (other than 0, which disables span metrics). */
  public static final Duration MIN_SPANMETRICS_INTERVAL = Duration.ofSeconds(1);
  public static final String SPANMETRICS_MAX_SERIES_ENV = "LOOKOUT_SPANMETRICS_MAX_SERIES";
  public static final int DEFAULT_SPANMETRICS_MAX_SERIES = 10_000;
  public static final int MAX_ALLOWED_SPANMETRICS_MAX_SERIES = 1_000_000;
  /** Bodies are held in one byte array, so the limit stays below the largest Java array. */
  public static final long MAX_ALLOWED_REQUEST_BYTES = Integer.MAX_VALUE - 16;

  private static final Pattern SIZE =
      Pattern.compile("(\\d+)\\s*(b|kb|kib|k|mb|mib|m|gb|gib|g)?", Pattern.CASE_INSENSITIVE);

  public IngestConfig {
    if (maxRequestBytes < 1024 || maxRequestBytes > MAX_ALLOWED_REQUEST_BYTES) {
      throw new IllegalArgumentException(
          MAX_REQUEST_BYTES_ENV + " must be between 1KiB and 2GiB, got " + maxRequestBytes + " bytes");
    }
    Objects.requireNonNull(spanMetricsInterval, "spanMetricsInterval");
    if (!spanMetricsInterval.isZero() && spanMetricsInterval.compareTo(MIN_SPANMETRICS_INTERVAL) < 0) {
      throw new IllegalArgumentException(SPANMETRICS_INTERVAL_ENV + " must be 0 (disabled) or at least 1s, got "
          + spanMetricsInterval.toMillis() + "ms");
    }
    if (spanMetricsMaxSeries < 1 || spanMetricsMaxSeries > MAX_ALLOWED_SPANMETRICS_MAX_SERIES) {
      throw new IllegalArgumentException(SPANMETRICS_MAX_SERIES_ENV + " must be between 1 and "
          + MAX_ALLOWED_SPANMETRICS_MAX_SERIES + ", got " + spanMetricsMaxSeries);
    }
  }

  /** The given request limit and default span metrics settings. */
  public IngestConfig(long maxRequestBytes) {
    this(maxRequestBytes, DEFAULT_SPANMETRICS_INTERVAL, DEFAULT_SPANMETRICS_MAX_SERIES);
  }

  public static IngestConfig defaults() {
    return new IngestConfig(DEFAULT_MAX_REQUEST_BYTES);
  }

  /** Reads the configuration from environment variables; fails fast naming a bad value. */
  public static IngestConfig fromEnv(Map<String, String> env) {
    String raw = env.get(MAX_REQUEST_BYTES_ENV);
    long maxRequestBytes = raw == null || raw.isBlank()
        ? DEFAULT_MAX_REQUEST_BYTES
        : parseSize(MAX_REQUEST_BYTES_ENV, raw);
    Duration interval = DEFAULT_SPANMETRICS_INTERVAL;
    raw = env.get(SPANMETRICS_INTERVAL_ENV);
    if (raw != null && !raw.isBlank()) {
      try {
        interval = Duration.ofNanos(TimeParser.parseDuration(SPANMETRICS_INTERVAL_ENV, raw));
      } catch (LookoutException e) {
        throw new IllegalArgumentException(e.getMessage(), e);
      }
    }
    int maxSeries = DEFAULT_SPANMETRICS_MAX_SERIES;
    raw = env.get(SPANMETRICS_MAX_SERIES_ENV);
    if (raw != null && !raw.isBlank()) {
      try {
        maxSeries = Integer.parseInt(raw.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("invalid " + SPANMETRICS_MAX_SERIES_ENV + " '" + raw
            + "': use a whole number between 1 and " + MAX_ALLOWED_SPANMETRICS_MAX_SERIES);
      }
    }
    return new IngestConfig(maxRequestBytes, interval, maxSeries);
  }

  /** True unless {@link #spanMetricsInterval()} is zero. */
  public boolean spanMetricsEnabled() {
    return !spanMetricsInterval.isZero();
  }

  /**
   * Parses a byte size: plain bytes ({@code 1048576}) or a number with a unit ({@code 64MiB},
   * {@code 1GiB}, {@code 512KiB}); KB/MB/GB and K/M/G are read as binary units too.
   */
  static long parseSize(String name, String raw) {
    Matcher m = SIZE.matcher(raw.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "invalid " + name + " '" + raw + "': use plain bytes or a size such as 512KiB, 64MiB, 1GiB");
    }
    String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT);
    int shift = switch (unit) {
      case "b" -> 0;
      case "k", "kb", "kib" -> 10;
      case "m", "mb", "mib" -> 20;
      default -> 30;
    };
    try {
      long n = Long.parseLong(m.group(1));
      if (n > (Long.MAX_VALUE >> shift)) {
        throw new NumberFormatException();
      }
      return n << shift;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("invalid " + name + " '" + raw + "': the number is too large");
    }
  }
}
