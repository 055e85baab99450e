package io.lookout.ingest.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lookout.model.metrics.Labels;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The translated-labels cache changes nothing but the work done. */
class SeriesCacheTest {
  private static final long NS = 1_767_225_600_000_000_000L;

  private static KeyValue kv(String k, AnyValue v) {
    return KeyValue.newBuilder().setKey(k).setValue(v).build();
  }

  private static AnyValue str(String v) {
    return AnyValue.newBuilder().setStringValue(v).build();
  }

  /** Attribute sets that collide after translation, differ only in value type, repeat, and vary. */
  private static List<KeyValue> attributes(SplittableRandom rng) {
    List<KeyValue> out = new ArrayList<>();
    switch (rng.nextInt(6)) {
      case 0 -> out.add(kv("a.b", str("x")));
      case 1 -> {
        out.add(kv("a_b", str("y")));
        out.add(kv("a.b", str("x")));
      }
      case 2 -> out.add(kv("n", str("1")));
      case 3 -> out.add(kv("n", AnyValue.newBuilder().setIntValue(1).build()));
      case 4 -> out.add(kv("job", str("attr-job")));
      default -> out.add(kv("host", str("h" + rng.nextInt(3))));
    }
    if (rng.nextBoolean()) {
      out.add(kv("empty", str("")));
    }
    return out;
  }

  private static NumberDataPoint number(SplittableRandom rng, long t, int flags) {
    return NumberDataPoint.newBuilder().setTimeUnixNano(NS + t * 1_000_000_000L).setStartTimeUnixNano(NS)
        .addAllAttributes(attributes(rng)).setAsDouble(rng.nextInt(100)).setFlags(flags).build();
  }

  private static ExportMetricsServiceRequest request(SplittableRandom rng, long t) {
    ExportMetricsServiceRequest.Builder req = ExportMetricsServiceRequest.newBuilder();
    for (int r = 0; r < 3; r++) {
      List<KeyValue> resource = new ArrayList<>(List.of(kv("service.name", str("svc" + r))));
      if (r == 1) {
        resource.add(kv("service.instance.id", str("i1")));
        resource.add(kv("host.name", str("box")));
      }
      ScopeMetrics.Builder scope = ScopeMetrics.newBuilder()
          .setScope(InstrumentationScope.newBuilder().setName(r == 2 ? "" : "lib").setVersion("1." + (t % 2))
              .addAttributes(kv("scope.attr", str(r == 0 ? "s" : ""))));
      int flags = rng.nextInt(10) == 0 ? 1 : 0;
      scope.addMetrics(Metric.newBuilder().setName("g").setUnit("By")
          .setGauge(Gauge.newBuilder().addDataPoints(number(rng, t, flags)).addDataPoints(number(rng, t, 0))));
      for (var temporality : List.of(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE,
          AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA)) {
        scope.addMetrics(Metric.newBuilder().setName("c." + temporality.getNumber()).setUnit("s")
            .setSum(Sum.newBuilder().setIsMonotonic(true).setAggregationTemporality(temporality)
                .addDataPoints(number(rng, t, flags))));
        List<Double> bounds = rng.nextInt(4) == 0 ? List.of(0.5, 1.0) : List.of(0.1, 1.0, 10.0);
        HistogramDataPoint.Builder h = HistogramDataPoint.newBuilder().setTimeUnixNano(NS + t * 1_000_000_000L)
            .setStartTimeUnixNano(NS).addAllAttributes(attributes(rng)).addAllExplicitBounds(bounds)
            .setCount(bounds.size() + 1).setSum(3).setFlags(flags);
        for (int i = 0; i <= bounds.size(); i++) {
          h.addBucketCounts(1);
        }
        // "g" as a histogram too: the same name and attributes as the gauge, another kind of entry
        scope.addMetrics(Metric.newBuilder().setName(rng.nextBoolean() ? "g" : "h." + temporality.getNumber())
            .setHistogram(Histogram.newBuilder().setAggregationTemporality(temporality).addDataPoints(h)));
        scope.addMetrics(Metric.newBuilder().setName("e." + temporality.getNumber())
            .setExponentialHistogram(ExponentialHistogram.newBuilder().setAggregationTemporality(temporality)
                .addDataPoints(ExponentialHistogramDataPoint.newBuilder().setTimeUnixNano(NS + t * 1_000_000_000L)
                    .setStartTimeUnixNano(NS).addAllAttributes(attributes(rng)).setScale(2).setCount(2).setSum(3)
                    .setZeroCount(1).setPositive(ExponentialHistogramDataPoint.Buckets.newBuilder()
                        .setOffset(1).addBucketCounts(1)))));
      }
      scope.addMetrics(Metric.newBuilder().setName("s").setSummary(Summary.newBuilder()
          .addDataPoints(SummaryDataPoint.newBuilder().setTimeUnixNano(NS + t * 1_000_000_000L)
              .addAllAttributes(attributes(rng)).setCount(2).setSum(3)
              .addQuantileValues(SummaryDataPoint.ValueAtQuantile.newBuilder().setQuantile(0.5).setValue(1)))));
      req.addResourceMetrics(ResourceMetrics.newBuilder()
          .setResource(Resource.newBuilder().addAllAttributes(resource)).addScopeMetrics(scope));
    }
    return req.build();
  }

  private static OtlpToPrometheus translator(int maxCached) {
    return new OtlpToPrometheus(new OtlpToPrometheus.Options(1000, true, true, true), new PrometheusRegistry(),
        maxCached);
  }

  @Test
  void sameBatchesWithAndWithoutTheCache() {
    OtlpToPrometheus uncached = translator(0);
    OtlpToPrometheus cached = translator(SeriesCache.DEFAULT_MAX_ENTRIES);
    OtlpToPrometheus thrashing = translator(3);
    SplittableRandom rng = new SplittableRandom(7);
    for (int t = 0; t < 200; t++) {
      // each translator gets its own parsed copy, as the server parses every request afresh
      ExportMetricsServiceRequest req = request(rng, t);
      byte[] bytes = req.toByteArray();
      OtlpToPrometheus.Result expected = uncached.translate("t", parse(bytes));
      assertThat(expected.batch().sampleCount()).isPositive();
      assertThat(cached.translate("t", parse(bytes))).isEqualTo(expected);
      assertThat(thrashing.translate("t", parse(bytes))).isEqualTo(expected);
    }
  }

  @Test
  void repeatedSeriesGetTheSameLabelsInstance() {
    OtlpToPrometheus cached = translator(SeriesCache.DEFAULT_MAX_ENTRIES);
    ExportMetricsServiceRequest req = request(new SplittableRandom(1), 0);
    SeriesBatch first = cached.translate("t", parse(req.toByteArray())).batch();
    SeriesBatch second = cached.translate("t", parse(req.toByteArray())).batch();
    // (the repeated delta points are dropped as out of order the second time)
    Map<Labels, Labels> firstByValue = new java.util.HashMap<>();
    first.series().forEach(s -> firstByValue.put(s.labels(), s.labels()));
    long same = second.series().stream().filter(s -> firstByValue.get(s.labels()) == s.labels()).count();
    // all but target_info (once per resource), _created and summary series (built per point)
    long uncached = second.series().stream().map(s -> s.labels().metricName())
        .filter(n -> n.endsWith("_created") || n.equals("s") || n.startsWith("s_")).count();
    assertThat(same).isEqualTo(second.series().size() - uncached - 1);
  }

  @Test
  void boundedBySize() {
    SeriesCache cache = new SeriesCache(10);
    SeriesCache.Base base = cache.base(Map.of("job", "x"));
    for (int i = 0; i < 100; i++) {
      SeriesCache.Key key = SeriesCache.key(SeriesCache.Kind.POINT, base, "m",
          List.of(kv("k", str(Integer.toString(i)))));
      cache.put(key, Labels.of("__name__", "m", "k", Integer.toString(i)));
      assertThat(cache.size()).isBetween(1, 10);
      assertThat(cache.labels(key)).isEqualTo(Labels.of("__name__", "m", "k", Integer.toString(i)));
    }
    assertThatThrownBy(() -> new SeriesCache(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 1");
  }

  @Test
  void keysSeparateKindsNamesBasesAndValueStrings() {
    SeriesCache cache = new SeriesCache(100);
    SeriesCache.Base a = cache.base(Map.of("job", "a"));
    SeriesCache.Base b = cache.base(Map.of("job", "b"));
    assertThat(cache.base(new java.util.LinkedHashMap<>(Map.of("job", "a")))).isSameAs(a);
    List<KeyValue> attrs = List.of(kv("n", str("1")));
    List<KeyValue> asInt = List.of(kv("n", AnyValue.newBuilder().setIntValue(1).build()));
    var key = SeriesCache.key(SeriesCache.Kind.POINT, a, "m", attrs);
    cache.put(key, Labels.of("__name__", "m"));
    assertThat(cache.labels(SeriesCache.key(SeriesCache.Kind.POINT, a, "m", asInt))).isNotNull();
    assertThat(cache.labels(SeriesCache.key(SeriesCache.Kind.POINT, b, "m", attrs))).isNull();
    assertThat(cache.labels(SeriesCache.key(SeriesCache.Kind.POINT, a, "m2", attrs))).isNull();
    assertThat(cache.histogram(SeriesCache.key(SeriesCache.Kind.HISTOGRAM, a, "m", attrs))).isNull();
    assertThat(cache.labels(SeriesCache.key(SeriesCache.Kind.POINT, a, "m", List.of()))).isNull();
  }

  private static ExportMetricsServiceRequest parse(byte[] bytes) {
    try {
      return ExportMetricsServiceRequest.parseFrom(bytes);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }
}
