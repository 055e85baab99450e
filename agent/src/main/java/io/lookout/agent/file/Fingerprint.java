package io.lookout.agent.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * A file's identity: a 64-bit FNV-1a hash of its first {@code length} bytes, where length is
 * {@link #MAX_LENGTH} or, for a file shorter than that, up to and including its first newline.
 * It follows content, not paths or inodes, so a renamed file keeps it and a truncated or
 * replaced file loses it. Two files whose first line is identical and short share it.
 */
public record Fingerprint(int length, long hash) {
  public static final int MAX_LENGTH = 256;

  public String key() {
    return length + "-" + Long.toHexString(hash);
  }

  /** Parses {@link #key()}. */
  public static Fingerprint parse(String key) {
    int dash = key.indexOf('-');
    return new Fingerprint(Integer.parseInt(key.substring(0, dash)), Long.parseUnsignedLong(key.substring(dash + 1), 16));
  }

  /** The fingerprint of an open file, or null when it has neither 256 bytes nor a complete line. */
  public static Fingerprint of(FileChannel ch) throws IOException {
    byte[] head = head(ch, MAX_LENGTH);
    if (head.length == MAX_LENGTH) {
      return new Fingerprint(MAX_LENGTH, hash(head, MAX_LENGTH));
    }
    for (int i = 0; i < head.length; i++) {
      if (head[i] == '\n') {
        return new Fingerprint(i + 1, hash(head, i + 1));
      }
    }
    return null;
  }

  /** The hash of the first {@code length} bytes, or null when the file is shorter. */
  public static Long hashOf(FileChannel ch, int length) throws IOException {
    byte[] head = head(ch, length);
    return head.length < length ? null : hash(head, length);
  }

  /** True when the file still starts with the bytes this fingerprint was taken from. */
  public boolean matches(FileChannel ch) throws IOException {
    Long h = hashOf(ch, length);
    return h != null && h == hash;
  }

  private static byte[] head(FileChannel ch, int max) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(max);
    long pos = 0;
    while (b.hasRemaining()) {
      int n = ch.read(b, pos);
      if (n <= 0) {
        break;
      }
      pos += n;
    }
    byte[] out = new byte[b.position()];
    b.flip().get(out);
    return out;
  }

  static long hash(byte[] bytes, int length) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < length; i++) {
      h ^= bytes[i] & 0xff;
      h *= 0x100000001b3L;
    }
    return h;
  }
}
