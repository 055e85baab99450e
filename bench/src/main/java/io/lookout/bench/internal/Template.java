package io.lookout.bench.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A log line split into literal text and variable slots (numbers, hex ids, IPv4 addresses) that
 * are filled with fresh random values on every render, so the vocabulary grows as in real logs.
 */
public final class Template {
  /** IPv4 address, a hex run of 6+ characters, or a digit run not glued to a preceding letter. */
  private static final Pattern VARIABLE =
      Pattern.compile(
          "(?<![\\w.])(\\d{1,3}(?:\\.\\d{1,3}){3})(?![\\w.])"
              + "|(?<![0-9A-Za-z])([0-9A-Fa-f]{6,})(?![0-9A-Za-z])"
              + "|(?<![A-Za-z])(\\d+)");

  private static final char[] HEX_LOWER = "0123456789abcdef".toCharArray();
  private static final char[] HEX_UPPER = "0123456789ABCDEF".toCharArray();

  private final String source;
  private final Segment[] segments;

  private Template(String source, Segment[] segments) {
    this.source = source;
    this.segments = segments;
  }

  /** Splits {@code text} into literals and variable slots. */
  public static Template compile(String text) {
    List<Segment> out = new ArrayList<>();
    Matcher m = VARIABLE.matcher(text);
    int last = 0;
    while (m.find()) {
      Segment slot = slotFor(m);
      if (slot == null) {
        continue;
      }
      if (m.start() > last) {
        out.add(new Literal(text.substring(last, m.start())));
      }
      out.add(slot);
      last = m.end();
    }
    if (last < text.length()) {
      out.add(new Literal(text.substring(last)));
    }
    return new Template(text, out.toArray(Segment[]::new));
  }

  private static Segment slotFor(Matcher m) {
    if (m.group(1) != null) {
      return new Ip();
    }
    if (m.group(2) != null) {
      String hex = m.group(2);
      boolean letters = false;
      boolean digits = false;
      boolean lower = false;
      for (int i = 0; i < hex.length(); i++) {
        char c = hex.charAt(i);
        if (c >= '0' && c <= '9') {
          digits = true;
        } else {
          letters = true;
          lower |= c >= 'a';
        }
      }
      if (!letters) {
        return Digits.of(hex);
      }
      return digits ? new Hex(hex.length(), lower) : null;
    }
    return Digits.of(m.group(3));
  }

  /** The original text this template was made from. */
  public String source() {
    return source;
  }

  /** Number of variable slots. */
  public int variables() {
    int n = 0;
    for (Segment s : segments) {
      n += s instanceof Literal ? 0 : 1;
    }
    return n;
  }

  /** Appends the template with every slot filled from {@code rng}. */
  public void render(StringBuilder sb, SplittableRandom rng) {
    for (Segment s : segments) {
      s.append(sb, rng);
    }
  }

  private sealed interface Segment permits Literal, Digits, Hex, Ip {
    void append(StringBuilder sb, SplittableRandom rng);
  }

  private record Literal(String text) implements Segment {
    @Override
    public void append(StringBuilder sb, SplittableRandom rng) {
      sb.append(text);
    }
  }

  /** Keeps the length and the leading zeros of the original number. */
  private record Digits(int zeros, int length) implements Segment {
    static Digits of(String digits) {
      int zeros = 0;
      while (zeros < digits.length() - 1 && digits.charAt(zeros) == '0') {
        zeros++;
      }
      return new Digits(zeros, digits.length());
    }

    @Override
    public void append(StringBuilder sb, SplittableRandom rng) {
      for (int i = 0; i < zeros; i++) {
        sb.append('0');
      }
      int rest = length - zeros;
      if (rest > 1) {
        sb.append((char) ('1' + rng.nextInt(9)));
        rest--;
      }
      for (int i = 0; i < rest; i++) {
        sb.append((char) ('0' + rng.nextInt(10)));
      }
    }
  }

  private record Hex(int length, boolean lower) implements Segment {
    @Override
    public void append(StringBuilder sb, SplittableRandom rng) {
      char[] alphabet = lower ? HEX_LOWER : HEX_UPPER;
      for (int i = 0; i < length; i++) {
        sb.append(alphabet[rng.nextInt(16)]);
      }
    }
  }

  private record Ip() implements Segment {
    @Override
    public void append(StringBuilder sb, SplittableRandom rng) {
      sb.append(1 + rng.nextInt(254)).append('.').append(rng.nextInt(256)).append('.');
      sb.append(rng.nextInt(256)).append('.').append(1 + rng.nextInt(254));
    }
  }
}
