package io.lookout.ingest.metrics;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import io.lookout.model.metrics.NativeHistogram;
import io.lookout.model.metrics.NativeHistogram.BucketSpan;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** The fields of a remote_write {@code Histogram} message (field numbers in {@link RemoteWriteDecoder}). */
final class HistogramFields {
  private double count;
  private double sum;
  private int schema;
  private double zeroThreshold;
  private double zeroCount;
  private final List<BucketSpan> negativeSpans = new ArrayList<>();
  private final LongList negativeDeltas = new LongList();
  private final DoubleList negativeCounts = new DoubleList();
  private final List<BucketSpan> positiveSpans = new ArrayList<>();
  private final LongList positiveDeltas = new LongList();
  private final DoubleList positiveCounts = new DoubleList();
  private int resetHint;
  private long timestamp;

  static HistogramFields read(CodedInputStream in) throws IOException {
    HistogramFields h = new HistogramFields();
    int tag;
    while ((tag = in.readTag()) != 0) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case 1 -> h.count = unsigned(in.readUInt64());
        case 2 -> h.count = in.readDouble();
        case 3 -> h.sum = in.readDouble();
        case 4 -> h.schema = in.readSInt32();
        case 5 -> h.zeroThreshold = in.readDouble();
        case 6 -> h.zeroCount = unsigned(in.readUInt64());
        case 7 -> h.zeroCount = in.readDouble();
        case 8 -> h.negativeSpans.add(span(in));
        case 9 -> h.negativeDeltas.read(in, tag);
        case 10 -> h.negativeCounts.read(in, tag);
        case 11 -> h.positiveSpans.add(span(in));
        case 12 -> h.positiveDeltas.read(in, tag);
        case 13 -> h.positiveCounts.read(in, tag);
        case 14 -> h.resetHint = in.readEnum();
        case 15 -> h.timestamp = in.readInt64();
        default -> in.skipField(tag);
      }
    }
    return h;
  }

  NativeHistogram toNative() {
    if (!positiveDeltas.isEmpty() && !positiveCounts.isEmpty()
        || !negativeDeltas.isEmpty() && !negativeCounts.isEmpty()) {
      throw new IllegalArgumentException("both integer deltas and float counts given; send one of them");
    }
    double[] pos = positiveDeltas.isEmpty() ? positiveCounts.toArray() : positiveDeltas.absolute();
    double[] neg = negativeDeltas.isEmpty() ? negativeCounts.toArray() : negativeDeltas.absolute();
    return new NativeHistogram(timestamp, schema, zeroThreshold, zeroCount, count, sum, positiveSpans, pos,
        negativeSpans, neg, NativeHistogram.ResetHint.ofNumber(resetHint));
  }

  private static double unsigned(long v) {
    return v >= 0 ? v : (double) (v >>> 1) * 2.0 + (v & 1);
  }

  private static BucketSpan span(CodedInputStream in) throws IOException {
    int limit = in.pushLimit(in.readRawVarint32());
    int offset = 0;
    long length = 0;
    int tag;
    while ((tag = in.readTag()) != 0) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case 1 -> offset = in.readSInt32();
        case 2 -> length = Integer.toUnsignedLong(in.readUInt32());
        default -> in.skipField(tag);
      }
    }
    in.popLimit(limit);
    if (length > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("bucket span length " + length + " is too large");
    }
    return new BucketSpan(offset, (int) length);
  }

  private static final class LongList {
    private long[] a = new long[8];
    private int n;

    void read(CodedInputStream in, int tag) throws IOException {
      if (WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
        int limit = in.pushLimit(in.readRawVarint32());
        while (in.getBytesUntilLimit() > 0) {
          add(in.readSInt64());
        }
        in.popLimit(limit);
      } else {
        add(in.readSInt64());
      }
    }

    private void add(long v) {
      if (n == a.length) {
        a = java.util.Arrays.copyOf(a, n * 2);
      }
      a[n++] = v;
    }

    boolean isEmpty() {
      return n == 0;
    }

    /** Delta-encoded counts (each relative to the previous bucket) as absolute counts. */
    double[] absolute() {
      double[] out = new double[n];
      long running = 0;
      for (int i = 0; i < n; i++) {
        running += a[i];
        out[i] = running;
      }
      return out;
    }
  }

  private static final class DoubleList {
    private double[] a = new double[8];
    private int n;

    void read(CodedInputStream in, int tag) throws IOException {
      if (WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
        int limit = in.pushLimit(in.readRawVarint32());
        while (in.getBytesUntilLimit() > 0) {
          add(in.readDouble());
        }
        in.popLimit(limit);
      } else {
        add(in.readDouble());
      }
    }

    private void add(double v) {
      if (n == a.length) {
        a = java.util.Arrays.copyOf(a, n * 2);
      }
      a[n++] = v;
    }

    boolean isEmpty() {
      return n == 0;
    }

    double[] toArray() {
      return java.util.Arrays.copyOf(a, n);
    }
  }
}
