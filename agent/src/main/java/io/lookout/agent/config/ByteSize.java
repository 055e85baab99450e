package io.lookout.agent.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A byte count written as {@code 1GiB}, {@code 512MB}, {@code 64KiB} or a plain number of bytes. */
public record ByteSize(long bytes) {
  private static final Pattern FORM = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmgt]i?b?|b)?");

  public ByteSize {
    if (bytes < 0) {
      throw new IllegalArgumentException("size must not be negative");
    }
  }

  public static ByteSize ofBytes(long bytes) {
    return new ByteSize(bytes);
  }

  /**
   * Parses a size.
   *
   * @throws IllegalArgumentException naming the allowed forms
   */
  public static ByteSize parse(String text) {
    Matcher m = FORM.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException("invalid size '" + text + "' (allowed: a number of bytes, or a number with"
          + " B, KB, MB, GB, TB, KiB, MiB, GiB, TiB)");
    }
    String unit = m.group(2) == null ? "b" : m.group(2);
    long mult = switch (unit.charAt(0)) {
      case 'k' -> unit.contains("i") ? 1L << 10 : 1_000L;
      case 'm' -> unit.contains("i") ? 1L << 20 : 1_000_000L;
      case 'g' -> unit.contains("i") ? 1L << 30 : 1_000_000_000L;
      case 't' -> unit.contains("i") ? 1L << 40 : 1_000_000_000_000L;
      default -> 1L;
    };
    return new ByteSize((long) (Double.parseDouble(m.group(1)) * mult));
  }

  @Override
  public String toString() {
    return bytes + "B";
  }
}
