package io.lookout.ingest.metrics;

import com.google.protobuf.AbstractParser;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.ExtensionRegistryLite;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import io.lookout.model.metrics.Exemplar;
import io.lookout.model.metrics.Labels;
import io.lookout.model.metrics.Sample;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads the data points of one gauge, cumulative sum or cumulative explicit-bucket histogram from
 * their protobuf bytes and translates them as {@link PointContext} does for parsed points. It is
 * a {@link com.google.protobuf.Parser} so that {@link CodedInputStream#readMessage} reads each
 * point with the generated parser's checks (length, nesting depth, end of message); it builds
 * nothing and returns null. One instance per request, one point at a time; not thread-safe.
 */
final class ProtobufPoints extends AbstractParser<MessageLite> {
  /** How the points of the current metric translate. */
  enum Mode { GAUGE, COUNTER, HISTOGRAM }

  // NumberDataPoint fields (field number << 3 | wire type)
  private static final int START = 17;
  private static final int TIME = 25;
  private static final int AS_DOUBLE = 33;
  private static final int EXEMPLARS = 42;
  private static final int AS_INT = 49;
  private static final int ATTRIBUTES = 58;
  private static final int FLAGS = 64;
  // HistogramDataPoint fields
  private static final int H_COUNT = 33;
  private static final int H_SUM = 41;
  private static final int H_BUCKETS = 49;
  private static final int H_BUCKETS_PACKED = 50;
  private static final int H_BOUNDS = 57;
  private static final int H_BOUNDS_PACKED = 58;
  private static final int H_EXEMPLARS = 66;
  private static final int H_ATTRIBUTES = 74;
  private static final int H_FLAGS = 80;
  private static final int H_MIN = 89;
  private static final int H_MAX = 97;

  private static final int NO_RECORDED_VALUE = 1;
  private static final int VALUE_NONE = 0;
  private static final int VALUE_DOUBLE = 1;
  private static final int VALUE_INT = 2;

  private final BatchBuilder out;
  private PointContext ctx;
  private Mode mode;
  private String name;
  private String family;
  private byte[] data;
  private int base;
  private long max;

  // the current point
  private int attrFrom;
  private int attrTo;
  private boolean attrCopied;
  private byte[] scratch = new byte[256];
  private int scratchLen;
  private long startNanos;
  private long timeNanos;
  private int valueCase;
  private double asDouble;
  private long asInt;
  private int flags;
  private final List<io.opentelemetry.proto.metrics.v1.Exemplar> exemplars = new ArrayList<>();
  private long count;
  private boolean hasSum;
  private double sum;
  private long[] buckets = new long[16];
  private int bucketCount;
  private double[] bounds = new double[16];
  private int boundCount;

  ProtobufPoints(BatchBuilder out) {
    this.out = out;
  }

  /**
   * Starts the points of one metric.
   *
   * @param base where in {@code data} the stream the points are read from starts
   */
  void start(PointContext ctx, Mode mode, String name, byte[] data, int base) {
    this.ctx = ctx;
    this.mode = mode;
    this.name = name;
    this.family = mode == Mode.COUNTER ? name.substring(0, name.length() - "_total".length()) : name;
    this.data = data;
    this.base = base;
    this.max = Long.MIN_VALUE;
  }

  /** The newest point time of the metric so far, in milliseconds (MIN_VALUE if none). */
  long maxMillis() {
    return max;
  }

  @Override
  public MessageLite parsePartialFrom(CodedInputStream in, ExtensionRegistryLite registry)
      throws InvalidProtocolBufferException {
    attrFrom = -1;
    attrTo = -1;
    attrCopied = false;
    scratchLen = 0;
    startNanos = 0;
    timeNanos = 0;
    valueCase = VALUE_NONE;
    asDouble = 0;
    asInt = 0;
    flags = 0;
    exemplars.clear();
    count = 0;
    hasSum = false;
    sum = 0;
    bucketCount = 0;
    boundCount = 0;
    try {
      if (mode == Mode.HISTOGRAM) {
        histogramFields(in, registry);
      } else {
        numberFields(in, registry);
      }
    } catch (InvalidProtocolBufferException e) {
      throw e;
    } catch (IOException e) {
      throw new InvalidProtocolBufferException(e);
    }
    return null;
  }

  private void numberFields(CodedInputStream in, ExtensionRegistryLite registry) throws IOException {
    while (true) {
      int p = in.getTotalBytesRead();
      int tag = in.readTag();
      switch (tag) {
        case 0 -> {
          return;
        }
        case ATTRIBUTES -> attribute(in, p);
        case START -> startNanos = in.readFixed64();
        case TIME -> timeNanos = in.readFixed64();
        case AS_DOUBLE -> {
          asDouble = in.readDouble();
          valueCase = VALUE_DOUBLE;
        }
        case AS_INT -> {
          asInt = in.readSFixed64();
          valueCase = VALUE_INT;
        }
        case EXEMPLARS -> exemplars.add(in.readMessage(io.opentelemetry.proto.metrics.v1.Exemplar.parser(), registry));
        case FLAGS -> flags = in.readUInt32();
        default -> {
          if (!ProtobufMetrics.unknownField(in, tag)) {
            return; // an end-group tag: readMessage fails the point, as the generated parser does
          }
        }
      }
    }
  }

  private void histogramFields(CodedInputStream in, ExtensionRegistryLite registry) throws IOException {
    while (true) {
      int p = in.getTotalBytesRead();
      int tag = in.readTag();
      switch (tag) {
        case 0 -> {
          return;
        }
        case H_ATTRIBUTES -> attribute(in, p);
        case START -> startNanos = in.readFixed64();
        case TIME -> timeNanos = in.readFixed64();
        case H_COUNT -> count = in.readFixed64();
        case H_SUM -> {
          sum = in.readDouble();
          hasSum = true;
        }
        case H_BUCKETS -> bucket(in.readFixed64());
        case H_BUCKETS_PACKED -> {
          int limit = in.pushLimit(in.readRawVarint32());
          while (in.getBytesUntilLimit() > 0) {
            bucket(in.readFixed64());
          }
          in.popLimit(limit);
        }
        case H_BOUNDS -> bound(in.readDouble());
        case H_BOUNDS_PACKED -> {
          int limit = in.pushLimit(in.readRawVarint32());
          while (in.getBytesUntilLimit() > 0) {
            bound(in.readDouble());
          }
          in.popLimit(limit);
        }
        case H_EXEMPLARS -> exemplars.add(in.readMessage(io.opentelemetry.proto.metrics.v1.Exemplar.parser(), registry));
        case H_FLAGS -> flags = in.readUInt32();
        case H_MIN, H_MAX -> in.readDouble();
        default -> {
          if (!ProtobufMetrics.unknownField(in, tag)) {
            return;
          }
        }
      }
    }
  }

  private void bucket(long v) {
    if (bucketCount == buckets.length) {
      buckets = Arrays.copyOf(buckets, bucketCount * 2);
    }
    buckets[bucketCount++] = v;
  }

  private void bound(double v) {
    if (boundCount == bounds.length) {
      bounds = Arrays.copyOf(bounds, boundCount * 2);
    }
    bounds[boundCount++] = v;
  }

  /** Notes one attribute field (tag at stream position {@code p}) and skips it; decoded only on a cache miss. */
  private void attribute(CodedInputStream in, int p) throws IOException {
    in.skipRawBytes(in.readRawVarint32());
    int from = base + p;
    int to = base + in.getTotalBytesRead();
    if (attrFrom < 0) {
      attrFrom = from;
      attrTo = to;
    } else if (!attrCopied && from == attrTo) {
      attrTo = to;
    } else { // attributes interleaved with other fields: key on their concatenation
      if (!attrCopied) {
        append(attrFrom, attrTo);
        attrCopied = true;
      }
      append(from, to);
    }
  }

  private void append(int from, int to) {
    int n = to - from;
    if (scratchLen + n > scratch.length) {
      scratch = Arrays.copyOf(scratch, Math.max(scratch.length * 2, scratchLen + n));
    }
    System.arraycopy(data, from, scratch, scratchLen, n);
    scratchLen += n;
  }

  /** Translates the point read last. */
  void emit() throws IOException {
    byte[] b = attrCopied ? scratch : data;
    int from = attrCopied ? 0 : Math.max(attrFrom, 0);
    int to = attrCopied ? scratchLen : Math.max(attrTo, 0);
    long t = timeNanos / 1_000_000L;
    boolean stale = (flags & NO_RECORDED_VALUE) != 0;
    switch (mode) {
      case GAUGE -> {
        out.sample(ctx.labels(b, from, to, ATTRIBUTES, name), t, stale ? Sample.STALE_NAN : value());
        max = Math.max(max, t);
      }
      case COUNTER -> {
        Labels labels = ctx.labels(b, from, to, ATTRIBUTES, name);
        out.sample(labels, t, stale ? Sample.STALE_NAN : value());
        for (var e : exemplars) {
          out.exemplar(labels, OtlpLabels.exemplar(e));
        }
        ctx.createdSample(labels, family, t, startNanos);
        max = Math.max(max, t);
      }
      case HISTOGRAM -> histogram(b, from, to, t, stale);
    }
  }

  private double value() {
    return valueCase == VALUE_INT ? (double) asInt : valueCase == VALUE_DOUBLE ? asDouble : 0;
  }

  private void histogram(byte[] b, int from, int to, long t, boolean isStale) throws IOException {
    if (bucketCount != 0 && bucketCount != boundCount + 1) {
      out.drop("invalid_histogram_buckets", 1);
      return;
    }
    SeriesCache.HistogramSeries series = ctx.histogramSeries(b, from, to, H_ATTRIBUTES, name, bounds, boundCount);
    List<Exemplar> ex = OtlpLabels.exemplars(exemplars);
    double total = count;
    double running = 0;
    for (int i = 0; i <= boundCount; i++) {
      boolean inf = i == boundCount;
      double bound = inf ? Double.POSITIVE_INFINITY : bounds[i];
      running += i < bucketCount ? (double) buckets[i] : 0;
      Labels bucket = series.buckets()[i];
      out.sample(bucket, t, isStale ? Sample.STALE_NAN : inf ? total : running);
      double lower = i == 0 ? Double.NEGATIVE_INFINITY : bounds[i - 1];
      for (Exemplar e : ex) {
        if (e.value() > lower && (inf || e.value() <= bound)) {
          out.exemplar(bucket, e);
        }
      }
    }
    if (hasSum || isStale) {
      out.sample(series.sum(), t, isStale ? Sample.STALE_NAN : sum);
    }
    out.sample(series.count(), t, isStale ? Sample.STALE_NAN : total);
    ctx.createdSample(series.base(), name, t, startNanos);
    max = Math.max(max, t);
  }
}
