package io.lookout.storage.internal.tsdb;

import java.util.Arrays;

/**
 * Gorilla-style float chunk: the first timestamp as a zig-zag varint, then delta-of-delta
 * timestamps in variable bit widths and values XOR'd with the previous one (leading/trailing zero
 * window reused when it fits). Appends in timestamp order only; not thread-safe (callers lock the
 * series). {@link #bytes()} copies what was written so far, so a snapshot stays readable while the
 * chunk grows.
 */
final class XorChunk {
  static final byte TYPE = 1;

  private byte[] buf = new byte[64];
  private long bitPos;
  private int count;
  private long minT;
  private long lastT;
  private long lastDelta;
  private long lastBits;
  private int leading = -1;
  private int trailing;

  XorChunk() {
    writeBits(TYPE, 8);
  }

  int count() {
    return count;
  }

  long minT() {
    return minT;
  }

  long maxT() {
    return lastT;
  }

  double lastValue() {
    return Double.longBitsToDouble(lastBits);
  }

  void append(long t, double v) {
    long bits = Double.doubleToRawLongBits(v);
    if (count == 0) {
      minT = t;
      writeVarBits((t << 1) ^ (t >> 63));
      writeBits(bits, 64);
    } else if (count == 1) {
      lastDelta = t - lastT;
      writeVarBits((lastDelta << 1) ^ (lastDelta >> 63));
      writeXor(bits);
    } else {
      long delta = t - lastT;
      long dod = delta - lastDelta;
      lastDelta = delta;
      if (dod == 0) {
        writeBits(0, 1);
      } else if (dod >= -63 && dod <= 64) {
        writeBits(0b10, 2);
        writeBits(dod, 7);
      } else if (dod >= -8191 && dod <= 8192) {
        writeBits(0b110, 3);
        writeBits(dod, 14);
      } else if (dod >= -(1 << 19) + 1 && dod <= 1 << 19) {
        writeBits(0b1110, 4);
        writeBits(dod, 20);
      } else {
        writeBits(0b1111, 4);
        writeBits(dod, 64);
      }
      writeXor(bits);
    }
    lastT = t;
    lastBits = bits;
    count++;
  }

  private void writeXor(long bits) {
    long x = bits ^ lastBits;
    if (x == 0) {
      writeBits(0, 1);
      return;
    }
    int lead = Math.min(Long.numberOfLeadingZeros(x), 31);
    int trail = Long.numberOfTrailingZeros(x);
    if (leading >= 0 && lead >= leading && trail >= trailing) {
      writeBits(0b10, 2);
      writeBits(x >>> trailing, 64 - leading - trailing);
    } else {
      leading = lead;
      trailing = trail;
      int sig = 64 - lead - trail;
      writeBits(0b11, 2);
      writeBits(lead, 5);
      writeBits(sig - 1, 6);
      writeBits(x >>> trail, sig);
    }
  }

  /** Encoded bytes so far (with the sample count in front), safe to keep. */
  byte[] bytes() {
    int n = (int) ((bitPos + 7) >>> 3);
    byte[] out = new byte[n + 4];
    out[0] = buf[0];
    out[1] = (byte) (count >>> 16);
    out[2] = (byte) (count >>> 8);
    out[3] = (byte) count;
    System.arraycopy(buf, 1, out, 4, n - 1);
    return out;
  }

  int sizeBytes() {
    return (int) ((bitPos + 7) >>> 3) + 3;
  }

  private void writeVarBits(long v) {
    // 7 bits at a time with a continuation bit, like a varint but bit-aligned
    do {
      long b = v & 0x7F;
      v >>>= 7;
      writeBits(v != 0 ? b | 0x80 : b, 8);
    } while (v != 0);
  }

  private void writeBits(long v, int n) {
    if (n == 0) {
      return;
    }
    int need = (int) ((bitPos + n + 7) >>> 3) + 8;
    if (need > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, need));
    }
    for (int i = n - 1; i >= 0; ) {
      int byteIdx = (int) (bitPos >>> 3);
      int bitOff = (int) (bitPos & 7);
      int room = 8 - bitOff;
      int take = Math.min(room, i + 1);
      int chunk = (int) ((v >>> (i + 1 - take)) & ((1 << take) - 1));
      buf[byteIdx] |= (byte) (chunk << (room - take));
      bitPos += take;
      i -= take;
    }
  }

  /** Decodes chunk bytes into the given sink. */
  static void decode(byte[] b, int off, int len, SampleSink sink) {
    if (len < 4 || b[off] != TYPE) {
      throw new IllegalStateException("not a float chunk");
    }
    int n = FloatChunks.count(b, off, len);
    long[] ts = new long[n];
    double[] vs = new double[n];
    FloatChunks.decodeXor(b, off, len, ts, vs, 0);
    for (int i = 0; i < n; i++) {
      sink.accept(ts[i], vs[i]);
    }
  }

  /** Receives decoded samples in order. */
  @FunctionalInterface
  interface SampleSink {
    void accept(long t, double v);
  }
}
