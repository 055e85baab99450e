package io.lookout.storage.internal.tsdb;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Decoding of float chunks of either encoding ({@link PackedChunk}, {@link XorChunk}) straight into
 * caller-owned arrays: no per-sample callback, no boxing, no allocation but the scratch the caller
 * passes. The sample count is read from the header first, so callers can size their arrays exactly.
 */
final class FloatChunks {
  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
  /** Chunks hold far fewer; a larger count means corrupt bytes. */
  static final int MAX_SAMPLES = 1 << 24;
  private static final double[] POW10 = new double[16];

  static {
    double p = 1;
    for (int i = 0; i < POW10.length; i++) {
      POW10[i] = p;
      p *= 10;
    }
  }

  private FloatChunks() {}

  /** The number of samples of a float chunk, from its header. */
  static int count(byte[] b, int off, int len) {
    if (len < 1) {
      throw new IllegalStateException("empty float chunk");
    }
    if (b[off] == XorChunk.TYPE) {
      if (len < 4) {
        throw new IllegalStateException("truncated float chunk header");
      }
      return ((b[off + 1] & 0xFF) << 16) | ((b[off + 2] & 0xFF) << 8) | (b[off + 3] & 0xFF);
    }
    if (b[off] != PackedChunk.TYPE) {
      throw new IllegalStateException("not a float chunk: type " + b[off]);
    }
    Cursor c = new Cursor(b, off + 1, off + len);
    return checkedCount(c.vLong());
  }

  /**
   * Decodes every sample of a float chunk into {@code ts[at..]} and {@code vs[at..]}, which must
   * have room for {@link #count} samples; returns that count. {@code scratch} holds at least as
   * many longs (packed chunks integrate their values there).
   */
  static int decode(byte[] b, int off, int len, long[] ts, double[] vs, int at, long[] scratch) {
    return b[off] == PackedChunk.TYPE ? decodePacked(b, off, len, ts, vs, at, scratch)
        : decodeXor(b, off, len, ts, vs, at);
  }

  private static int checkedCount(long n) {
    if (n < 0 || n > MAX_SAMPLES) {
      throw new IllegalStateException("implausible sample count " + n + " in a float chunk");
    }
    return (int) n;
  }

  static int decodePacked(byte[] b, int off, int len, long[] ts, double[] vs, int at, long[] scratch) {
    Cursor c = new Cursor(b, off, off + len);
    if (c.u8() != PackedChunk.TYPE) {
      throw new IllegalStateException("not a packed float chunk");
    }
    int n = checkedCount(c.vLong());
    if (n > 0) {
      ts[at] = c.zLong();
    }
    if (n > 1) {
      long delta = c.zLong();
      ts[at + 1] = ts[at] + delta;
      // the deltas of deltas land in place, then two running sums turn them into timestamps
      unpack(c, ts, at + 2, n - 2);
      long prev = ts[at + 1];
      for (int i = at + 2; i < at + n; i++) {
        delta += ts[i];
        prev += delta;
        ts[i] = prev;
      }
    }
    int scale = c.u8();
    int order = c.u8();
    if (scale >= POW10.length || order > 2) {
      throw new IllegalStateException("scale " + scale + " or order " + order + " out of range in a packed chunk");
    }
    int k0 = Math.min(order, n);
    for (int k = 0; k < k0; k++) {
      scratch[k] = c.zLong();
    }
    int rest = Math.max(0, n - order);
    unpack(c, scratch, n - rest, rest);
    // integrate from order k back to the integers (running sums) and scale, in one pass
    double p = POW10[scale];
    if (k0 == 2) {
      long m = scratch[0];
      long d = scratch[1];
      vs[at] = m / p;
      m += d;
      vs[at + 1] = m / p;
      for (int i = 2; i < n; i++) {
        d += scratch[i];
        m += d;
        vs[at + i] = m / p;
      }
    } else if (k0 == 1) {
      long m = scratch[0];
      vs[at] = m / p;
      for (int i = 1; i < n; i++) {
        m += scratch[i];
        vs[at + i] = m / p;
      }
    } else {
      for (int i = 0; i < n; i++) {
        vs[at + i] = scratch[i] / p;
      }
    }
    return n;
  }

  /** Unpacks a sequence written by {@code PackedChunk.pack} into {@code out[at..at+n)}. */
  private static void unpack(Cursor c, long[] out, int at, int n) {
    if (n == 0) {
      return;
    }
    long ref = c.zLong();
    int width = c.u8();
    long exceptions = c.vLong();
    if (width > 64 || exceptions < 0 || exceptions > n) {
      throw new IllegalStateException("bit width " + width + " or " + exceptions + " exceptions of " + n
          + " values out of range in a packed chunk");
    }
    byte[] b = c.b;
    int start = c.pos;
    long bitLen = (long) n * width;
    int bytes = (int) ((bitLen + 7) >>> 3);
    if (start + bytes > c.end) {
      throw new IllegalStateException("truncated packed chunk");
    }
    // each value is ref plus its zig-zag encoded difference
    if (width == 0) {
      java.util.Arrays.fill(out, at, at + n, ref);
    } else {
      int i = 0;
      long bit = 0;
      if (width <= 56) {
        int shift = 64 - width;
        // one big-endian 64-bit load per value while 8 bytes remain in the chunk
        int fast = Math.max(0, Math.min(n, (int) ((((long) c.end - 8 - start) * 8) / width) + 1));
        for (; i < fast; i++, bit += width) {
          int byteAt = start + (int) (bit >>> 3);
          if (byteAt + 8 > c.end) {
            break;
          }
          long z = ((long) LONGS.get(b, byteAt) << (bit & 7)) >>> shift;
          out[at + i] = ref + ((z >>> 1) ^ -(z & 1));
        }
      }
      for (; i < n; i++, bit += width) {
        long z = slowBits(b, start, bit, width);
        out[at + i] = ref + ((z >>> 1) ^ -(z & 1));
      }
    }
    c.pos = start + bytes;
    int pos = -1;
    for (long e = 0; e < exceptions; e++) {
      pos += (int) Math.min(c.vLong(), Integer.MAX_VALUE) + 1;
      if (pos < 0 || pos >= n) {
        throw new IllegalStateException("exception position " + pos + " outside " + n + " values in a packed chunk");
      }
      long z = c.vLong();
      out[at + pos] = ref + ((z >>> 1) ^ -(z & 1));
    }
  }

  private static long slowBits(byte[] b, int start, long bit, int width) {
    long v = 0;
    int left = width;
    while (left > 0) {
      int idx = start + (int) (bit >>> 3);
      int off = (int) (bit & 7);
      int take = Math.min(8 - off, left);
      int x = ((b[idx] & 0xFF) >>> (8 - off - take)) & ((1 << take) - 1);
      v = (v << take) | x;
      bit += take;
      left -= take;
    }
    return v;
  }

  static int decodeXor(byte[] b, int off, int len, long[] ts, double[] vs, int at) {
    if (len < 4 || b[off] != XorChunk.TYPE) {
      throw new IllegalStateException("not a float chunk");
    }
    int n = ((b[off + 1] & 0xFF) << 16) | ((b[off + 2] & 0xFF) << 8) | (b[off + 3] & 0xFF);
    Bits r = new Bits(b, off + 4, off + len);
    long t = 0;
    long delta = 0;
    long bits = 0;
    int leading = 0;
    int trailing = 0;
    for (int i = 0; i < n; i++) {
      if (i == 0) {
        long z = r.varBits();
        t = (z >>> 1) ^ -(z & 1);
        bits = r.read(64);
      } else {
        if (i == 1) {
          long z = r.varBits();
          delta = (z >>> 1) ^ -(z & 1);
        } else {
          // up to four control bits: 0, 10, 110, 1110, 1111
          long peek = r.peek4();
          long dod;
          if ((peek & 0b1000) == 0) {
            r.skip(1);
            dod = 0;
          } else if ((peek & 0b0100) == 0) {
            r.skip(2);
            dod = signExtend(r.read(7), 7);
          } else if ((peek & 0b0010) == 0) {
            r.skip(3);
            dod = signExtend(r.read(14), 14);
          } else if ((peek & 0b0001) == 0) {
            r.skip(4);
            dod = signExtend(r.read(20), 20);
          } else {
            r.skip(4);
            dod = r.read(64);
          }
          delta += dod;
        }
        t += delta;
        if (r.read(1) != 0) {
          if (r.read(1) != 0) {
            long h = r.read(11);
            leading = (int) (h >>> 6);
            trailing = 64 - leading - ((int) (h & 63) + 1);
          }
          bits ^= r.read(64 - leading - trailing) << trailing;
        }
      }
      ts[at + i] = t;
      vs[at + i] = Double.longBitsToDouble(bits);
    }
    return n;
  }

  private static long signExtend(long v, int n) {
    // encoded ranges are asymmetric ([-(2^(n-1)-1), 2^(n-1)]); the all-high pattern means +2^(n-1)
    if (v == 1L << (n - 1)) {
      return v;
    }
    return (v << (64 - n)) >> (64 - n);
  }

  /** Big-endian bit reader over {@code b[start, end)}. */
  private static final class Bits {
    private final byte[] b;
    private final int start;
    private final int end;
    private long pos;

    Bits(byte[] b, int start, int end) {
      this.b = b;
      this.start = start;
      this.end = end;
    }

    long varBits() {
      long v = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        long x = read(8);
        v |= (x & 0x7F) << shift;
        if ((x & 0x80) == 0) {
          return v;
        }
      }
      throw new IllegalStateException("malformed chunk varint");
    }

    /** The next four bits without consuming them (zeros past the end). */
    long peek4() {
      int at = start + (int) (pos >>> 3);
      int skip = (int) (pos & 7);
      if (at + 8 <= end) {
        return ((long) LONGS.get(b, at) << skip) >>> 60;
      }
      long v = 0;
      for (int i = 0; i < 4; i++) {
        long p = pos + i;
        int idx = start + (int) (p >>> 3);
        int bit = idx < end ? (b[idx] >>> (7 - (int) (p & 7))) & 1 : 0;
        v = (v << 1) | bit;
      }
      return v;
    }

    void skip(int n) {
      pos += n;
    }

    long read(int n) {
      if (n == 0) {
        return 0;
      }
      int at = start + (int) (pos >>> 3);
      int skip = (int) (pos & 7);
      if (skip + n <= 64 && at + 8 <= end) {
        pos += n;
        return ((long) LONGS.get(b, at) << skip) >>> (64 - n);
      }
      long v = 0;
      while (n > 0) {
        int idx = start + (int) (pos >>> 3);
        if (idx >= end) {
          throw new IllegalStateException("truncated chunk");
        }
        int bitOff = (int) (pos & 7);
        int room = 8 - bitOff;
        int take = Math.min(room, n);
        int x = (b[idx] >>> (room - take)) & ((1 << take) - 1);
        v = (v << take) | x;
        pos += take;
        n -= take;
      }
      return v;
    }
  }

  /** Byte cursor over {@code b[pos, end)} with the varints of {@code ByteWriter}. */
  private static final class Cursor {
    final byte[] b;
    int pos;
    final int end;

    Cursor(byte[] b, int pos, int end) {
      this.b = b;
      this.pos = pos;
      this.end = end;
    }

    int u8() {
      if (pos >= end) {
        throw new IllegalStateException("truncated packed chunk");
      }
      return b[pos++] & 0xFF;
    }

    long vLong() {
      long v = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        int x = u8();
        v |= (long) (x & 0x7F) << shift;
        if ((x & 0x80) == 0) {
          return v;
        }
      }
      throw new IllegalStateException("malformed varint in a packed chunk");
    }

    long zLong() {
      long v = vLong();
      return (v >>> 1) ^ -(v & 1);
    }
  }
}
