package io.lookout.server;

import static io.lookout.server.Http.enc;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongUpDownCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.metrics.OtlpGrpcMetricExporter;
import io.opentelemetry.sdk.metrics.Aggregation;
import io.opentelemetry.sdk.metrics.InstrumentSelector;
import io.opentelemetry.sdk.metrics.View;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.export.AggregationTemporalitySelector;
import io.opentelemetry.sdk.metrics.export.DefaultAggregationSelector;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The OTel Java SDK exports a counter, an up-down counter, a gauge, a histogram and an
 * exponential histogram, with cumulative and with delta temporality, over gRPC and HTTP; the
 * series that PromQL then sees are named and valued as the OTLP to Prometheus rules say.
 */
class OtlpMetricsIT {
  private static InProcessServer lookout;

  @BeforeAll
  static void start() throws Exception {
    lookout = new InProcessServer();
  }

  @AfterAll
  static void stop() throws Exception {
    lookout.close();
  }

  private static MetricExporter exporter(String variant) {
    boolean delta = variant.endsWith("delta");
    // "delta": every instrument delta, up-down counters included (deltaPreferred() would keep
    // those cumulative).
    AggregationTemporalitySelector temporality = delta
        ? type -> AggregationTemporality.DELTA
        : AggregationTemporalitySelector.alwaysCumulative();
    DefaultAggregationSelector aggregation = DefaultAggregationSelector.getDefault();
    if (variant.startsWith("grpc")) {
      return OtlpGrpcMetricExporter.builder().setEndpoint(lookout.otlpGrpc())
          .setAggregationTemporalitySelector(temporality).setDefaultAggregationSelector(aggregation).build();
    }
    return OtlpHttpMetricExporter.builder().setEndpoint(lookout.otlpHttp() + "/v1/metrics")
        .setAggregationTemporalitySelector(temporality).setDefaultAggregationSelector(aggregation).build();
  }

  private static Map<String, Double> query(String promql) {
    var r = Http.get(lookout.api() + "/prometheus/api/v1/query?query=" + enc(promql));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    Map<String, Double> out = new HashMap<>();
    for (JsonNode s : Http.json(r.body()).get("data").get("result")) {
      out.put(new java.util.TreeMap<>(Http.JSON.convertValue(s.get("metric"), Map.class)).toString(),
          Double.parseDouble(s.get("value").get(1).asText()));
    }
    return out;
  }

  private static double single(String promql) {
    Map<String, Double> r = query(promql);
    assertThat(r).as(promql).hasSize(1);
    return r.values().iterator().next();
  }

  @ParameterizedTest
  @ValueSource(strings = {"grpc-cumulative", "http-cumulative", "grpc-delta", "http-delta"})
  void sdkInstrumentsBecomeTheSeriesTheSpecDescribes(String variant) {
    String job = "metrics-it-" + variant;
    String sel = "{job=\"" + job + "\",instance=\"i-1\"}";
    SdkMeterProvider provider = SdkMeterProvider.builder()
        .setResource(Resource.create(Attributes.builder()
            .put("service.name", job).put("service.instance.id", "i-1").put("host.name", "box-3").build()))
        .registerMetricReader(PeriodicMetricReader.builder(exporter(variant)).setInterval(Duration.ofHours(1)).build())
        .registerView(InstrumentSelector.builder().setName("app.payload.size").build(),
            View.builder().setAggregation(Aggregation.base2ExponentialBucketHistogram()).build())
        .build();
    try {
      Meter meter = provider.get("it.meter");
      LongCounter orders = meter.counterBuilder("app.orders").build();
      LongUpDownCounter depth = meter.upDownCounterBuilder("app.queue.depth").setUnit("{item}").build();
      meter.gaugeBuilder("app.load").setUnit("1").buildWithCallback(m -> m.record(0.75));
      DoubleHistogram latency = meter.histogramBuilder("app.request.duration").setUnit("s")
          .setExplicitBucketBoundariesAdvice(List.of(0.1, 0.5, 1.0)).build();
      DoubleHistogram payload = meter.histogramBuilder("app.payload.size").setUnit("By").build();
      Attributes get = Attributes.of(AttributeKey.stringKey("method"), "GET");
      for (double size : new double[] {100, 200, 400, 800, 1600}) {
        payload.record(size);
      }

      orders.add(3, get);
      depth.add(5);
      depth.add(-2);
      latency.record(0.05, get);
      // Recorded inside a sampled span: the SDK attaches an exemplar carrying its trace id.
      latency.record(0.3, get, io.opentelemetry.context.Context.root().with(io.opentelemetry.api.trace.Span.wrap(
          io.opentelemetry.api.trace.SpanContext.create("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7",
              io.opentelemetry.api.trace.TraceFlags.getSampled(), io.opentelemetry.api.trace.TraceState.getDefault()))));
      latency.record(0.7, get);
      latency.record(2.0, get);
      assertThat(provider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
      orders.add(4, get);
      latency.record(0.2, get);
      assertThat(provider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
    } finally {
      provider.close();
    }

    Http.await("metrics queryable", Duration.ofSeconds(10),
        () -> !query("app_orders_total" + sel).isEmpty());
    // Counter: monotonic sum -> _total; delta points accumulate to the same cumulative value.
    assertThat(single("app_orders_total{method=\"GET\",otel_scope_name=\"it.meter\"," + sel.substring(1)))
        .isEqualTo(7.0);
    // Gauge with unit 1 -> _ratio.
    assertThat(single("app_load_ratio" + sel)).isEqualTo(0.75);
    // Histogram: cumulative buckets with +Inf, _sum and _count, unit s -> _seconds.
    assertThat(single("app_request_duration_seconds_count" + sel)).isEqualTo(5.0);
    assertThat(single("app_request_duration_seconds_sum" + sel)).isCloseTo(3.25, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(single("app_request_duration_seconds_bucket{le=\"0.1\"," + sel.substring(1))).isEqualTo(1.0);
    assertThat(single("app_request_duration_seconds_bucket{le=\"0.5\"," + sel.substring(1))).isEqualTo(3.0);
    assertThat(single("app_request_duration_seconds_bucket{le=\"1\"," + sel.substring(1))).isEqualTo(4.0);
    assertThat(single("app_request_duration_seconds_bucket{le=\"+Inf\"," + sel.substring(1))).isEqualTo(5.0);
    // Up-down counter: a non-monotonic cumulative sum is a gauge (no _total, the unit
    // annotation dropped); as a delta it is dropped, as the specification says.
    if (variant.endsWith("cumulative")) {
      assertThat(single("app_queue_depth" + sel)).isEqualTo(3.0);
    } else {
      assertThat(query("app_queue_depth" + sel)).isEmpty();
    }
    // Exponential histogram -> one native histogram series (no _bucket series), unit By -> _bytes.
    var series = Http.get(lookout.api() + "/prometheus/api/v1/series?match[]=" + enc("{__name__=~\"app_payload_size_bytes.*\"," + sel.substring(1)));
    assertThat(series.statusCode()).as(series.body()).isEqualTo(200);
    assertThat(Http.json(series.body()).get("data")).hasSize(1);
    assertThat(Http.json(series.body()).get("data").get(0).get("__name__").asText()).isEqualTo("app_payload_size_bytes");
    // ... kept losslessly and usable by PromQL's native histogram functions.
    assertThat(single("histogram_count(app_payload_size_bytes" + sel + ")")).isEqualTo(5.0);
    assertThat(single("histogram_sum(app_payload_size_bytes" + sel + ")")).isEqualTo(3100.0);
    assertThat(single("histogram_quantile(0.5, app_payload_size_bytes" + sel + ")")).isBetween(380.0, 420.0);
    // Exemplars are kept with their trace ids.
    var ex = Http.get(lookout.api() + "/prometheus/api/v1/query_exemplars?query="
        + enc("app_request_duration_seconds_bucket" + sel));
    assertThat(ex.statusCode()).as(ex.body()).isEqualTo(200);
    assertThat(ex.body()).contains("\"trace_id\":\"4bf92f3577b34da6a3ce929d0e0e4736\"");
    // Resource attributes other than job/instance are on target_info only.
    assertThat(single("target_info{host_name=\"box-3\"," + sel.substring(1))).isEqualTo(1.0);
    assertThat(query("app_load_ratio{host_name=\"box-3\"}")).isEmpty();
  }
}
