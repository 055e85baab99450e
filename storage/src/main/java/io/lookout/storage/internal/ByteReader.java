package io.lookout.storage.internal;

import java.nio.charset.StandardCharsets;

/** Reads what {@link ByteWriter} wrote; throws {@link CorruptDataException} on truncated input. */
public final class ByteReader {
  private final byte[] buf;
  private int pos;
  private final int end;

  public ByteReader(byte[] buf, int off, int len) {
    this.buf = buf;
    this.pos = off;
    this.end = off + len;
  }

  public int position() {
    return pos;
  }

  public boolean hasRemaining() {
    return pos < end;
  }

  private void need(int n) {
    if (n < 0 || pos + n > end) {
      throw new CorruptDataException("truncated record at byte " + pos);
    }
  }

  public int readByte() {
    need(1);
    return buf[pos++] & 0xFF;
  }

  public int readInt() {
    need(4);
    int v = ((buf[pos] & 0xFF) << 24) | ((buf[pos + 1] & 0xFF) << 16) | ((buf[pos + 2] & 0xFF) << 8)
        | (buf[pos + 3] & 0xFF);
    pos += 4;
    return v;
  }

  public long readLong() {
    return ((long) readInt() << 32) | (readInt() & 0xFFFFFFFFL);
  }

  public long readVLong() {
    long v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      int b = readByte();
      v |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return v;
      }
    }
    throw new CorruptDataException("malformed varint at byte " + pos);
  }

  public int readVInt() {
    long v = readVLong();
    if (v > 0xFFFFFFFFL) {
      throw new CorruptDataException("varint out of int range at byte " + pos);
    }
    return (int) v;
  }

  public long readZLong() {
    long v = readVLong();
    return (v >>> 1) ^ -(v & 1);
  }

  public String readString() {
    int n = readVInt();
    need(n);
    String s = new String(buf, pos, n, StandardCharsets.UTF_8);
    pos += n;
    return s;
  }

  public byte[] readBytes(int n) {
    need(n);
    byte[] b = new byte[n];
    System.arraycopy(buf, pos, b, 0, n);
    pos += n;
    return b;
  }

  public void skip(int n) {
    need(n);
    pos += n;
  }

  /** A count that must fit in the remaining bytes (each element takes at least one byte). */
  public int readCount() {
    int n = readVInt();
    if (n < 0 || n > end - pos) {
      throw new CorruptDataException("implausible element count " + n + " at byte " + pos);
    }
    return n;
  }
}
