package io.lookout.ingest.metrics;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.WireFormat;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.metrics.v1.Exemplar;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogram;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.metrics.v1.Summary;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import io.opentelemetry.proto.resource.v1.Resource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Seeded random OTLP metric export requests (every metric type, both temporalities, int and
 * double values, NaN and infinities, exemplars, flags, empty, duplicate and non-string attribute
 * values, several resources and scopes) and a scrambling encoder that writes any message as other
 * valid protobuf writers may: fields in any order, repeated scalars packed or not, messages split
 * in two and merged, decoy values overwritten later, unknown fields of every wire type.
 */
public final class RandomMetrics {
  private static final String[] KEYS = {"host", "cpu", "state", "http.method", "a.b", "le", "job", "instance",
    "__name__", "otel_scope_name", "", "ünï", "9x", "a-b"};
  private static final String[] STRINGS = {"", "x", "y", "cpu0", "GET", "ü", "a;b", "0"};
  private static final String[] NAMES = {"http.requests", "cpu.time", "system.memory.usage", "x", "", "___",
    "9lives", "requests_total", "latency", "ratio"};
  private static final String[] UNITS = {"", "s", "ms", "By", "1", "{request}", "%", "By/s"};
  private static final double[] VALUES = {0, -0.0, 1, 2.5, -3, 1e300, Double.NaN, Double.POSITIVE_INFINITY,
    Double.NEGATIVE_INFINITY, 0.1, 42};
  private static final double[][] BOUNDS = {{}, {1}, {0.5, 1, 5}, {0.005, 0.025, 0.1, 0.25, 1}, {-1, 0, 1},
    {1, 1}};
  private static final long NS = 1_700_000_000_000_000_000L;

  private final Random r;
  private final boolean deltas;

  /** @param deltas whether delta temporality may appear (a request with a delta takes the object path) */
  public RandomMetrics(long seed, boolean deltas) {
    this.r = new Random(seed);
    this.deltas = deltas;
  }

  public Random random() {
    return r;
  }

  public ExportMetricsServiceRequest request() {
    ExportMetricsServiceRequest.Builder b = ExportMetricsServiceRequest.newBuilder();
    int resources = r.nextInt(4);
    for (int i = 0; i < resources; i++) {
      ResourceMetrics.Builder rm = ResourceMetrics.newBuilder();
      if (r.nextInt(5) > 0) {
        Resource.Builder res = Resource.newBuilder();
        if (r.nextInt(4) > 0) {
          res.addAttributes(kv("service.name", AnyValue.newBuilder().setStringValue(pick(new String[] {"api", "db", ""}))));
        }
        if (r.nextInt(3) == 0) {
          res.addAttributes(kv("service.namespace", AnyValue.newBuilder().setStringValue("shop")));
        }
        if (r.nextInt(2) == 0) {
          res.addAttributes(kv("service.instance.id", value()));
        }
        for (int k = r.nextInt(3); k > 0; k--) {
          res.addAttributes(attribute());
        }
        rm.setResource(res);
      }
      if (r.nextInt(6) == 0) {
        rm.setSchemaUrl("https://opentelemetry.io/schemas/1.21.0");
      }
      for (int s = r.nextInt(3); s >= 0; s--) {
        ScopeMetrics.Builder sm = ScopeMetrics.newBuilder();
        if (r.nextInt(4) > 0) {
          InstrumentationScope.Builder scope = InstrumentationScope.newBuilder().setName(pick(new String[] {"", "lib", "hostmetrics"}));
          if (r.nextBoolean()) {
            scope.setVersion("1.0");
          }
          for (int k = r.nextInt(3) - 1; k > 0; k--) {
            scope.addAttributes(attribute());
          }
          sm.setScope(scope);
        }
        for (int m = r.nextInt(6); m > 0; m--) {
          sm.addMetrics(metric());
        }
        rm.addScopeMetrics(sm);
      }
      b.addResourceMetrics(rm);
    }
    return b.build();
  }

  private Metric metric() {
    Metric.Builder m = Metric.newBuilder().setName(pick(NAMES)).setUnit(pick(UNITS));
    if (r.nextInt(3) == 0) {
      m.setDescription("help " + r.nextInt(3));
    }
    if (r.nextInt(10) == 0) {
      m.addMetadata(kv("prometheus.type", AnyValue.newBuilder().setStringValue(r.nextBoolean() ? "unknown" : "gauge")));
    }
    int points = r.nextInt(5);
    switch (r.nextInt(12)) {
      case 0, 1, 2 -> {
        Gauge.Builder g = Gauge.newBuilder();
        for (int i = 0; i < points; i++) {
          g.addDataPoints(number());
        }
        m.setGauge(g);
      }
      case 3, 4, 5, 6 -> {
        Sum.Builder s = Sum.newBuilder().setIsMonotonic(r.nextInt(3) > 0).setAggregationTemporalityValue(temporality());
        for (int i = 0; i < points; i++) {
          s.addDataPoints(number());
        }
        m.setSum(s);
      }
      case 7, 8, 9 -> {
        Histogram.Builder h = Histogram.newBuilder().setAggregationTemporalityValue(temporality());
        for (int i = 0; i < points; i++) {
          h.addDataPoints(histogramPoint());
        }
        m.setHistogram(h);
      }
      case 10 -> {
        ExponentialHistogram.Builder h = ExponentialHistogram.newBuilder().setAggregationTemporalityValue(temporality());
        for (int i = 0; i < points; i++) {
          ExponentialHistogramDataPoint.Builder p = ExponentialHistogramDataPoint.newBuilder()
              .setTimeUnixNano(time()).setScale(r.nextInt(16) - 6).setCount(r.nextInt(100))
              .setZeroCount(r.nextInt(3)).setFlags(flags()).addAllAttributes(attributes());
          if (r.nextBoolean()) {
            p.setSum(pickValue());
          }
          p.setPositive(ExponentialHistogramDataPoint.Buckets.newBuilder().setOffset(r.nextInt(5) - 2)
              .addBucketCounts(r.nextInt(4)).addBucketCounts(r.nextInt(4)));
          h.addDataPoints(p);
        }
        m.setExponentialHistogram(h);
      }
      case 11 -> {
        if (r.nextBoolean()) {
          Summary.Builder s = Summary.newBuilder();
          for (int i = 0; i < points; i++) {
            s.addDataPoints(SummaryDataPoint.newBuilder().setTimeUnixNano(time()).setCount(r.nextInt(9))
                .setSum(pickValue()).addAllAttributes(attributes()).setFlags(flags())
                .addQuantileValues(SummaryDataPoint.ValueAtQuantile.newBuilder().setQuantile(0.99).setValue(pickValue()))
                .addQuantileValues(SummaryDataPoint.ValueAtQuantile.newBuilder().setQuantile(0.5).setValue(1)));
          }
          m.setSummary(s);
        } // else no data at all
      }
      default -> throw new AssertionError();
    }
    return m.build();
  }

  private int temporality() {
    int t = r.nextInt(10);
    if (t == 0) {
      return r.nextBoolean() ? 0 : 7; // unspecified, unrecognised
    }
    return deltas && t <= 3 ? 1 : 2;
  }

  private long time() {
    return NS + r.nextInt(20) * 1_000_000_000L + (r.nextInt(4) == 0 ? r.nextInt(1_000_000) : 0);
  }

  private int flags() {
    int f = r.nextInt(8);
    return f < 5 ? 0 : f == 5 ? 1 : f == 6 ? 2 : 3;
  }

  private NumberDataPoint number() {
    NumberDataPoint.Builder p = NumberDataPoint.newBuilder().setTimeUnixNano(time()).addAllAttributes(attributes())
        .setFlags(flags());
    if (r.nextBoolean()) {
      p.setStartTimeUnixNano(NS - r.nextInt(3) * 1_000_000_000L);
    }
    switch (r.nextInt(5)) {
      case 0 -> { } // no value
      case 1, 2 -> p.setAsInt(r.nextInt(7) == 0 ? Long.MIN_VALUE : r.nextInt(1000) - 10);
      default -> p.setAsDouble(pickValue());
    }
    for (int i = r.nextInt(5) - 2; i > 0; i--) {
      p.addExemplars(exemplar());
    }
    return p.build();
  }

  private HistogramDataPoint histogramPoint() {
    double[] bounds = BOUNDS[r.nextInt(BOUNDS.length)];
    HistogramDataPoint.Builder p = HistogramDataPoint.newBuilder().setTimeUnixNano(time()).addAllAttributes(attributes())
        .setFlags(flags()).setCount(r.nextInt(7) == 0 ? -1L : r.nextInt(100));
    if (r.nextBoolean()) {
      p.setStartTimeUnixNano(NS - 1_000_000_000L);
    }
    for (double b : bounds) {
      p.addExplicitBounds(b);
    }
    int buckets = r.nextInt(8) == 0 ? r.nextInt(4) : bounds.length + 1;
    for (int i = 0; i < buckets; i++) {
      p.addBucketCounts(r.nextInt(20));
    }
    if (r.nextInt(3) > 0) {
      p.setSum(pickValue());
    }
    if (r.nextInt(4) == 0) {
      p.setMin(0).setMax(9);
    }
    for (int i = r.nextInt(5) - 2; i > 0; i--) {
      p.addExemplars(exemplar());
    }
    return p.build();
  }

  private Exemplar exemplar() {
    Exemplar.Builder e = Exemplar.newBuilder().setTimeUnixNano(time());
    if (r.nextBoolean()) {
      e.setAsDouble(pickValue());
    } else if (r.nextBoolean()) {
      e.setAsInt(r.nextInt(10));
    }
    int traceLen = new int[] {0, 16, 16, 3}[r.nextInt(4)];
    byte[] id = new byte[traceLen];
    r.nextBytes(id);
    e.setTraceId(ByteString.copyFrom(id));
    byte[] span = new byte[r.nextBoolean() ? 8 : 0];
    r.nextBytes(span);
    e.setSpanId(ByteString.copyFrom(span));
    for (int i = r.nextInt(3); i > 0; i--) {
      e.addFilteredAttributes(attribute());
    }
    return e.build();
  }

  private List<KeyValue> attributes() {
    List<KeyValue> out = new ArrayList<>();
    for (int i = r.nextInt(4); i > 0; i--) {
      out.add(attribute());
    }
    return out;
  }

  private KeyValue attribute() {
    return kv(pick(KEYS), value());
  }

  private AnyValue.Builder value() {
    AnyValue.Builder v = AnyValue.newBuilder();
    switch (r.nextInt(14)) {
      case 0 -> v.setBoolValue(r.nextBoolean());
      case 1 -> v.setIntValue(r.nextInt(5) - 2);
      case 2 -> v.setDoubleValue(pickValue());
      case 3 -> v.setBytesValue(ByteString.copyFromUtf8("b" + r.nextInt(2)));
      case 4 -> v.setArrayValue(ArrayValue.newBuilder().addValues(AnyValue.newBuilder().setStringValue("x"))
          .addValues(AnyValue.newBuilder().setIntValue(1)));
      case 5 -> v.setKvlistValue(KeyValueList.newBuilder().addValues(kv("k", AnyValue.newBuilder().setStringValue("v"))));
      case 6 -> { } // not set
      default -> v.setStringValue(pick(STRINGS));
    }
    return v;
  }

  private static KeyValue kv(String k, AnyValue.Builder v) {
    return KeyValue.newBuilder().setKey(k).setValue(v).build();
  }

  private String pick(String[] a) {
    return a[r.nextInt(a.length)];
  }

  private double pickValue() {
    return VALUES[r.nextInt(VALUES.length)];
  }

  /** The message as a scrambling but valid writer may encode it (parses back to an equal message). */
  public byte[] encode(Message m) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      CodedOutputStream out = CodedOutputStream.newInstance(bytes);
      write(m, out);
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void write(Message m, CodedOutputStream out) throws IOException {
    // one queue per field, interleaved at random (repeated elements keep their order)
    List<List<Runnable>> queues = new ArrayList<>();
    for (Map.Entry<FieldDescriptor, Object> e : m.getAllFields().entrySet()) {
      FieldDescriptor fd = e.getKey();
      List<Runnable> q = new ArrayList<>();
      if (fd.isRepeated() && fd.isPackable() && r.nextBoolean()) {
        List<?> values = (List<?>) e.getValue();
        q.add(io(() -> {
          ByteArrayOutputStream packed = new ByteArrayOutputStream();
          CodedOutputStream p = CodedOutputStream.newInstance(packed);
          for (Object v : values) {
            scalar(fd, v, p);
          }
          p.flush();
          out.writeByteArray(fd.getNumber(), packed.toByteArray());
        }));
      } else if (fd.isRepeated()) {
        for (Object v : (List<?>) e.getValue()) {
          q.add(io(() -> field(fd, v, out)));
        }
      } else {
        q.add(io(() -> {
          if (r.nextInt(8) == 0) {
            decoy(m, fd, out);
          }
          field(fd, e.getValue(), out);
        }));
      }
      queues.add(q);
    }
    while (!queues.isEmpty()) {
      if (r.nextInt(12) == 0) {
        unknown(out, 0);
      }
      int i = r.nextInt(queues.size());
      queues.get(i).remove(0).run();
      if (queues.get(i).isEmpty()) {
        queues.remove(i);
      }
    }
    if (r.nextInt(12) == 0) {
      unknown(out, 0);
    }
  }

  /** A value the real one written next replaces: another scalar, an empty message of the same or a sibling oneof field. */
  private void decoy(Message m, FieldDescriptor fd, CodedOutputStream out) throws IOException {
    if (fd.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
      FieldDescriptor target = fd;
      if (fd.getContainingOneof() != null && r.nextBoolean()) {
        List<FieldDescriptor> siblings = fd.getContainingOneof().getFields();
        target = siblings.get(r.nextInt(siblings.size()));
      }
      out.writeByteArray(target.getNumber(), new byte[0]);
    } else if (fd.getJavaType() == FieldDescriptor.JavaType.STRING) {
      out.writeString(fd.getNumber(), "decoy");
    } else if (fd.getJavaType() == FieldDescriptor.JavaType.DOUBLE) {
      out.writeDouble(fd.getNumber(), 7.5);
    }
  }

  private void field(FieldDescriptor fd, Object v, CodedOutputStream out) throws IOException {
    if (fd.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
      Message child = (Message) v;
      byte[] payload;
      if (r.nextInt(6) == 0) { // split in two messages whose concatenation merges back into the child
        Message.Builder a = child.newBuilderForType();
        Message.Builder b = child.newBuilderForType();
        for (Map.Entry<FieldDescriptor, Object> e : child.getAllFields().entrySet()) {
          FieldDescriptor f = e.getKey();
          if (f.isRepeated()) {
            List<?> l = (List<?>) e.getValue();
            int k = r.nextInt(l.size() + 1);
            for (int i = 0; i < l.size(); i++) {
              (i < k ? a : b).addRepeatedField(f, l.get(i));
            }
          } else {
            (r.nextBoolean() ? a : b).setField(f, e.getValue());
          }
        }
        byte[] pa = encode(a.build());
        byte[] pb = encode(b.build());
        payload = new byte[pa.length + pb.length];
        System.arraycopy(pa, 0, payload, 0, pa.length);
        System.arraycopy(pb, 0, payload, pa.length, pb.length);
      } else {
        payload = encode(child);
      }
      out.writeByteArray(fd.getNumber(), payload);
      return;
    }
    out.writeTag(fd.getNumber(), fd.getLiteType().getWireType());
    scalar(fd, v, out);
  }

  private static void scalar(FieldDescriptor fd, Object v, CodedOutputStream out) throws IOException {
    switch (fd.getType()) {
      case DOUBLE -> out.writeDoubleNoTag((Double) v);
      case FLOAT -> out.writeFloatNoTag((Float) v);
      case INT64 -> out.writeInt64NoTag((Long) v);
      case UINT64 -> out.writeUInt64NoTag((Long) v);
      case INT32 -> out.writeInt32NoTag((Integer) v);
      case FIXED64 -> out.writeFixed64NoTag((Long) v);
      case FIXED32 -> out.writeFixed32NoTag((Integer) v);
      case BOOL -> out.writeBoolNoTag((Boolean) v);
      case STRING -> out.writeStringNoTag((String) v);
      case BYTES -> out.writeBytesNoTag((ByteString) v);
      case UINT32 -> out.writeUInt32NoTag((Integer) v);
      case ENUM -> out.writeEnumNoTag(((EnumValueDescriptor) v).getNumber());
      case SFIXED32 -> out.writeSFixed32NoTag((Integer) v);
      case SFIXED64 -> out.writeSFixed64NoTag((Long) v);
      case SINT32 -> out.writeSInt32NoTag((Integer) v);
      case SINT64 -> out.writeSInt64NoTag((Long) v);
      default -> throw new IllegalArgumentException("unexpected field type " + fd.getType());
    }
  }

  /** An unknown field: a new number, or a known number with another wire type; groups nest. */
  private void unknown(CodedOutputStream out, int depth) throws IOException {
    if (r.nextInt(4) == 0) { // a known number with a wire type no field of that number has (in OTLP metrics)
      out.writeTag(1 + r.nextInt(12), WireFormat.WIRETYPE_FIXED32);
      out.writeFixed32NoTag(r.nextInt());
      return;
    }
    int number = 100 + r.nextInt(50);
    switch (r.nextInt(depth < 3 ? 6 : 5)) {
      case 0 -> {
        out.writeTag(number, WireFormat.WIRETYPE_VARINT);
        out.writeUInt64NoTag(r.nextLong());
      }
      case 1 -> {
        out.writeTag(number, WireFormat.WIRETYPE_FIXED64);
        out.writeFixed64NoTag(r.nextLong());
      }
      case 2 -> {
        out.writeTag(number, WireFormat.WIRETYPE_FIXED32);
        out.writeFixed32NoTag(r.nextInt());
      }
      case 3, 4 -> {
        byte[] junk = new byte[r.nextInt(6)];
        r.nextBytes(junk);
        out.writeTag(number, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        out.writeByteArrayNoTag(junk);
      }
      default -> {
        out.writeTag(number, WireFormat.WIRETYPE_START_GROUP);
        for (int i = r.nextInt(3); i > 0; i--) {
          unknown(out, depth + 1);
        }
        out.writeTag(number, WireFormat.WIRETYPE_END_GROUP);
      }
    }
  }

  private interface IoAction {
    void run() throws IOException;
  }

  private static Runnable io(IoAction a) {
    return () -> {
      try {
        a.run();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    };
  }
}
