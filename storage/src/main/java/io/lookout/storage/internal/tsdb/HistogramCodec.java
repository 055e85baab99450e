package io.lookout.storage.internal.tsdb;

import io.lookout.model.metrics.NativeHistogram;
import io.lookout.model.metrics.NativeHistogram.BucketSpan;
import io.lookout.storage.internal.ByteReader;
import io.lookout.storage.internal.ByteWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Compact encoding of native histograms: varints for the timestamp delta, schema and spans;
 * bucket counts as varint deltas when they are whole numbers (the usual case), else raw doubles.
 * Used in write-ahead-log entries and histogram chunks (type byte {@value #TYPE}).
 */
public final class HistogramCodec {
  static final byte TYPE = 2;

  private HistogramCodec() {}

  public static void write(ByteWriter w, NativeHistogram h, long prevT) {
    w.writeZLong(h.timestampMillis() - prevT);
    w.writeZLong(h.schema());
    w.writeLong(Double.doubleToRawLongBits(h.zeroThreshold()));
    w.writeLong(Double.doubleToRawLongBits(h.zeroCount()));
    w.writeLong(Double.doubleToRawLongBits(h.count()));
    w.writeLong(Double.doubleToRawLongBits(h.sum()));
    w.writeByte(h.resetHint().ordinal());
    writeSide(w, h.positiveSpans(), h.positiveBucketCount(), h::positiveCount);
    writeSide(w, h.negativeSpans(), h.negativeBucketCount(), h::negativeCount);
  }

  private interface Counts {
    double get(int i);
  }

  private static void writeSide(ByteWriter w, List<BucketSpan> spans, int n, Counts counts) {
    w.writeVInt(spans.size());
    for (BucketSpan s : spans) {
      w.writeZLong(s.offset());
      w.writeVInt(s.length());
    }
    boolean whole = true;
    for (int i = 0; i < n && whole; i++) {
      double c = counts.get(i);
      whole = c >= 0 && c < 0x1p53 && c == Math.rint(c) && Double.doubleToRawLongBits(c) != Long.MIN_VALUE;
    }
    w.writeByte(whole ? 1 : 0);
    long prev = 0;
    for (int i = 0; i < n; i++) {
      double c = counts.get(i);
      if (whole) {
        w.writeZLong((long) c - prev);
        prev = (long) c;
      } else {
        w.writeLong(Double.doubleToRawLongBits(c));
      }
    }
  }

  public static NativeHistogram read(ByteReader r, long prevT) {
    long t = prevT + r.readZLong();
    int schema = (int) r.readZLong();
    double zt = Double.longBitsToDouble(r.readLong());
    double zc = Double.longBitsToDouble(r.readLong());
    double count = Double.longBitsToDouble(r.readLong());
    double sum = Double.longBitsToDouble(r.readLong());
    NativeHistogram.ResetHint hint = NativeHistogram.ResetHint.ofNumber(r.readByte());
    List<BucketSpan> pos = new ArrayList<>();
    double[] pc = readSide(r, pos);
    List<BucketSpan> neg = new ArrayList<>();
    double[] nc = readSide(r, neg);
    return new NativeHistogram(t, schema, zt, zc, count, sum, pos, pc, neg, nc, hint);
  }

  private static double[] readSide(ByteReader r, List<BucketSpan> spans) {
    int ns = r.readCount();
    int total = 0;
    for (int i = 0; i < ns; i++) {
      BucketSpan s = new BucketSpan((int) r.readZLong(), r.readVInt());
      spans.add(s);
      total += s.length();
    }
    boolean whole = r.readByte() == 1;
    if (total > (1 << 20)) {
      throw new IllegalStateException("implausible bucket count " + total);
    }
    double[] counts = new double[total];
    long prev = 0;
    for (int i = 0; i < total; i++) {
      if (whole) {
        prev += r.readZLong();
        counts[i] = prev;
      } else {
        counts[i] = Double.longBitsToDouble(r.readLong());
      }
    }
    return counts;
  }

  /** A histogram chunk: type byte, count, then the histograms in timestamp order. */
  static byte[] encodeChunk(List<NativeHistogram> hs) {
    ByteWriter w = new ByteWriter(64 + hs.size() * 48);
    w.writeByte(TYPE);
    w.writeVInt(hs.size());
    long prev = 0;
    for (NativeHistogram h : hs) {
      write(w, h, prev);
      prev = h.timestampMillis();
    }
    return w.toByteArray();
  }

  static List<NativeHistogram> decodeChunk(byte[] b, int off, int len) {
    ByteReader r = new ByteReader(b, off, len);
    if (r.readByte() != TYPE) {
      throw new IllegalStateException("not a histogram chunk");
    }
    int n = r.readCount();
    List<NativeHistogram> out = new ArrayList<>(n);
    long prev = 0;
    for (int i = 0; i < n; i++) {
      NativeHistogram h = read(r, prev);
      prev = h.timestampMillis();
      out.add(h);
    }
    return out;
  }
}
