package io.lookout.agent.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * One open file being read: its identity (file key and fingerprint), where reading stands, the
 * partial line carried between reads (capped at max_line_bytes) and the multiline state.
 */
final class TrackedFile {
  /** Receives the complete lines found by {@link #read}. */
  interface LineSink {
    void line(TrackedFile file, String text, long endOffset, boolean truncated);
  }

  final FileChannel channel;
  final Object fileKey;
  final Multiline multiline;
  Path path;
  String pathText;
  String nameText;
  Fingerprint fingerprint;
  /** Offset of the next byte to read. */
  long readPos;
  /** Offset up to which records are safely queued (checkpointed). */
  long committed;
  /** Offset up to which lines were handed to the batch (or dropped) but maybe not yet queued. */
  long emitted;
  long lastDataNanos;
  long unmatchedSinceNanos = -1;

  private final Charset charset;
  private final byte[] newline;
  private final int unit;
  private final int maxLineBytes;
  private byte[] carry = new byte[256];
  private int carryLen;
  private boolean carryTruncated;

  TrackedFile(FileChannel channel, Object fileKey, Path path, Fingerprint fp, long offset, Charset charset,
      int maxLineBytes, Multiline multiline, long nowNanos) {
    this.channel = channel;
    this.fileKey = fileKey;
    setPath(path);
    this.fingerprint = fp;
    this.readPos = offset;
    this.committed = offset;
    this.emitted = offset;
    this.charset = charset;
    this.newline = newlineBytes(charset);
    this.unit = newline.length;
    this.maxLineBytes = maxLineBytes - maxLineBytes % unit;
    this.multiline = multiline;
    this.lastDataNanos = nowNanos;
  }

  void setPath(Path p) {
    path = p;
    pathText = p.toString();
    nameText = p.getFileName().toString();
  }

  static byte[] newlineBytes(Charset cs) {
    String n = cs.name().toUpperCase(java.util.Locale.ROOT);
    if (n.equals("UTF-16")) {
      return "\n".getBytes(StandardCharsets.UTF_16BE);
    }
    if (n.equals("UTF-32")) {
      return "\n".getBytes(Charset.forName("UTF-32BE"));
    }
    return "\n".getBytes(cs);
  }

  /** Starts over at offset 0 (the file was truncated or rewritten). */
  void restart() {
    readPos = 0;
    committed = 0;
    emitted = 0;
    carryLen = 0;
    carryTruncated = false;
    multiline.reset();
    fingerprint = null;
  }

  /**
   * Reads up to {@code buf.capacity()} bytes and hands every complete line to the sink. Returns
   * the number of bytes read (0 at end of file).
   */
  int read(ByteBuffer buf, LineSink sink, long[] truncations) throws IOException {
    buf.clear();
    int n = channel.read(buf, readPos);
    if (n <= 0) {
      return 0;
    }
    byte[] a = buf.array();
    int segStart = 0;
    int i = 0;
    if (unit == 1) {
      while (i < n) {
        if (a[i] == '\n') {
          emit(a, segStart, i, readPos + i + 1, sink, truncations);
          segStart = i + 1;
        }
        i++;
      }
    } else {
      // code units are aligned from the start of the file
      i = alignStart(readPos);
      for (; i + unit <= n; i += unit) {
        if (matchesNewline(a, i)) {
          emit(a, segStart, i, readPos + i + unit, sink, truncations);
          segStart = i + unit;
        }
      }
    }
    append(a, segStart, n - segStart);
    readPos += n;
    return n;
  }

  /** Index in a buffer read at {@code pos} of the first byte at a code-unit boundary. */
  private int alignStart(long pos) {
    return (int) Math.floorMod(-pos, (long) unit);
  }

  private boolean matchesNewline(byte[] a, int i) {
    for (int k = 0; k < unit; k++) {
      if (a[i + k] != newline[k]) {
        return false;
      }
    }
    return true;
  }

  private void emit(byte[] a, int from, int to, long endOffset, LineSink sink, long[] truncations) {
    String text;
    boolean truncated;
    if (carryLen == 0) {
      int len = to - from;
      truncated = len > maxLineBytes;
      if (truncated) {
        len = maxLineBytes;
      }
      len = stripCr(a, from, len);
      text = new String(a, from, len, charset);
    } else {
      append(a, from, to - from);
      truncated = carryTruncated;
      text = new String(carry, 0, stripCr(carry, 0, carryLen), charset);
      carryLen = 0;
      carryTruncated = false;
    }
    if (truncated) {
      truncations[0]++;
    }
    sink.line(this, text, endOffset, truncated);
  }

  private int stripCr(byte[] a, int from, int len) {
    if (len >= unit) {
      int s = from + len - unit;
      boolean cr = true;
      for (int k = 0; k < unit; k++) {
        byte expected = newline[k] == '\n' ? (byte) '\r' : newline[k];
        if (a[s + k] != expected) {
          cr = false;
          break;
        }
      }
      if (cr) {
        return len - unit;
      }
    }
    return len;
  }

  private void append(byte[] a, int from, int len) {
    if (len <= 0) {
      return;
    }
    int room = maxLineBytes - carryLen;
    if (len > room) {
      carryTruncated = true;
      len = Math.max(0, room);
    }
    if (carryLen + len > carry.length) {
      carry = java.util.Arrays.copyOf(carry, Math.min(maxLineBytes, Math.max(carry.length * 2, carryLen + len)));
    }
    System.arraycopy(a, from, carry, carryLen, len);
    carryLen += len;
  }

  void close() {
    try {
      channel.close();
    } catch (IOException ignored) {
      // nothing to do
    }
  }
}
