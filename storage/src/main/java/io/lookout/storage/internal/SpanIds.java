package io.lookout.storage.internal;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * Doc-values encodings of span ids. A trace id is a tagged byte string: tag 0 + 16 bytes for the
 * canonical 32-hex-digit id, tag 1 + UTF-8 for anything else (ingest rejects such ids; tests and
 * replays of old data may still hold them), so the encoding is exact and reversible. A span id is
 * a long: the id itself for 16 hex digits, else a 64-bit hash of the string (a collision would
 * need two spans of one trace with ids that are not canonical).
 */
final class SpanIds {
  private static final HexFormat HEX = HexFormat.of();

  private SpanIds() {}

  static byte[] encodeTrace(String id) {
    if (id.length() == 32 && isLowerHex(id)) {
      byte[] out = new byte[17];
      for (int i = 0; i < 16; i++) {
        out[i + 1] = (byte) HexFormat.fromHexDigits(id, 2 * i, 2 * i + 2);
      }
      return out;
    }
    byte[] utf8 = id.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[utf8.length + 1];
    out[0] = 1;
    System.arraycopy(utf8, 0, out, 1, utf8.length);
    return out;
  }

  static String decodeTrace(byte[] b, int off, int len) {
    if (len == 17 && b[off] == 0) {
      return HEX.formatHex(b, off + 1, off + 17);
    }
    return new String(b, off + 1, len - 1, StandardCharsets.UTF_8);
  }

  static long encodeSpan(String id) {
    if (id.length() == 16 && isLowerHex(id)) {
      return HexFormat.fromHexDigitsToLong(id);
    }
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < id.length(); i++) {
      h = (h ^ id.charAt(i)) * 0x100000001b3L;
    }
    return mix(h);
  }

  /** A well-spread 64-bit hash of a trace id's encoded bytes (for hash-table keys). */
  static long hashTrace(byte[] b, int off, int len) {
    long h = 0x9e3779b97f4a7c15L * len;
    for (int i = 0; i < len; i++) {
      h = (h ^ (b[off + i] & 0xff)) * 0x100000001b3L;
    }
    return mix(h);
  }

  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  private static boolean isLowerHex(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
        return false;
      }
    }
    return true;
  }
}
