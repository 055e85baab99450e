package io.lookout.ingest.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.lookout.model.metrics.Labels;
import io.lookout.model.metrics.MetricMetadata;
import io.lookout.model.metrics.MetricMetadata.Type;
import io.lookout.model.metrics.NativeHistogram;
import io.lookout.model.metrics.NativeHistogram.BucketSpan;
import io.lookout.model.metrics.SeriesBatch;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.exporter.internal.otlp.metrics.MetricsRequestMarshaler;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.sdk.metrics.Aggregation;
import io.opentelemetry.sdk.metrics.InstrumentSelector;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.View;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.time.TestClock;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The real OTel Java SDK records, an in-memory reader collects, the SDK's own OTLP marshaler
 * encodes, and the translation must give exactly the series the spec prescribes.
 */
class OtlpToPrometheusSdkTest {
  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
  private static final long T1 = START.toEpochMilli() + 10_000;
  private static final long T2 = START.toEpochMilli() + 20_000;

  private final TestClock clock = TestClock.create(START);
  private final OtlpToPrometheus translator = new OtlpToPrometheus(OtlpToPrometheus.Options.DEFAULTS, new PrometheusRegistry());
  private SdkMeterProvider provider;

  @AfterEach
  void close() {
    if (provider != null) {
      provider.close();
    }
  }

  private Meter meter(InMemoryMetricReader reader) {
    provider = SdkMeterProvider.builder()
        .setClock(clock)
        .setResource(Resource.create(Attributes.builder()
            .put("service.name", "checkout")
            .put("service.namespace", "shop")
            .put("service.instance.id", "i-1")
            .put("host.name", "h1")
            .put("k8s.pod.name", "pod-7")
            .build()))
        .registerView(InstrumentSelector.builder().setName("payload.size").build(),
            View.builder().setAggregation(Aggregation.base2ExponentialBucketHistogram(160, 3)).build())
        .registerMetricReader(reader)
        .build();
    return provider.meterBuilder("test").setInstrumentationVersion("1.0").build();
  }

  private OtlpToPrometheus.Result collect(InMemoryMetricReader reader) {
    clock.advance(Duration.ofSeconds(10));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      MetricsRequestMarshaler.create(reader.collectAllMetrics()).writeBinaryTo(bytes);
      return translator.translate("default", ExportMetricsServiceRequest.parseFrom(bytes.toByteArray()));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /** The labels of a series of the test target, printed as Prometheus does. */
  private static String s(String name, String... extra) {
    return Labels.of(extra).toBuilder().put(Labels.NAME, name).put("instance", "i-1").put("job", "shop/checkout")
        .put("otel_scope_name", "test").put("otel_scope_version", "1.0").build().toString();
  }

  private static void record(Meter meter) {
    Attributes get = Attributes.of(AttributeKey.stringKey("http.method"), "GET");
    var requests = meter.counterBuilder("http.requests").setUnit("{request}").setDescription("Requests served").build();
    requests.add(3, get);
    requests.add(2, get);
    var queue = meter.upDownCounterBuilder("queue.size").setUnit("{item}").build();
    queue.add(5);
    queue.add(-2);
    meter.gaugeBuilder("cpu.utilization").setUnit("1").build().set(0.25);
    var latency = meter.histogramBuilder("request.duration").setUnit("s")
        .setExplicitBucketBoundariesAdvice(List.of(0.1, 0.5, 1.0)).build();
    for (double v : new double[] {0.05, 0.3, 0.3, 2}) {
      latency.record(v);
    }
    var payload = meter.histogramBuilder("payload.size").setUnit("By").build();
    for (double v : new double[] {1, 2, 4}) {
      payload.record(v);
    }
  }

  @Test
  void cumulativeInstrumentsBecomeTheSeriesTheSpecPrescribes() {
    InMemoryMetricReader reader = InMemoryMetricReader.create();
    record(meter(reader));
    OtlpToPrometheus.Result r = collect(reader);
    SeriesBatch b = r.batch();

    assertThat(r.droppedPoints()).isZero();
    assertThat(Batches.values(b)).containsExactlyInAnyOrderEntriesOf(java.util.Map.ofEntries(
        java.util.Map.entry(s("http_requests_total", "http_method", "GET"), 5.0),
        java.util.Map.entry(s("queue_size"), 3.0),
        java.util.Map.entry(s("cpu_utilization_ratio"), 0.25),
        java.util.Map.entry(s("request_duration_seconds_bucket", "le", "0.1"), 1.0),
        java.util.Map.entry(s("request_duration_seconds_bucket", "le", "0.5"), 3.0),
        java.util.Map.entry(s("request_duration_seconds_bucket", "le", "1"), 3.0),
        java.util.Map.entry(s("request_duration_seconds_bucket", "le", "+Inf"), 4.0),
        java.util.Map.entry(s("request_duration_seconds_sum"), 2.65),
        java.util.Map.entry(s("request_duration_seconds_count"), 4.0),
        java.util.Map.entry("{__name__=\"target_info\", host_name=\"h1\", instance=\"i-1\", job=\"shop/checkout\","
            + " k8s_pod_name=\"pod-7\"}", 1.0)));
    for (SeriesBatch.Series series : b.series()) {
      assertThat(series.samples()).allSatisfy(x -> assertThat(x.timestampMillis()).isEqualTo(T1));
    }

    // values 1, 2, 4 at scale 3: OTLP buckets -1, 7, 15 (lower-exclusive), Prometheus indexes 0, 8, 16
    NativeHistogram payload = Batches.histogram(b, s("payload_size_bytes"));
    assertThat(payload).isEqualTo(new NativeHistogram(T1, 3, NativeHistogram.DEFAULT_ZERO_THRESHOLD, 0, 3, 7,
        List.of(new BucketSpan(0, 1), new BucketSpan(7, 1), new BucketSpan(7, 1)), new double[] {1, 1, 1},
        List.of(), new double[0], NativeHistogram.ResetHint.UNKNOWN));

    assertThat(b.metadata()).contains(
        new MetricMetadata("http_requests_total", Type.COUNTER, "", "Requests served"),
        new MetricMetadata("queue_size", Type.GAUGE, "", ""),
        new MetricMetadata("cpu_utilization_ratio", Type.GAUGE, "ratio", ""),
        new MetricMetadata("request_duration_seconds", Type.HISTOGRAM, "seconds", ""),
        new MetricMetadata("payload_size_bytes", Type.HISTOGRAM, "bytes", ""),
        new MetricMetadata("target_info", Type.GAUGE, "", "Target metadata"));
  }

  @Test
  void deltaInstrumentsAreAccumulatedIntoCumulativeSeries() {
    InMemoryMetricReader reader = InMemoryMetricReader.createDelta();
    Meter meter = meter(reader);
    var counter = meter.counterBuilder("jobs.done").build();
    var latency = meter.histogramBuilder("request.duration").setUnit("ms")
        .setExplicitBucketBoundariesAdvice(List.of(10.0, 100.0)).build();
    var payload = meter.histogramBuilder("payload.size").setUnit("By").build();
    var queue = meter.upDownCounterBuilder("queue.size").build();

    counter.add(2);
    latency.record(50);
    payload.record(2);
    queue.add(1);
    OtlpToPrometheus.Result first = collect(reader);
    assertThat(Batches.value(first.batch(), s("jobs_done_total"))).isEqualTo(2.0);
    // a non-monotonic delta sum has no Prometheus equivalent: the spec drops it
    assertThat(first.droppedPoints()).isEqualTo(1);
    assertThat(first.message()).isEqualTo("dropped data points: 1 non monotonic delta sum");

    counter.add(3);
    latency.record(5);
    latency.record(500);
    payload.record(2);
    payload.record(4);
    SeriesBatch second = collect(reader).batch();
    assertThat(Batches.value(second, s("jobs_done_total"))).isEqualTo(5.0);
    assertThat(Batches.value(second, s("request_duration_milliseconds_bucket", "le", "10"))).isEqualTo(1.0);
    assertThat(Batches.value(second, s("request_duration_milliseconds_bucket", "le", "100"))).isEqualTo(2.0);
    assertThat(Batches.value(second, s("request_duration_milliseconds_bucket", "le", "+Inf"))).isEqualTo(3.0);
    assertThat(Batches.value(second, s("request_duration_milliseconds_sum"))).isEqualTo(555.0);
    assertThat(Batches.value(second, s("request_duration_milliseconds_count"))).isEqualTo(3.0);
    assertThat(Batches.series(second, s("jobs_done_total")).samples().getFirst().timestampMillis()).isEqualTo(T2);

    NativeHistogram h = Batches.histogram(second, s("payload_size_bytes"));
    assertThat(h.count()).isEqualTo(3);
    assertThat(h.sum()).isEqualTo(8);
    assertThat(h.resetHint()).isEqualTo(NativeHistogram.ResetHint.NO);
    java.util.Map<Integer, Double> buckets = new java.util.TreeMap<>();
    h.forEachPositive(buckets::put);
    assertThat(buckets).containsExactly(java.util.Map.entry(8, 2.0), java.util.Map.entry(16, 1.0));
  }
}
