package io.lookout.storage.internal;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Time partitions: aligned to multiples of the partition length since the epoch, named in UTC. */
public final class Partitioning {
  public static final long DAY = 86_400_000_000_000L;
  private static final DateTimeFormatter DAY_NAME = DateTimeFormatter.ofPattern("yyyy-MM-dd");
  private static final DateTimeFormatter HOUR_NAME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH");

  private final long lengthNanos;

  public Partitioning(long lengthNanos) {
    this.lengthNanos = lengthNanos;
  }

  public long lengthNanos() {
    return lengthNanos;
  }

  public long startOf(long tsNanos) {
    return Math.floorDiv(tsNanos, lengthNanos) * lengthNanos;
  }

  public static String name(long startNanos, long lengthNanos) {
    LocalDateTime t = LocalDateTime.ofInstant(
        Instant.ofEpochSecond(Math.floorDiv(startNanos, 1_000_000_000L)), ZoneOffset.UTC);
    return lengthNanos >= DAY ? DAY_NAME.format(t) : HOUR_NAME.format(t);
  }

  /** The start of a partition from its directory name, or null when the name is not one. */
  public static Long parseStart(String name) {
    try {
      if (name.length() == 10) {
        return LocalDate.parse(name, DAY_NAME).atStartOfDay(ZoneOffset.UTC).toEpochSecond() * 1_000_000_000L;
      }
      if (name.length() == 13) {
        return LocalDateTime.parse(name, HOUR_NAME).toEpochSecond(ZoneOffset.UTC) * 1_000_000_000L;
      }
    } catch (RuntimeException e) {
      return null;
    }
    return null;
  }
}
