package io.lookout.storage;

import io.lookout.model.LookoutException;
import io.lookout.model.TimeParser;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Storage settings, read once from the environment.
 *
 * @param dataDir {@code LOOKOUT_DATA_DIR}: root of the write-ahead log and the indexes
 * @param retention {@code LOOKOUT_RETENTION}: how long records are kept; older ones are refused
 * @param partition {@code LOOKOUT_PARTITION}: time span of one index, 1h..1d dividing a day
 * @param refreshInterval {@code LOOKOUT_REFRESH_INTERVAL}: delay until new records are searchable
 * @param commitInterval {@code LOOKOUT_COMMIT_INTERVAL}: how often indexes are committed and the
 *     log behind them deleted
 * @param indexThreads {@code LOOKOUT_INDEX_THREADS}: indexer threads
 * @param indexQueueBytes {@code LOOKOUT_INDEX_QUEUE_BYTES}: backlog of accepted, not yet indexed
 *     data beyond which appends are refused as overloaded
 * @param walSegmentBytes {@code LOOKOUT_WAL_SEGMENT_BYTES}: size at which a log segment is closed
 * @param metricsOooWindow {@code LOOKOUT_METRICS_OOO_WINDOW}: how much older than its series' newest
 *     sample a metric sample may be and still be accepted (0 to 1h, default 10m)
 */
public record StorageConfig(
    Path dataDir,
    Duration retention,
    Duration partition,
    Duration refreshInterval,
    Duration commitInterval,
    int indexThreads,
    long indexQueueBytes,
    long walSegmentBytes,
    Duration metricsOooWindow) {

  public static final String DATA_DIR = "LOOKOUT_DATA_DIR";
  public static final String RETENTION = "LOOKOUT_RETENTION";
  public static final String PARTITION = "LOOKOUT_PARTITION";
  public static final String REFRESH_INTERVAL = "LOOKOUT_REFRESH_INTERVAL";
  public static final String COMMIT_INTERVAL = "LOOKOUT_COMMIT_INTERVAL";
  public static final String INDEX_THREADS = "LOOKOUT_INDEX_THREADS";
  public static final String INDEX_QUEUE_BYTES = "LOOKOUT_INDEX_QUEUE_BYTES";
  public static final String WAL_SEGMENT_BYTES = "LOOKOUT_WAL_SEGMENT_BYTES";
  public static final String METRICS_OOO_WINDOW = "LOOKOUT_METRICS_OOO_WINDOW";
  public static final Duration DEFAULT_OOO_WINDOW = Duration.ofMinutes(10);

  private static final Duration HOUR = Duration.ofHours(1);
  private static final Duration DAY = Duration.ofDays(1);
  private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(b|kb|kib|mb|mib|gb|gib|tb|tib)?");

  public StorageConfig {
    Objects.requireNonNull(dataDir, DATA_DIR);
    Objects.requireNonNull(retention, RETENTION);
    Objects.requireNonNull(partition, PARTITION);
    Objects.requireNonNull(refreshInterval, REFRESH_INTERVAL);
    Objects.requireNonNull(commitInterval, COMMIT_INTERVAL);
    if (partition.compareTo(HOUR) < 0 || partition.compareTo(DAY) > 0 || DAY.toNanos() % partition.toNanos() != 0
        || partition.toNanos() % HOUR.toNanos() != 0) {
      throw invalid(PARTITION, partition, "allowed are whole hours from 1h to 1d that divide a day"
          + " (1h, 2h, 3h, 4h, 6h, 8h, 12h, 1d)");
    }
    if (retention.compareTo(partition) < 0) {
      throw invalid(RETENTION, retention, "must be at least the partition length " + partition.toHours() + "h");
    }
    if (refreshInterval.toMillis() < 1 || refreshInterval.compareTo(Duration.ofSeconds(1)) > 0) {
      throw invalid(REFRESH_INTERVAL, refreshInterval, "allowed are 1ms to 1s");
    }
    if (commitInterval.toMillis() < 10 || commitInterval.compareTo(Duration.ofHours(1)) > 0) {
      throw invalid(COMMIT_INTERVAL, commitInterval, "allowed are 10ms to 1h");
    }
    if (indexThreads < 1 || indexThreads > 64) {
      throw new IllegalArgumentException("invalid " + INDEX_THREADS + " " + indexThreads + ": allowed are 1 to 64");
    }
    if (indexQueueBytes < 1) {
      throw new IllegalArgumentException("invalid " + INDEX_QUEUE_BYTES + " " + indexQueueBytes
          + ": must be at least 1 byte (default 256MiB)");
    }
    if (walSegmentBytes < 4096 || walSegmentBytes > (1L << 40)) {
      throw new IllegalArgumentException("invalid " + WAL_SEGMENT_BYTES + " " + walSegmentBytes
          + ": allowed are 4KiB to 1TiB (default 64MiB)");
    }
    Objects.requireNonNull(metricsOooWindow, METRICS_OOO_WINDOW);
    if (metricsOooWindow.isNegative() || metricsOooWindow.compareTo(HOUR) > 0) {
      throw invalid(METRICS_OOO_WINDOW, metricsOooWindow, "allowed are 0 to 1h (default 10m)");
    }
  }

  /** Settings without the metrics out-of-order window, which takes its default. */
  public StorageConfig(Path dataDir, Duration retention, Duration partition, Duration refreshInterval,
      Duration commitInterval, int indexThreads, long indexQueueBytes, long walSegmentBytes) {
    this(dataDir, retention, partition, refreshInterval, commitInterval, indexThreads, indexQueueBytes,
        walSegmentBytes, DEFAULT_OOO_WINDOW);
  }

  /** The out-of-order window as written in messages. */
  public String metricsOooWindowText() {
    return text(metricsOooWindow);
  }

  /** Defaults for every setting, with data in {@code dataDir}. */
  public static StorageConfig defaults(Path dataDir) {
    return new StorageConfig(dataDir, Duration.ofDays(7), DAY, Duration.ofMillis(500), Duration.ofSeconds(30), 2,
        256L << 20, 64L << 20);
  }

  /**
   * Reads the {@code LOOKOUT_*} variables above; unset or blank ones take their defaults.
   *
   * @throws IllegalArgumentException naming the variable, the value and what is allowed
   */
  public static StorageConfig fromEnv(Map<String, String> env) {
    return new StorageConfig(
        Path.of(get(env, DATA_DIR, "./data")),
        duration(env, RETENTION, "7d"),
        duration(env, PARTITION, "1d"),
        duration(env, REFRESH_INTERVAL, "500ms"),
        duration(env, COMMIT_INTERVAL, "30s"),
        integer(env, INDEX_THREADS, "2"),
        size(env, INDEX_QUEUE_BYTES, "256MiB"),
        size(env, WAL_SEGMENT_BYTES, "64MiB"),
        duration(env, METRICS_OOO_WINDOW, "10m"));
  }

  /** The retention as a duration string, for messages. */
  public String retentionText() {
    long h = retention.toHours();
    return h % 24 == 0 ? h / 24 + "d" : h > 0 ? h + "h" : retention.toMillis() + "ms";
  }

  private static String get(Map<String, String> env, String name, String def) {
    String v = env.get(name);
    return v == null || v.isBlank() ? def : v.trim();
  }

  private static Duration duration(Map<String, String> env, String name, String def) {
    try {
      return Duration.ofNanos(TimeParser.parseDuration(name, get(env, name, def)));
    } catch (LookoutException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  private static int integer(Map<String, String> env, String name, String def) {
    String v = get(env, name, def);
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("invalid " + name + " '" + v + "': use a whole number such as " + def);
    }
  }

  /** Parses {@code 256MiB}, {@code 1GiB}, {@code 64MB} or a plain number of bytes. */
  static long size(Map<String, String> env, String name, String def) {
    String v = get(env, name, def);
    Matcher m = SIZE.matcher(v.toLowerCase(Locale.ROOT));
    if (m.matches()) {
      try {
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "b" : m.group(2);
        long mult = switch (unit) {
          case "kb" -> 1000L;
          case "kib" -> 1L << 10;
          case "mb" -> 1000_000L;
          case "mib" -> 1L << 20;
          case "gb" -> 1000_000_000L;
          case "gib" -> 1L << 30;
          case "tb" -> 1000_000_000_000L;
          case "tib" -> 1L << 40;
          default -> 1L;
        };
        return Math.multiplyExact(n, mult);
      } catch (ArithmeticException | NumberFormatException e) {
        // fall through
      }
    }
    throw new IllegalArgumentException("invalid " + name + " '" + v
        + "': use a size such as 256MiB, 1GiB, 64MB or a number of bytes");
  }

  private static String text(Duration d) {
    return d.toString().substring(2).toLowerCase(Locale.ROOT);
  }

  private static IllegalArgumentException invalid(String name, Duration d, String allowed) {
    return new IllegalArgumentException("invalid " + name + " " + text(d) + ": "
        + allowed);
  }
}
