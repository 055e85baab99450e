package io.lookout.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.lookout.model.metrics.Labels;
import io.lookout.model.metrics.MetricMetadata;
import io.lookout.model.metrics.NativeHistogram;
import io.lookout.model.metrics.NativeHistogram.BucketSpan;
import io.lookout.model.metrics.Sample;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.metrics.OtlpGrpcMetricExporter;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.sdk.metrics.Aggregation;
import io.opentelemetry.sdk.metrics.InstrumentSelector;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.View;
import io.opentelemetry.sdk.metrics.export.AggregationTemporalitySelector;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.time.TestClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * OTLP metrics from the real OTel Java SDK exporters (gRPC and HTTP) arrive in the metric store
 * as the Prometheus series the OTLP to Prometheus rules prescribe.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OtlpMetricsIngestTest {
  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
  private static final long T1 = START.toEpochMilli() + 10_000;
  private static final long T2 = START.toEpochMilli() + 20_000;

  private TestServers servers;
  private final List<SdkMeterProvider> providers = new ArrayList<>();
  private TestClock clock;

  @BeforeAll
  void start() throws Exception {
    servers = new TestServers(new IngestConfig(4L << 20));
  }

  @AfterAll
  void stop() throws Exception {
    servers.close();
  }

  @BeforeEach
  void reset() {
    servers.stores.reset();
    clock = TestClock.create(START);
  }

  @AfterEach
  void closeProviders() {
    providers.forEach(p -> p.shutdown().join(10, TimeUnit.SECONDS));
    providers.clear();
  }

  private MetricExporter exporter(String transport, AggregationTemporalitySelector temporality) {
    return switch (transport) {
      case "grpc" -> OtlpGrpcMetricExporter.builder().setEndpoint("http://localhost:" + servers.grpcPort())
          .addHeader("X-Scope-OrgID", "acme").setAggregationTemporalitySelector(temporality).build();
      case "http" -> OtlpHttpMetricExporter.builder()
          .setEndpoint("http://localhost:" + servers.httpPort() + "/v1/metrics")
          .addHeader("X-Scope-OrgID", "acme").setAggregationTemporalitySelector(temporality).build();
      default -> throw new IllegalArgumentException(transport);
    };
  }

  private SdkMeterProvider provider(MetricExporter exporter) {
    SdkMeterProvider p = SdkMeterProvider.builder()
        .setClock(clock)
        .setResource(Resource.create(Attributes.builder()
            .put("service.name", "checkout")
            .put("service.namespace", "shop")
            .put("service.instance.id", "i-1")
            .put("host.name", "h1")
            .build()))
        .registerView(InstrumentSelector.builder().setName("payload.size").build(),
            View.builder().setAggregation(Aggregation.base2ExponentialBucketHistogram(160, 3)).build())
        .registerMetricReader(PeriodicMetricReader.builder(exporter).setInterval(Duration.ofHours(1)).build())
        .build();
    providers.add(p);
    return p;
  }

  private static Meter meter(SdkMeterProvider provider) {
    return provider.meterBuilder("test").setInstrumentationVersion("1.0").build();
  }

  /** Advances the clock 10 s, exports and waits for the receiver's answer. */
  private void flush(SdkMeterProvider provider) {
    clock.advance(Duration.ofSeconds(10));
    assertThat(provider.forceFlush().join(20, TimeUnit.SECONDS).isSuccess()).as("export succeeded").isTrue();
  }

  /** Labels of a series of the test target in Prometheus notation. */
  private static String s(String name, String... extra) {
    return Labels.of(extra).toBuilder().put(Labels.NAME, name).put("instance", "i-1").put("job", "shop/checkout")
        .put("otel_scope_name", "test").put("otel_scope_version", "1.0").build().toString();
  }

  @ParameterizedTest
  @ValueSource(strings = {"grpc", "http"})
  void sdkInstrumentsArriveAsPrometheusSeries(String transport) {
    SdkMeterProvider provider = provider(exporter(transport, AggregationTemporalitySelector.alwaysCumulative()));
    Meter meter = meter(provider);
    Attributes get = Attributes.of(AttributeKey.stringKey("http.method"), "GET");
    var requests = meter.counterBuilder("http.requests").setUnit("{request}").setDescription("Requests served").build();
    requests.add(3, get);
    requests.add(2, get);
    var queue = meter.upDownCounterBuilder("queue.size").build();
    queue.add(5);
    queue.add(-2);
    meter.gaugeBuilder("cpu.utilization").setUnit("1").build().set(0.25);
    var latency = meter.histogramBuilder("request.duration").setUnit("s")
        .setExplicitBucketBoundariesAdvice(List.of(0.1, 1.0)).build();
    for (double v : new double[] {0.05, 0.3, 2}) {
      latency.record(v);
    }
    var payload = meter.histogramBuilder("payload.size").setUnit("By").build();
    for (double v : new double[] {1, 2, 4}) {
      payload.record(v);
    }
    flush(provider);

    assertThat(servers.stores.metrics.batches).singleElement().satisfies(b -> assertThat(b.tenant()).isEqualTo("acme"));
    Map<String, List<Sample>> floats = Expectations.floats(servers.stores.metrics.series());
    Map<String, List<Sample>> expected = new TreeMap<>();
    expected.put(s("http_requests_total", "http_method", "GET"), List.of(new Sample(T1, 5)));
    expected.put(s("queue_size"), List.of(new Sample(T1, 3)));
    expected.put(s("cpu_utilization_ratio"), List.of(new Sample(T1, 0.25)));
    expected.put(s("request_duration_seconds_bucket", "le", "0.1"), List.of(new Sample(T1, 1)));
    expected.put(s("request_duration_seconds_bucket", "le", "1"), List.of(new Sample(T1, 2)));
    expected.put(s("request_duration_seconds_bucket", "le", "+Inf"), List.of(new Sample(T1, 3)));
    expected.put(s("request_duration_seconds_sum"), List.of(new Sample(T1, 2.35)));
    expected.put(s("request_duration_seconds_count"), List.of(new Sample(T1, 3)));
    expected.put("{__name__=\"target_info\", host_name=\"h1\", instance=\"i-1\", job=\"shop/checkout\"}",
        List.of(new Sample(T1, 1)));
    assertThat(floats).containsExactlyInAnyOrderEntriesOf(expected);

    // values 1, 2, 4 at scale 3: OTLP buckets -1, 7, 15 (lower-exclusive), Prometheus indexes 0, 8, 16
    assertThat(Expectations.histograms(servers.stores.metrics.series())).containsOnlyKeys(s("payload_size_bytes"));
    assertThat(Expectations.histograms(servers.stores.metrics.series()).get(s("payload_size_bytes")))
        .containsExactly(new NativeHistogram(T1, 3, NativeHistogram.DEFAULT_ZERO_THRESHOLD, 0, 3, 7,
            List.of(new BucketSpan(0, 1), new BucketSpan(7, 1), new BucketSpan(7, 1)), new double[] {1, 1, 1},
            List.of(), new double[0], NativeHistogram.ResetHint.UNKNOWN));

    assertThat(servers.stores.metrics.batches.get(0).batch().metadata()).contains(
        new MetricMetadata("http_requests_total", MetricMetadata.Type.COUNTER, "", "Requests served"),
        new MetricMetadata("queue_size", MetricMetadata.Type.GAUGE, "", ""),
        new MetricMetadata("cpu_utilization_ratio", MetricMetadata.Type.GAUGE, "ratio", ""),
        new MetricMetadata("request_duration_seconds", MetricMetadata.Type.HISTOGRAM, "seconds", ""),
        new MetricMetadata("payload_size_bytes", MetricMetadata.Type.HISTOGRAM, "bytes", ""));
  }

  @Test
  void deltaExportsOverBothTransportsAccumulateInTheOneSharedTranslator() {
    // a first SDK instance exports a delta over gRPC ...
    SdkMeterProvider first = provider(exporter("grpc", AggregationTemporalitySelector.deltaPreferred()));
    meter(first).counterBuilder("jobs.done").build().add(2);
    flush(first);
    // ... then a second one (same target) picks up where it ended and exports over HTTP
    SdkMeterProvider second = provider(exporter("http", AggregationTemporalitySelector.deltaPreferred()));
    meter(second).counterBuilder("jobs.done").build().add(3);
    flush(second);

    assertThat(servers.stores.metrics.batches).hasSize(2);
    assertThat(Expectations.floats(servers.stores.metrics.series()))
        .containsEntry(s("jobs_done_total"), List.of(new Sample(T1, 2), new Sample(T2, 5)));
  }

  @Test
  void partialSuccessCountsDroppedPointsAndStorageRejections() throws Exception {
    servers.stores.metrics.rejecting(1, "1 sample older than the retention of 15d");
    double translationBefore = servers.counter("lookout_ingest_rejected_records_total", "signal", "metrics",
        "reason", "translation");
    // a non-monotonic delta sum has no Prometheus equivalent: the translation drops it
    ExportMetricsServiceRequest.Builder req = Fixtures.metrics().toBuilder();
    NumberDataPoint p = NumberDataPoint.newBuilder().setTimeUnixNano(Fixtures.T1).setAsDouble(1).build();
    req.getResourceMetricsBuilder(0).getScopeMetricsBuilder(0).addMetrics(Metric.newBuilder().setName("d")
        .setSum(Sum.newBuilder().setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA)
            .addDataPoints(p)));

    ExportMetricsServiceResponse resp = post(req.build());

    assertThat(resp.getPartialSuccess().getRejectedDataPoints()).isEqualTo(2);
    assertThat(resp.getPartialSuccess().getErrorMessage())
        .isEqualTo("dropped data points: 1 non monotonic delta sum; 1 sample older than the retention of 15d");
    assertThat(servers.counter("lookout_ingest_rejected_records_total", "signal", "metrics", "reason", "translation")
        - translationBefore).isEqualTo(1);

    // a histogram point becomes 5 samples; rejected data points never exceed the points sent
    servers.stores.metrics.rejecting(5, "");
    ExportMetricsServiceRequest.Builder one = Fixtures.metrics().toBuilder();
    one.getResourceMetricsBuilder(0).getScopeMetricsBuilder(0).clearMetrics()
        .addMetrics(Fixtures.metrics().getResourceMetrics(0).getScopeMetrics(0).getMetrics(2));
    one.getResourceMetricsBuilder(0).getResourceBuilder().clearAttributes(); // no target_info
    resp = post(one.build());
    assertThat(resp.getPartialSuccess().getRejectedDataPoints()).isEqualTo(1);
    assertThat(resp.getPartialSuccess().getErrorMessage()).isEqualTo("storage rejected 5 samples");
  }

  @Test
  void exportWithNothingTranslatableDoesNotTouchStorage() throws Exception {
    ExportMetricsServiceRequest.Builder req = ExportMetricsServiceRequest.newBuilder();
    NumberDataPoint p = NumberDataPoint.newBuilder().setTimeUnixNano(Fixtures.T1).setAsDouble(1).build();
    req.addResourceMetricsBuilder().addScopeMetricsBuilder().addMetrics(Metric.newBuilder().setName("d")
        .setSum(Sum.newBuilder().setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA)
            .addDataPoints(p)));
    ExportMetricsServiceResponse resp = post(req.build());
    assertThat(resp.getPartialSuccess().getRejectedDataPoints()).isEqualTo(1);
    assertThat(servers.stores.metrics.batches).isEmpty();
  }

  private ExportMetricsServiceResponse post(ExportMetricsServiceRequest req) throws Exception {
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    HttpResponse<byte[]> resp = client.send(HttpRequest.newBuilder(
            URI.create("http://localhost:" + servers.httpPort() + "/v1/metrics"))
        .header("Content-Type", "application/x-protobuf")
        .POST(HttpRequest.BodyPublishers.ofByteArray(req.toByteArray())).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(resp.statusCode()).isEqualTo(200);
    return ExportMetricsServiceResponse.parseFrom(resp.body());
  }
}
