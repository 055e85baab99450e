package io.lookout.ingest;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Configuration of the OTLP receivers.
 *
 * @param maxRequestBytes largest request body accepted, both as received (compressed) and after
 *     decompression; larger requests get HTTP 413 / gRPC RESOURCE_EXHAUSTED
 */
public record IngestConfig(long maxRequestBytes) {
  public static final String MAX_REQUEST_BYTES_ENV = "LOOKOUT_MAX_REQUEST_BYTES";
  public static final long DEFAULT_MAX_REQUEST_BYTES = 64L << 20;
  /** Bodies are held in one byte array, so the limit stays below the largest Java array. */
  public static final long MAX_ALLOWED_REQUEST_BYTES = Integer.MAX_VALUE - 16;

  private static final Pattern SIZE =
      Pattern.compile("(\\d+)\\s*(b|kb|kib|k|mb|mib|m|gb|gib|g)?", Pattern.CASE_INSENSITIVE);

  public IngestConfig {
    if (maxRequestBytes < 1024 || maxRequestBytes > MAX_ALLOWED_REQUEST_BYTES) {
      throw new IllegalArgumentException(
          MAX_REQUEST_BYTES_ENV + " must be between 1KiB and 2GiB, got " + maxRequestBytes + " bytes");
    }
  }

  public static IngestConfig defaults() {
    return new IngestConfig(DEFAULT_MAX_REQUEST_BYTES);
  }

  /** Reads the configuration from environment variables; fails fast naming a bad value. */
  public static IngestConfig fromEnv(Map<String, String> env) {
    String raw = env.get(MAX_REQUEST_BYTES_ENV);
    if (raw == null || raw.isBlank()) {
      return defaults();
    }
    return new IngestConfig(parseSize(MAX_REQUEST_BYTES_ENV, raw));
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
