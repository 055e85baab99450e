package io.lookout.ingest.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.lookout.model.metrics.Exemplar;
import io.lookout.model.metrics.Labels;
import io.lookout.model.metrics.NativeHistogram;
import io.lookout.model.metrics.NativeHistogram.BucketSpan;
import io.lookout.model.metrics.Sample;
import io.lookout.model.metrics.SeriesBatch;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
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
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Spec rules on hand-built OTLP, one test per rule. */
class OtlpToPrometheusTest {
  private static final long NS = 1_767_225_600_000_000_000L; // 2026-01-01T00:00:00Z
  private static final long MS = NS / 1_000_000;

  private final OtlpToPrometheus translator =
      new OtlpToPrometheus(new OtlpToPrometheus.Options(2, true, true, false), new PrometheusRegistry());

  private static KeyValue kv(String k, String v) {
    return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setStringValue(v)).build();
  }

  private static KeyValue kv(String k, AnyValue v) {
    return KeyValue.newBuilder().setKey(k).setValue(v).build();
  }

  private static ExportMetricsServiceRequest request(List<KeyValue> resource, Metric... metrics) {
    return ExportMetricsServiceRequest.newBuilder().addResourceMetrics(ResourceMetrics.newBuilder()
        .setResource(Resource.newBuilder().addAllAttributes(resource))
        .addScopeMetrics(ScopeMetrics.newBuilder()
            .setScope(InstrumentationScope.newBuilder().setName("lib").setVersion("2.1"))
            .addAllMetrics(List.of(metrics))))
        .build();
  }

  private static ExportMetricsServiceRequest request(Metric... metrics) {
    return request(List.of(kv("service.name", "api")), metrics);
  }

  private static String s(String name, String... extra) {
    return Labels.of(extra).toBuilder().put(Labels.NAME, name).put("job", "api").put("otel_scope_name", "lib")
        .put("otel_scope_version", "2.1").build().toString();
  }

  private static NumberDataPoint.Builder point(long offsetSeconds, double v) {
    return NumberDataPoint.newBuilder().setTimeUnixNano(NS + offsetSeconds * 1_000_000_000L).setAsDouble(v);
  }

  private static Metric sum(String name, boolean monotonic, AggregationTemporality t, NumberDataPoint.Builder... ps) {
    Sum.Builder s = Sum.newBuilder().setIsMonotonic(monotonic).setAggregationTemporality(t);
    for (var p : ps) {
      s.addDataPoints(p);
    }
    return Metric.newBuilder().setName(name).setSum(s).build();
  }

  private SeriesBatch translate(ExportMetricsServiceRequest r) {
    return translator.translate("t1", r).batch();
  }

  @Test
  void jobAndInstanceComeFromTheResourceAndEverythingElseGoesToTargetInfo() {
    var resource = List.of(kv("service.name", "api"), kv("service.namespace", "shop"),
        kv("service.instance.id", "pod-1:8080"), kv("host.name", "h1"),
        kv("replicas", AnyValue.newBuilder().setIntValue(3).build()));
    Metric g = Metric.newBuilder().setName("temp").setGauge(Gauge.newBuilder().addDataPoints(point(5, 21.5))).build();
    SeriesBatch b = translate(request(resource, g));
    assertThat(Batches.values(b)).containsOnly(
        Map.entry("{__name__=\"temp\", instance=\"pod-1:8080\", job=\"shop/api\", otel_scope_name=\"lib\","
            + " otel_scope_version=\"2.1\"}", 21.5),
        Map.entry("{__name__=\"target_info\", host_name=\"h1\", instance=\"pod-1:8080\", job=\"shop/api\","
            + " replicas=\"3\"}", 1.0));
    assertThat(Batches.series(b, "{__name__=\"target_info\", host_name=\"h1\", instance=\"pod-1:8080\","
        + " job=\"shop/api\", replicas=\"3\"}").samples()).containsExactly(new Sample(MS + 5000, 1));
  }

  @Test
  void attributesThatSanitiseToTheSameNameAreJoinedInKeyOrder() {
    Metric g = Metric.newBuilder().setName("g").setGauge(Gauge.newBuilder().addDataPoints(
        point(0, 1).addAttributes(kv("a.b", "2")).addAttributes(kv("a-b", "1")).addAttributes(kv("job", "x"))))
        .build();
    // "a-b" < "a.b"; the translation's own job label wins over the attribute
    assertThat(Batches.values(translate(request(g)))).containsKey(s("g", "a_b", "1;2"));
  }

  @Test
  void noRecordedValueBecomesAStalenessMarkerOnEverySeries() {
    Metric h = Metric.newBuilder().setName("lat").setHistogram(Histogram.newBuilder()
        .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
        .addDataPoints(HistogramDataPoint.newBuilder().setTimeUnixNano(NS).setFlags(1).addExplicitBounds(1)))
        .build();
    SeriesBatch b = translate(request(h));
    assertThat(b.series()).hasSize(4);
    assertThat(b.series()).allSatisfy(x -> assertThat(x.samples().getFirst().isStale()).isTrue());
    assertThat(Sample.isStaleNaN(Double.NaN)).isFalse();
  }

  @Test
  void summariesBecomeQuantilesSumAndCount() {
    Metric m = Metric.newBuilder().setName("rpc.latency").setUnit("ms").setSummary(Summary.newBuilder()
        .addDataPoints(SummaryDataPoint.newBuilder().setTimeUnixNano(NS).setCount(10).setSum(55)
            .addQuantileValues(SummaryDataPoint.ValueAtQuantile.newBuilder().setQuantile(0.99).setValue(9))
            .addQuantileValues(SummaryDataPoint.ValueAtQuantile.newBuilder().setQuantile(0.5).setValue(5))))
        .build();
    assertThat(Batches.values(translate(request(m)))).containsOnly(
        Map.entry(s("rpc_latency_milliseconds", "quantile", "0.5"), 5.0),
        Map.entry(s("rpc_latency_milliseconds", "quantile", "0.99"), 9.0),
        Map.entry(s("rpc_latency_milliseconds_sum"), 55.0),
        Map.entry(s("rpc_latency_milliseconds_count"), 10.0));
  }

  @Test
  void exemplarsKeepTraceAndSpanIdsAndLandInTheirBucket() {
    byte[] trace = HexFormat.of().parseHex("0af7651916cd43dd8448eb211c80319c");
    byte[] span = HexFormat.of().parseHex("b7ad6b7169203331");
    var ex = io.opentelemetry.proto.metrics.v1.Exemplar.newBuilder().setAsDouble(0.7).setTimeUnixNano(NS)
        .setTraceId(ByteString.copyFrom(trace)).setSpanId(ByteString.copyFrom(span)).addFilteredAttributes(kv("user", "u1"));
    Metric h = Metric.newBuilder().setName("lat").setHistogram(Histogram.newBuilder()
        .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
        .addDataPoints(HistogramDataPoint.newBuilder().setTimeUnixNano(NS).setCount(1).setSum(0.7)
            .addExplicitBounds(0.5).addExplicitBounds(1).addBucketCounts(0).addBucketCounts(1).addBucketCounts(0)
            .addExemplars(ex)))
        .build();
    SeriesBatch b = translate(request(h));
    Exemplar expected = new Exemplar(Labels.of("trace_id", "0af7651916cd43dd8448eb211c80319c",
        "span_id", "b7ad6b7169203331", "user", "u1"), 0.7, MS);
    assertThat(Batches.series(b, s("lat_bucket", "le", "1")).exemplars()).containsExactly(expected);
    assertThat(Batches.series(b, s("lat_bucket", "le", "0.5")).exemplars()).isEmpty();
    assertThat(Batches.series(b, s("lat_bucket", "le", "+Inf")).exemplars()).isEmpty();
  }

  @Test
  void deltaSumsAccumulateResetOnOverlapAndDropOutOfOrderPoints() {
    var delta = AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA;
    long s = 1_000_000_000L;
    translate(request(sum("c", true, delta, point(10, 2).setStartTimeUnixNano(NS))));
    SeriesBatch second = translate(request(sum("c", true, delta, point(20, 3).setStartTimeUnixNano(NS + 10 * s))));
    assertThat(Batches.value(second, s("c_total"))).isEqualTo(5);
    // a gap (lost points) still adds up
    SeriesBatch gap = translate(request(sum("c", true, delta, point(40, 1).setStartTimeUnixNano(NS + 30 * s))));
    assertThat(Batches.value(gap, s("c_total"))).isEqualTo(6);
    // out of order: dropped and reported
    var late = translator.translate("t1", request(sum("c", true, delta, point(30, 7).setStartTimeUnixNano(NS + 20 * s))));
    assertThat(late.batch().series()).isEmpty();
    assertThat(late.droppedPoints()).isEqualTo(1);
    assertThat(late.message()).isEqualTo("dropped data points: 1 delta out of order");
    // overlapping what was counted: a new producer, the total restarts
    SeriesBatch reset = translate(request(sum("c", true, delta, point(50, 4).setStartTimeUnixNano(NS + 35 * s))));
    assertThat(Batches.value(reset, s("c_total"))).isEqualTo(4);
    // another tenant has its own totals
    var other = translator.translate("t2", request(sum("c", true, delta, point(60, 1).setStartTimeUnixNano(NS + 50 * s))));
    assertThat(Batches.value(other.batch(), s("c_total"))).isEqualTo(1);
  }

  @Test
  void evictedDeltaSeriesStartAgainFromTheirNextValue() {
    var delta = AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA;
    translate(request(sum("a", true, delta, point(10, 5))));
    translate(request(sum("b", true, delta, point(10, 5))));
    translate(request(sum("c", true, delta, point(10, 5)))); // max 2 series: "a" is evicted
    assertThat(Batches.value(translate(request(sum("b", true, delta, point(20, 1)))), s("b_total"))).isEqualTo(6);
    assertThat(Batches.value(translate(request(sum("a", true, delta, point(20, 1)))), s("a_total"))).isEqualTo(1);
  }

  @Test
  void nonMonotonicDeltaSumsAreDroppedAndNonMonotonicCumulativeSumsAreGauges() {
    var r = translator.translate("t1", request(
        sum("queue", false, AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA, point(0, 1)),
        sum("inflight", false, AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE, point(0, -2))));
    assertThat(Batches.values(r.batch())).containsOnly(Map.entry(s("inflight"), -2.0));
    assertThat(r.droppedPoints()).isEqualTo(1);
  }

  private static Metric exponential(int scale, int offset, long... counts) {
    var b = ExponentialHistogramDataPoint.Buckets.newBuilder().setOffset(offset);
    long total = 0;
    for (long c : counts) {
      b.addBucketCounts(c);
      total += c;
    }
    return Metric.newBuilder().setName("size").setExponentialHistogram(ExponentialHistogram.newBuilder()
        .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
        .addDataPoints(ExponentialHistogramDataPoint.newBuilder().setTimeUnixNano(NS).setScale(scale)
            .setCount(total + 1).setZeroCount(1).setZeroThreshold(0.001).setSum(10).setPositive(b)))
        .build();
  }

  @Test
  void exponentialHistogramsKeepEveryBucketWithIndexesShiftedByOne() {
    NativeHistogram h = Batches.histogram(translate(request(exponential(2, -3, 1, 0, 0, 2, 3))), s("size"));
    assertThat(h).isEqualTo(new NativeHistogram(MS, 2, 0.001, 1, 7, 10,
        List.of(new BucketSpan(-2, 1), new BucketSpan(2, 2)), new double[] {1, 2, 3}, List.of(), new double[0],
        NativeHistogram.ResetHint.UNKNOWN));
  }

  @Test
  void exponentialHistogramsFinerThanSchema8AreDownscaled() {
    // scale 10 buckets 0..7 merge 4 by 4 into scale-8 buckets 0 and 1 (Prometheus indexes 1 and 2)
    NativeHistogram h = Batches.histogram(translate(request(exponential(10, 0, 1, 1, 1, 1, 2, 2, 2, 2))), s("size"));
    assertThat(h.schema()).isEqualTo(8);
    Map<Integer, Double> buckets = new TreeMap<>();
    h.forEachPositive(buckets::put);
    assertThat(buckets).containsExactly(Map.entry(1, 4.0), Map.entry(2, 8.0));
  }

  @Test
  void exponentialHistogramsCoarserThanSchemaMinus4AreDropped() {
    var r = translator.translate("t1", request(exponential(-5, 0, 1)));
    assertThat(r.batch().series()).isEmpty();
    assertThat(r.message()).isEqualTo("dropped data points: 1 exponential scale out of range");
  }
}
