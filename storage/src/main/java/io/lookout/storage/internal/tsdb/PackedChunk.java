package io.lookout.storage.internal.tsdb;

import io.lookout.storage.internal.ByteWriter;

/**
 * The persisted form of a float chunk when its values are decimals: every value {@code v} is
 * {@code m / 10^d} for one scale {@code d} of the chunk and integers {@code m} below 2^53 (counters
 * of bytes, ticks, centiseconds, gauges with a few decimals). The integers are stored as plain
 * values, deltas or deltas of deltas (whichever packs smallest), and the timestamps as deltas of
 * deltas; each sequence is bit-packed around a reference (its median: every value's difference to
 * it in the fewest bits that hold most of them, the rest as exceptions), so a regular scrape
 * interval costs no bits, a missed scrape a few bytes, and a counter growing by about the same
 * step a few bits per sample.
 *
 * <p>Layout: type byte {@value #TYPE}, sample count (varint), first timestamp (zig-zag varint),
 * when more than one sample the first timestamp delta (zig-zag varint) and the packed deltas of
 * deltas, then the scale {@code d}, the order {@code k} (0, 1 or 2), the first {@code k} integers
 * (zig-zag varints) and the packed differences of order {@code k}; see {@link #pack} for a
 * packed sequence.
 *
 * <p>Chunks whose values are not such decimals (NaN, staleness markers, infinities, {@code -0.0},
 * arbitrary binary fractions) keep the Gorilla encoding of {@link XorChunk}; {@link #encode}
 * returns those bytes then, and whenever they are not larger.
 */
final class PackedChunk {
  static final byte TYPE = 3;
  private static final int MAX_SCALE = 15;
  private static final double[] POW10 = new double[MAX_SCALE + 1];
  private static final long MAX_MANTISSA = 1L << 53;

  static {
    double p = 1;
    for (int i = 0; i <= MAX_SCALE; i++) {
      POW10[i] = p;
      p *= 10;
    }
  }

  private PackedChunk() {}

  /** The smallest encoding of the samples: packed when the values allow it, else Gorilla. */
  static byte[] encode(long[] ts, double[] vs, int n) {
    byte[] packed = n == 0 ? null : tryPack(ts, vs, n);
    if (packed != null && packed.length < 12 + n / 4) {
      return packed; // Gorilla takes at least 12 bytes and two bits per sample
    }
    XorChunk x = new XorChunk();
    for (int i = 0; i < n; i++) {
      x.append(ts[i], vs[i]);
    }
    byte[] xor = x.bytes();
    return packed != null && packed.length < xor.length ? packed : xor;
  }

  /** The persisted encoding of a head chunk's samples: packed when smaller, else its own bytes. */
  static byte[] encode(XorChunk chunk) {
    int n = chunk.count();
    long[] ts = new long[n];
    double[] vs = new double[n];
    int[] i = {0};
    byte[] xor = chunk.bytes();
    XorChunk.decode(xor, 0, xor.length, (t, v) -> {
      ts[i[0]] = t;
      vs[i[0]++] = v;
    });
    byte[] packed = n == 0 ? null : tryPack(ts, vs, n);
    return packed != null && packed.length < xor.length ? packed : xor;
  }

  /** Packed bytes, or null when the values are not decimals or a difference overflows. */
  static byte[] tryPack(long[] ts, double[] vs, int n) {
    int scale = 0;
    for (int i = 0; i < n; i++) {
      scale = scaleOf(vs[i], scale);
      if (scale < 0) {
        return null;
      }
    }
    long[] m = new long[n];
    for (int i = 0; i < n; i++) {
      double v = vs[i];
      long x = Math.round(v * POW10[scale]);
      if (Math.abs(x) > MAX_MANTISSA || Double.doubleToRawLongBits(x / POW10[scale]) != Double.doubleToRawLongBits(v)) {
        return null; // exact at a smaller scale, but the common scale does not fit
      }
      m[i] = x;
    }
    try {
      ByteWriter w = new ByteWriter(32 + n);
      w.writeByte(TYPE);
      w.writeVInt(n);
      w.writeZLong(ts[0]);
      if (n > 1) {
        long[] dod = new long[n - 2];
        long prevDelta = Math.subtractExact(ts[1], ts[0]);
        w.writeZLong(prevDelta);
        for (int i = 2; i < n; i++) {
          long delta = Math.subtractExact(ts[i], ts[i - 1]);
          dod[i - 2] = Math.subtractExact(delta, prevDelta);
          prevDelta = delta;
        }
        pack(w, dod, dod.length);
      }
      w.writeByte(scale);
      long[] d1 = differences(m, n);
      long[] d2 = differences(d1, n - 1);
      long c0 = cost(m, n);
      long c1 = cost(d1, n - 1);
      long c2 = cost(d2, n - 2);
      int order = c0 <= c1 && c0 <= c2 ? 0 : c1 <= c2 ? 1 : 2;
      w.writeByte(order);
      long[] seq = m;
      for (int k = 0; k < order && k < n; k++) {
        w.writeZLong(seq[0]);
        seq = k == 0 ? d1 : d2;
      }
      pack(w, seq, Math.max(0, n - order));
      return w.toByteArray();
    } catch (ArithmeticException overflow) {
      return null;
    }
  }

  /**
   * The smallest scale at least {@code from} at which {@code v} is an exact decimal, or -1. A
   * value exact at scale d is exact at every larger scale whose integer still fits.
   */
  private static int scaleOf(double v, int from) {
    if (Double.isNaN(v) || Double.isInfinite(v) || Double.doubleToRawLongBits(v) == Long.MIN_VALUE) {
      return -1;
    }
    long bits = Double.doubleToRawLongBits(v);
    for (int d = from; d <= MAX_SCALE; d++) {
      double scaled = v * POW10[d];
      if (Math.abs(scaled) > MAX_MANTISSA) {
        return -1;
      }
      long x = Math.round(scaled);
      if (Double.doubleToRawLongBits(x / POW10[d]) == bits) {
        return d;
      }
    }
    return -1;
  }

  private static long[] differences(long[] a, int n) {
    long[] d = new long[Math.max(0, n - 1)];
    for (int i = 1; i < n; i++) {
      d[i - 1] = Math.subtractExact(a[i], a[i - 1]);
    }
    return d;
  }

  /** About the bits {@link #pack} writes for the sequence; MAX_VALUE for a negative length. */
  private static long cost(long[] a, int n) {
    if (n < 0) {
      return Long.MAX_VALUE;
    }
    if (n == 0) {
      return 0;
    }
    long ref = reference(a, n);
    int[] lengths = new int[65];
    for (int i = 0; i < n; i++) {
      lengths[64 - Long.numberOfLeadingZeros(zigzag(a[i] - ref))]++;
    }
    return bestWidth(lengths, n)[1] + 8 * varintBytes(zigzag(ref)) + 16;
  }

  /**
   * About the median (of up to 15 evenly spaced values): differences to it are small on both
   * sides, and an outlier is one exception.
   */
  private static long reference(long[] a, int n) {
    int k = Math.min(n, 15);
    long[] probe = new long[k];
    for (int i = 0; i < k; i++) {
      probe[i] = a[(int) ((long) i * n / k)];
    }
    java.util.Arrays.sort(probe);
    long ref = probe[k / 2];
    long min = a[0];
    long max = a[0];
    for (int i = 1; i < n; i++) {
      min = Math.min(min, a[i]);
      max = Math.max(max, a[i]);
    }
    // every difference to the reference must fit in 63 bits (they are packed zig-zag encoded)
    Math.subtractExact(min, ref);
    Math.subtractExact(max, ref);
    return ref;
  }

  private static long zigzag(long v) {
    return (v << 1) ^ (v >> 63);
  }

  private static int varintBytes(long v) {
    return Math.max(1, (64 - Long.numberOfLeadingZeros(v) + 6) / 7);
  }

  /**
   * The packing width with the fewest bits, given how many values need each bit length: values
   * longer than the width are exceptions, stored after the packed block with their position.
   * Returns {width, bits}.
   */
  private static long[] bestWidth(int[] lengths, int n) {
    long best = Long.MAX_VALUE;
    int bestWidth = 64;
    long exceptionBits = 0; // of the values longer than w: position gap (about a byte) and varint
    for (int w = 64; w >= 0; w--) {
      long bits = (long) n * w + exceptionBits;
      if (bits <= best) {
        best = bits;
        bestWidth = w;
      }
      exceptionBits += lengths[w] * (8L + 8L * ((w + 6) / 7));
    }
    return new long[] {bestWidth, best};
  }

  /**
   * Writes {@code a[0..n)}: a reference value, the median (zig-zag varint), the width (a byte), the
   * exception count (varint), each value's zig-zag encoded difference to the reference in {@code
   * width} bits (exceptions as 0), then per exception its position after the previous one's
   * (varint) and its encoded difference (varint).
   */
  private static void pack(ByteWriter w, long[] a, int n) {
    if (n == 0) {
      return;
    }
    long ref = reference(a, n);
    int[] lengths = new int[65];
    for (int i = 0; i < n; i++) {
      lengths[64 - Long.numberOfLeadingZeros(zigzag(a[i] - ref))]++;
    }
    int width = (int) bestWidth(lengths, n)[0];
    int exceptions = 0;
    for (int len = width + 1; len <= 64; len++) {
      exceptions += lengths[len];
    }
    w.writeZLong(ref);
    w.writeByte(width);
    w.writeVInt(exceptions);
    long limit = width == 64 ? -1 : (1L << width) - 1;
    if (width > 0) {
      long acc = 0;
      int bits = 0;
      for (int i = 0; i < n; i++) {
        long v = zigzag(a[i] - ref);
        if (Long.compareUnsigned(v, limit) > 0) {
          v = 0;
        }
        int left = width;
        while (left > 0) {
          int take = Math.min(left, 64 - bits);
          long part = take == 64 ? v : (v >>> (left - take)) & ((1L << take) - 1);
          acc = take == 64 ? part : (acc << take) | part;
          bits += take;
          left -= take;
          if (bits == 64) {
            w.writeLong(acc);
            acc = 0;
            bits = 0;
          }
        }
      }
      while (bits > 0) {
        int take = Math.min(8, bits);
        w.writeByte((int) (acc >>> (bits - take)) << (8 - take));
        bits -= take;
      }
    }
    int prev = -1;
    for (int i = 0; i < n && exceptions > 0; i++) {
      long v = zigzag(a[i] - ref);
      if (Long.compareUnsigned(v, limit) > 0) {
        w.writeVInt(i - prev - 1);
        w.writeVLong(v);
        prev = i;
      }
    }
  }

  /** Decodes packed chunk bytes into the sink, in timestamp order. */
  static void decode(byte[] b, int off, int len, XorChunk.SampleSink sink) {
    if (len < 1 || b[off] != TYPE) {
      throw new IllegalStateException("not a packed float chunk");
    }
    int n = FloatChunks.count(b, off, len);
    long[] ts = new long[n];
    double[] vs = new double[n];
    FloatChunks.decodePacked(b, off, len, ts, vs, 0, new long[n]);
    for (int i = 0; i < n; i++) {
      sink.accept(ts[i], vs[i]);
    }
  }

  /** Decodes a float chunk of either encoding. */
  static void decodeFloats(byte[] b, int off, int len, XorChunk.SampleSink sink) {
    if (b[off] == TYPE) {
      decode(b, off, len, sink);
    } else {
      XorChunk.decode(b, off, len, sink);
    }
  }

  static boolean isFloatChunk(byte type) {
    return type == TYPE || type == XorChunk.TYPE;
  }
}
