package io.lookout.ingest.metrics;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.ExtensionRegistryLite;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import io.lookout.ingest.metrics.OtlpToPrometheus.ResourceInfo;
import io.lookout.ingest.metrics.OtlpToPrometheus.Translated;
import io.lookout.ingest.metrics.PrometheusNames.Kind;
import io.lookout.model.metrics.MetricMetadata.Type;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.resource.v1.Resource;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Translates one protobuf {@code ExportMetricsServiceRequest} read straight from its bytes, for
 * one request (not thread-safe; {@link OtlpToPrometheus} makes one per request).
 *
 * <p>Requests, resources, scopes and metrics are walked with {@link CodedInputStream}; resources
 * and scopes are parsed with the generated classes (once each); gauges, cumulative sums and
 * cumulative explicit-bucket histograms are read point by point ({@link ProtobufPoints}), their
 * attributes looked up in the {@link SeriesCache} by their raw bytes and decoded only on a miss.
 * Any other metric (exponential histograms, summaries, metadata, repeated data fields, names that
 * translate to nothing, temporalities that drop points) is parsed with {@link Metric#parseFrom}
 * and translated by the object path. A request holding delta metrics (which change the delta
 * accumulator's state) is parsed and translated whole by the object path.
 *
 * <p>Validation matches the generated parser's exactly, so that a request is refused here when
 * and only when {@code ExportMetricsServiceRequest.parseFrom} would refuse it: every message is
 * read with a stream whose recursion limit is what remains of the default at its depth, strings
 * are checked for UTF-8, unknown fields are parsed as the generated code parses them, and point
 * attributes are validated when decoded (a cache hit equals bytes validated before).
 */
final class ProtobufMetrics {
  /** CodedInputStream's default recursion limit, which the generated parsers apply. */
  private static final int RECURSION_LIMIT = 100;
  /** Message nesting of the contents of each message walked here (the request's are at 0). */
  static final int RESOURCE_METRICS = 1;
  static final int SCOPE_METRICS = 2;
  static final int METRIC = 3;
  static final int DATA = 4;

  static final ExtensionRegistryLite NO_EXTENSIONS = ExtensionRegistryLite.getEmptyRegistry();

  // Metric fields (field number << 3 | wire type)
  private static final int NAME = 10;
  private static final int DESCRIPTION = 18;
  private static final int UNIT = 26;
  private static final int GAUGE = 42;
  private static final int SUM = 58;
  private static final int HISTOGRAM = 74;
  private static final int EXPONENTIAL_HISTOGRAM = 82;
  private static final int SUMMARY = 90;
  private static final int METADATA = 98;
  // Gauge, Sum, Histogram fields
  private static final int DATA_POINTS = 10;
  private static final int TEMPORALITY = 16;
  private static final int MONOTONIC = 24;
  private static final int DELTA = 1;
  private static final int CUMULATIVE = 2;

  /** The request holds a delta metric: translate it with the object path. */
  private static final class NeedsObjectPath extends RuntimeException {
    NeedsObjectPath() {
      super(null, null, false, false);
    }
  }

  private final OtlpToPrometheus translator;
  private final String tenant;
  private final BatchBuilder out = new BatchBuilder();
  private final ProtobufPoints points;
  private byte[] data;
  private long dataPoints;

  ProtobufMetrics(OtlpToPrometheus translator, String tenant) {
    this.translator = translator;
    this.tenant = tenant;
    this.points = new ProtobufPoints(out);
  }

  Translated read(byte[] data, int offset, int length) throws IOException {
    this.data = data;
    try {
      CodedInputStream in = CodedInputStream.newInstance(data, offset, length);
      int tag;
      while ((tag = in.readTag()) != 0) {
        if (tag == 10) {
          int len = in.readRawVarint32();
          int start = offset + in.getTotalBytesRead();
          in.skipRawBytes(len);
          resourceMetrics(start, len);
        } else if (!unknownField(in, tag)) {
          break; // as the generated parser of a top-level message, which stops at a stray end-group tag
        }
      }
    } catch (NeedsObjectPath e) {
      ExportMetricsServiceRequest request =
          ExportMetricsServiceRequest.parseFrom(CodedInputStream.newInstance(data, offset, length));
      long n = 0;
      for (ResourceMetrics rm : request.getResourceMetricsList()) {
        for (ScopeMetrics sm : rm.getScopeMetricsList()) {
          for (Metric m : sm.getMetricsList()) {
            n += OtlpToPrometheus.dataPoints(m);
          }
        }
      }
      return new Translated(translator.translate(tenant, request), clamp(n));
    }
    return new Translated(translator.finish(out), clamp(dataPoints));
  }

  private static int clamp(long n) {
    return (int) Math.min(Integer.MAX_VALUE, n);
  }

  /** A stream over {@code data[start, start + len)}, the contents of a message at {@code depth}. */
  private CodedInputStream stream(int start, int len, int depth) {
    CodedInputStream in = CodedInputStream.newInstance(data, start, len);
    in.setRecursionLimit(RECURSION_LIMIT - depth);
    return in;
  }

  private void resourceMetrics(int start, int len) throws IOException {
    CodedInputStream in = stream(start, len, RESOURCE_METRICS);
    Resource.Builder resource = null;
    Slices scopes = new Slices();
    int tag;
    while ((tag = in.readTag()) != 0) {
      switch (tag) {
        case 10 -> {
          if (resource == null) {
            resource = Resource.newBuilder();
          }
          in.readMessage(resource, NO_EXTENSIONS); // a repeated message field merges, as in the generated parser
        }
        case 18 -> scopes.add(in, start);
        case 26 -> in.readStringRequireUtf8(); // schema_url
        default -> unknownOrFail(in, tag);
      }
    }
    ResourceInfo r = ResourceInfo.of(resource == null ? Resource.getDefaultInstance() : resource.build());
    long max = Long.MIN_VALUE;
    for (int i = 0; i < scopes.n; i++) {
      max = Math.max(max, scopeMetrics(r, scopes.start(i), scopes.length(i)));
    }
    translator.targetInfo(r, max, out);
  }

  private long scopeMetrics(ResourceInfo r, int start, int len) throws IOException {
    CodedInputStream in = stream(start, len, SCOPE_METRICS);
    InstrumentationScope.Builder scope = null;
    Slices metrics = new Slices();
    int tag;
    while ((tag = in.readTag()) != 0) {
      switch (tag) {
        case 10 -> {
          if (scope == null) {
            scope = InstrumentationScope.newBuilder();
          }
          in.readMessage(scope, NO_EXTENSIONS);
        }
        case 18 -> metrics.add(in, start);
        case 26 -> in.readStringRequireUtf8();
        default -> unknownOrFail(in, tag);
      }
    }
    PointContext ctx = translator.context(tenant, r,
        scope == null ? InstrumentationScope.getDefaultInstance() : scope.build(), out);
    long max = Long.MIN_VALUE;
    for (int i = 0; i < metrics.n; i++) {
      max = Math.max(max, metric(ctx, metrics.start(i), metrics.length(i)));
    }
    return max;
  }

  /** Translates one metric; returns its newest point time in milliseconds (MIN_VALUE if none). */
  private long metric(PointContext ctx, int start, int len) throws IOException {
    CodedInputStream in = stream(start, len, METRIC);
    String name = "";
    String description = "";
    String unit = "";
    int dataTag = 0;
    int dataStart = 0;
    int dataLen = 0;
    int dataFields = 0;
    boolean metadata = false;
    int tag;
    while ((tag = in.readTag()) != 0) {
      switch (tag) {
        case NAME -> name = in.readStringRequireUtf8();
        case DESCRIPTION -> description = in.readStringRequireUtf8();
        case UNIT -> unit = in.readStringRequireUtf8();
        case GAUGE, SUM, HISTOGRAM, EXPONENTIAL_HISTOGRAM, SUMMARY -> {
          dataTag = tag;
          dataLen = in.readRawVarint32();
          dataStart = start + in.getTotalBytesRead();
          in.skipRawBytes(dataLen);
          dataFields++;
        }
        case METADATA -> {
          metadata = true;
          in.skipRawBytes(in.readRawVarint32()); // validated by the fallback's parse
        }
        default -> unknownOrFail(in, tag);
      }
    }
    if (metadata || dataFields > 1 || dataTag == EXPONENTIAL_HISTOGRAM || dataTag == SUMMARY) {
      return fallback(ctx, start, len);
    }
    if (dataFields == 0) {
      return Long.MIN_VALUE;
    }
    // first pass over the data message: temporality, monotonicity and the number of points
    CodedInputStream d = stream(dataStart, dataLen, DATA);
    int temporality = 0;
    boolean monotonic = false;
    int count = 0;
    while ((tag = d.readTag()) != 0) {
      if (tag == DATA_POINTS) {
        count++;
        d.skipRawBytes(d.readRawVarint32()); // validated by the second pass
      } else if (tag == TEMPORALITY && dataTag != GAUGE) {
        temporality = d.readEnum();
      } else if (tag == MONOTONIC && dataTag == SUM) {
        monotonic = d.readBool();
      } else {
        unknownOrFail(d, tag);
      }
    }
    ProtobufPoints.Mode mode;
    String promName;
    if (dataTag == HISTOGRAM) {
      if (temporality == DELTA) {
        throw new NeedsObjectPath();
      }
      promName = PrometheusNames.metricName(name, unit, Kind.OTHER);
      if (temporality != CUMULATIVE || promName.isEmpty()) {
        return fallback(ctx, start, len);
      }
      out.metadata(OtlpToPrometheus.meta(promName, Type.HISTOGRAM, unit, Kind.OTHER, description));
      mode = ProtobufPoints.Mode.HISTOGRAM;
    } else if (dataTag == SUM && monotonic) {
      if (temporality == DELTA) {
        throw new NeedsObjectPath();
      }
      promName = PrometheusNames.metricName(name, unit, Kind.COUNTER);
      if (temporality != CUMULATIVE || promName.isEmpty()) {
        return fallback(ctx, start, len);
      }
      out.metadata(OtlpToPrometheus.meta(promName, Type.COUNTER, unit, Kind.COUNTER, description));
      mode = ProtobufPoints.Mode.COUNTER;
    } else { // a gauge, or a non-monotonic sum (a gauge when cumulative)
      promName = PrometheusNames.metricName(name, unit, Kind.GAUGE);
      if (dataTag == SUM && temporality != CUMULATIVE || promName.isEmpty()) {
        return fallback(ctx, start, len);
      }
      out.metadata(OtlpToPrometheus.meta(promName, Type.GAUGE, unit, Kind.GAUGE, description));
      mode = ProtobufPoints.Mode.GAUGE;
    }
    dataPoints += count;
    // second pass: the points
    d = stream(dataStart, dataLen, DATA);
    points.start(ctx, mode, promName, data, dataStart);
    while ((tag = d.readTag()) != 0) {
      if (tag == DATA_POINTS) {
        d.readMessage(points, NO_EXTENSIONS);
        points.emit();
      } else if (tag == TEMPORALITY && dataTag != GAUGE) {
        d.readEnum();
      } else if (tag == MONOTONIC && dataTag == SUM) {
        d.readBool();
      } else {
        unknownOrFail(d, tag);
      }
    }
    return points.maxMillis();
  }

  /** Parses one metric with the generated classes and translates it with the object path. */
  private long fallback(PointContext ctx, int start, int len) throws IOException {
    CodedInputStream in = stream(start, len, METRIC);
    Metric m = Metric.parser().parseFrom(in, NO_EXTENSIONS);
    in.checkLastTagWas(0);
    boolean delta = switch (m.getDataCase()) {
      case SUM -> m.getSum().getIsMonotonic() && m.getSum().getAggregationTemporalityValue() == DELTA;
      case HISTOGRAM -> m.getHistogram().getAggregationTemporalityValue() == DELTA;
      case EXPONENTIAL_HISTOGRAM -> m.getExponentialHistogram().getAggregationTemporalityValue() == DELTA;
      default -> false;
    };
    if (delta) {
      throw new NeedsObjectPath();
    }
    dataPoints += OtlpToPrometheus.dataPoints(m);
    return OtlpToPrometheus.metric(ctx, m);
  }


  /**
   * Reads an unknown field as the generated parsers do (into an unknown-field set, which checks
   * groups and their nesting); false at an end-group tag.
   */
  static boolean unknownField(CodedInputStream in, int tag) throws IOException {
    return UnknownFieldSet.newBuilder().mergeFieldFrom(tag, in);
  }

  /** {@link #unknownField}, failing at an end-group tag (which ends a nested message badly). */
  static void unknownOrFail(CodedInputStream in, int tag) throws IOException {
    if (!unknownField(in, tag)) {
      throw new InvalidProtocolBufferException("protocol message end-group tag did not match expected tag");
    }
  }

  /**
   * Decodes attribute fields: {@code b[from, to)} holds only fields with tag {@code tag}, each a
   * {@code KeyValue}, as found in a data point (whose contents are at nesting depth {@link #DATA}
   * + 1).
   */
  static List<KeyValue> attributes(byte[] b, int from, int to, int tag) throws IOException {
    if (from == to) {
      return List.of();
    }
    CodedInputStream in = CodedInputStream.newInstance(b, from, to - from);
    in.setRecursionLimit(RECURSION_LIMIT - DATA - 1);
    List<KeyValue> out = new ArrayList<>(4);
    int t;
    while ((t = in.readTag()) != 0) {
      if (t != tag) {
        throw new IllegalStateException("attribute bytes hold tag " + t + ", expected " + tag);
      }
      out.add(in.readMessage(KeyValue.parser(), NO_EXTENSIONS));
    }
    return out;
  }

  /** Start and length of the length-delimited fields of one kind in a message. */
  private static final class Slices {
    private int[] a = new int[16];
    private int n;

    /** Records the field whose length the stream is at, and skips it. */
    void add(CodedInputStream in, int base) throws IOException {
      int len = in.readRawVarint32();
      int start = base + in.getTotalBytesRead();
      in.skipRawBytes(len);
      if (2 * n + 2 > a.length) {
        a = java.util.Arrays.copyOf(a, a.length * 2);
      }
      a[2 * n] = start;
      a[2 * n + 1] = len;
      n++;
    }

    int start(int i) {
      return a[2 * i];
    }

    int length(int i) {
      return a[2 * i + 1];
    }
  }
}
