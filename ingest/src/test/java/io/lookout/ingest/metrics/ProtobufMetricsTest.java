package io.lookout.ingest.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.lookout.ingest.OtlpDecoder;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Exemplar;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.resource.v1.Resource;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The proof of the byte-level decoder: on seeded random requests, scrambled as other writers may
 * encode them, {@link OtlpToPrometheus#translate(String, byte[], int, int)} gives exactly the
 * result (series, samples, histograms, exemplars, metadata, dropped points, message) and point
 * count of parsing the bytes with the generated classes and translating the request, request
 * after request on translators with state (caches, delta accumulation); and it refuses exactly
 * the bytes the generated parser refuses.
 */
class ProtobufMetricsTest {
  private static final OtlpToPrometheus.Options[] OPTIONS = {
    OtlpToPrometheus.Options.DEFAULTS,
    new OtlpToPrometheus.Options(100, false, false, true),
    new OtlpToPrometheus.Options(3, true, true, true),
  };
  private static final int[] CACHE_SIZES = {SeriesCache.DEFAULT_MAX_ENTRIES, 0, 3, 50};

  private int compared;
  private int refused;

  @Test
  void bytesTranslateAsTheParsedRequest() {
    for (int session = 0; session < 100; session++) {
      RandomMetrics gen = new RandomMetrics(session, session % 3 == 0);
      OtlpToPrometheus objects = translator(session);
      OtlpToPrometheus bytes = translator(session);
      for (int i = 0; i < 6; i++) {
        byte[] data = gen.encode(gen.request());
        int offset = gen.random().nextInt(3);
        byte[] framed = new byte[data.length + offset + 2];
        System.arraycopy(data, 0, framed, offset, data.length);
        framed[offset + data.length] = 0x0a; // bytes after the request are not read
        compare(objects, bytes, framed, offset, data.length);
      }
    }
    assertThat(compared).isGreaterThan(500);
    assertThat(refused).isLessThan(compared / 10);
  }

  @Test
  void refusesExactlyWhatTheGeneratedParserRefuses() {
    Random random = new Random(11);
    RandomMetrics gen = new RandomMetrics(12, true);
    for (int i = 0; i < 1500; i++) {
      byte[] data = gen.encode(gen.request());
      byte[] mutated = mutate(random, data);
      compare(translator(i), translator(i), mutated, 0, mutated.length);
    }
    assertThat(refused).isGreaterThan(150);
  }

  @Test
  void nestingIsLimitedAsInTheGeneratedParser() {
    for (int depth = 38; depth <= 52; depth++) { // two levels each: AnyValue, ArrayValue
      AnyValue deep = nested(depth);
      KeyValue kv = KeyValue.newBuilder().setKey("k").setValue(deep).build();
      NumberDataPoint.Builder point = NumberDataPoint.newBuilder().setTimeUnixNano(1_000_000_000L).setAsInt(1);
      for (int where = 0; where < 4; where++) {
        ResourceMetrics.Builder rm = ResourceMetrics.newBuilder();
        ScopeMetrics.Builder sm = ScopeMetrics.newBuilder();
        NumberDataPoint.Builder p = point.clone();
        switch (where) {
          case 0 -> p.addAttributes(kv);
          case 1 -> p.addExemplars(Exemplar.newBuilder().addFilteredAttributes(kv));
          case 2 -> rm.setResource(Resource.newBuilder().addAttributes(kv));
          default -> sm.setScope(InstrumentationScope.newBuilder().addAttributes(kv));
        }
        sm.addMetrics(Metric.newBuilder().setName("c").setSum(Sum.newBuilder().setIsMonotonic(true)
            .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE).addDataPoints(p)));
        sm.addMetrics(Metric.newBuilder().setName("g").setGauge(Gauge.newBuilder().addDataPoints(p)));
        byte[] data = ExportMetricsServiceRequest.newBuilder().addResourceMetrics(rm.addScopeMetrics(sm)).build()
            .toByteArray();
        compare(translator(0), translator(0), data, 0, data.length);
        compare(translator(1), translator(1), data, 0, data.length); // no cache
      }
    }
    assertThat(refused).isGreaterThan(0).isLessThan(compared);
  }

  private static AnyValue nested(int depth) {
    AnyValue v = AnyValue.newBuilder().setStringValue("x").build();
    for (int i = 0; i < depth; i++) {
      v = AnyValue.newBuilder().setArrayValue(ArrayValue.newBuilder().addValues(v)).build();
    }
    return v;
  }

  private static OtlpToPrometheus translator(int session) {
    return new OtlpToPrometheus(OPTIONS[session % OPTIONS.length], new PrometheusRegistry(),
        CACHE_SIZES[session % CACHE_SIZES.length]);
  }

  private void compare(OtlpToPrometheus objects, OtlpToPrometheus bytes, byte[] data, int offset, int length) {
    ExportMetricsServiceRequest parsed;
    try {
      parsed = ExportMetricsServiceRequest.parseFrom(CodedInputStream.newInstance(data, offset, length));
    } catch (Exception e) {
      parsed = null;
    }
    OtlpToPrometheus.Translated translated;
    try {
      translated = bytes.translate("t", data, offset, length);
    } catch (InvalidProtocolBufferException e) {
      translated = null;
    }
    compared++;
    if (parsed == null) {
      refused++;
      assertThat(translated).as("bytes the generated parser refuses").isNull();
      return;
    }
    assertThat(translated).as("bytes the generated parser accepts").isNotNull();
    OtlpToPrometheus.Result expected = objects.translate("t", parsed);
    assertThat(translated.result()).isEqualTo(expected);
    assertThat(translated.dataPoints()).isEqualTo(OtlpDecoder.dataPoints(parsed));
  }

  static byte[] mutate(Random random, byte[] seed) {
    byte[] b = seed.clone();
    int edits = 1 + random.nextInt(4);
    for (int k = 0; k < edits && b.length > 0; k++) {
      int pos = random.nextInt(b.length);
      switch (random.nextInt(3)) {
        case 0 -> b[pos] = (byte) random.nextInt(256);
        case 1 -> b[pos] ^= (byte) (1 << random.nextInt(8));
        default -> {
          int cut = random.nextInt(Math.min(8, b.length - pos) + 1);
          byte[] shorter = new byte[b.length - cut];
          System.arraycopy(b, 0, shorter, 0, pos);
          System.arraycopy(b, pos + cut, shorter, pos, b.length - pos - cut);
          b = shorter;
        }
      }
    }
    return b;
  }
}
