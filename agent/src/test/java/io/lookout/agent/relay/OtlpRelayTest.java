package io.lookout.agent.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lookout.agent.pipeline.Sink;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.logs.OtlpGrpcLogRecordExporter;
import io.opentelemetry.exporter.otlp.metrics.OtlpGrpcMetricExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OtlpRelayTest {
  /** Records what it receives; refuses everything while {@link #refuse} is set. */
  static final class RecordingSink implements Sink {
    record Submitted(Signal signal, byte[] bytes) {}

    final List<Submitted> received = new CopyOnWriteArrayList<>();
    volatile boolean refuse;

    @Override
    public CompletableFuture<Void> submit(Signal signal, byte[] otlpProtobuf) {
      if (refuse) {
        return CompletableFuture.failedFuture(new IllegalStateException("disk queue over its byte budget"));
      }
      received.add(new Submitted(signal, otlpProtobuf));
      return CompletableFuture.completedFuture(null);
    }

    List<byte[]> of(Signal signal) {
      return received.stream().filter(s -> s.signal() == signal).map(Submitted::bytes).toList();
    }
  }

  private static final Resource RESOURCE = Resource.getDefault().merge(
      Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "checkout")));

  private final RecordingSink sink = new RecordingSink();
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final HttpClient http = HttpClient.newHttpClient();
  private OtlpRelay relay;

  @BeforeEach
  void start() {
    relay = new OtlpRelay("127.0.0.1", 0, 0, sink, registry, 64 * 1024);
    relay.start();
  }

  @AfterEach
  void stop() {
    relay.close();
    http.close();
  }

  private String grpcEndpoint() {
    return "http://127.0.0.1:" + relay.grpcPort();
  }

  private String httpEndpoint(String path) {
    return "http://127.0.0.1:" + relay.httpPort() + path;
  }

  private static void sendSpan(SpanExporter exporter) {
    try (SdkTracerProvider tracing = SdkTracerProvider.builder().setResource(RESOURCE)
        .addSpanProcessor(SimpleSpanProcessor.create(exporter)).build()) {
      tracing.get("test").spanBuilder("charge").setAttribute("amount", 12).startSpan().end();
      assertThat(tracing.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
    }
  }

  private static boolean sendLog(LogRecordExporter exporter) {
    try (SdkLoggerProvider logs = SdkLoggerProvider.builder().setResource(RESOURCE)
        .addLogRecordProcessor(SimpleLogRecordProcessor.create(exporter)).build()) {
      logs.get("test").logRecordBuilder().setBody("payment accepted").emit();
      return logs.forceFlush().join(10, TimeUnit.SECONDS).isSuccess();
    }
  }

  private static void sendMetric(MetricExporter exporter) {
    try (SdkMeterProvider meters = SdkMeterProvider.builder().setResource(RESOURCE)
        .registerMetricReader(PeriodicMetricReader.builder(exporter).setInterval(Duration.ofHours(1)).build())
        .build()) {
      meters.get("test").counterBuilder("orders").build().add(3);
      assertThat(meters.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
    }
  }

  private void assertAllThreeArrived() throws Exception {
    ExportTraceServiceRequest traces = ExportTraceServiceRequest.parseFrom(sink.of(Sink.Signal.TRACES).getFirst());
    assertThat(traces.getResourceSpans(0).getScopeSpans(0).getSpans(0).getName()).isEqualTo("charge");
    assertThat(traces.getResourceSpans(0).getResource().getAttributesList())
        .anySatisfy(kv -> assertThat(kv.getValue().getStringValue()).isEqualTo("checkout"));
    ExportLogsServiceRequest logs = ExportLogsServiceRequest.parseFrom(sink.of(Sink.Signal.LOGS).getFirst());
    assertThat(logs.getResourceLogs(0).getScopeLogs(0).getLogRecords(0).getBody().getStringValue())
        .isEqualTo("payment accepted");
    ExportMetricsServiceRequest metrics = ExportMetricsServiceRequest.parseFrom(sink.of(Sink.Signal.METRICS).getFirst());
    var metric = metrics.getResourceMetrics(0).getScopeMetrics(0).getMetrics(0);
    assertThat(metric.getName()).isEqualTo("orders");
    assertThat(metric.getSum().getDataPoints(0).getAsInt()).isEqualTo(3);
  }

  @Test
  void sdkExportsOverGrpcReachTheSink() throws Exception {
    sendSpan(OtlpGrpcSpanExporter.builder().setEndpoint(grpcEndpoint()).build());
    assertThat(sendLog(OtlpGrpcLogRecordExporter.builder().setEndpoint(grpcEndpoint()).setCompression("gzip").build()))
        .isTrue();
    sendMetric(OtlpGrpcMetricExporter.builder().setEndpoint(grpcEndpoint()).build());
    assertAllThreeArrived();
    assertThat(requests("traces", "grpc", "success")).isEqualTo(1);
    assertThat(requests("logs", "grpc", "success")).isEqualTo(1);
  }

  @Test
  void sdkExportsOverHttpReachTheSink() throws Exception {
    sendSpan(OtlpHttpSpanExporter.builder().setEndpoint(httpEndpoint("/v1/traces")).setCompression("gzip").build());
    assertThat(sendLog(OtlpHttpLogRecordExporter.builder().setEndpoint(httpEndpoint("/v1/logs")).build())).isTrue();
    sendMetric(OtlpHttpMetricExporter.builder().setEndpoint(httpEndpoint("/v1/metrics")).build());
    assertAllThreeArrived();
    assertThat(requests("metrics", "http", "success")).isGreaterThanOrEqualTo(1); // and one more at shutdown
  }

  @Test
  void protobufBodiesArePassedOnUnchanged() throws Exception {
    byte[] body = ExportLogsServiceRequest.newBuilder().addResourceLogs(
        io.opentelemetry.proto.logs.v1.ResourceLogs.newBuilder().addScopeLogs(
            io.opentelemetry.proto.logs.v1.ScopeLogs.newBuilder().addLogRecords(
                io.opentelemetry.proto.logs.v1.LogRecord.newBuilder().setTimeUnixNano(42)))).build().toByteArray();
    HttpResponse<byte[]> resp = post("/v1/logs", "application/x-protobuf", body, false);
    assertThat(resp.statusCode()).isEqualTo(200);
    assertThat(resp.headers().firstValue("Content-Type")).hasValue("application/x-protobuf");
    assertThat(sink.of(Sink.Signal.LOGS).getFirst()).isEqualTo(body);
  }

  @Test
  void jsonWithHexIdsBecomesProtobuf() throws Exception {
    String json = """
        {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"web"}}]},
         "scopeSpans":[{"spans":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174",
          "parentSpanId":"eee19b7ec3c1b173","name":"GET /","kind":2,"startTimeUnixNano":"1544712660000000000",
          "endTimeUnixNano":"1544712661000000000","unknownField":true}]}]}]}
        """;
    HttpResponse<byte[]> resp = post("/v1/traces", "application/json", json.getBytes(StandardCharsets.UTF_8), true);
    assertThat(resp.statusCode()).isEqualTo(200);
    assertThat(resp.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(new String(resp.body(), StandardCharsets.UTF_8)).isEqualTo("{}");
    var span = ExportTraceServiceRequest.parseFrom(sink.of(Sink.Signal.TRACES).getFirst())
        .getResourceSpans(0).getScopeSpans(0).getSpans(0);
    assertThat(HexFormat.of().formatHex(span.getTraceId().toByteArray())).isEqualTo("5b8efff798038103d269b633813fc60c");
    assertThat(HexFormat.of().formatHex(span.getSpanId().toByteArray())).isEqualTo("eee19b7ec3c1b174");
    assertThat(span.getStartTimeUnixNano()).isEqualTo(1544712660000000000L);
    assertThat(span.getKindValue()).isEqualTo(2);
  }

  @Test
  void refusedBySinkMeans503WithRetryAfterAndGrpcUnavailable() throws Exception {
    sink.refuse = true;
    HttpResponse<byte[]> resp = post("/v1/logs", "application/json", "{\"resourceLogs\":[{}]}".getBytes(), false);
    assertThat(resp.statusCode()).isEqualTo(503);
    assertThat(resp.headers().firstValue("Retry-After")).hasValue("5");
    assertThat(new String(resp.body(), StandardCharsets.UTF_8)).contains("\"code\":14").contains("retryDelay");
    assertThat(sendLog(OtlpGrpcLogRecordExporter.builder().setEndpoint(grpcEndpoint()).setRetryPolicy(null).build()))
        .isFalse();
    assertThat(requests("logs", "http", "unavailable")).isEqualTo(1);
    assertThat(requests("logs", "grpc", "unavailable")).isEqualTo(1);
    assertThat(sink.received).isEmpty();
  }

  @Test
  void protobufErrorBodiesAreGoogleRpcStatusWithRetryInfo() throws Exception {
    sink.refuse = true;
    byte[] request = ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(io.opentelemetry.proto.logs.v1.ResourceLogs.getDefaultInstance()).build().toByteArray();
    HttpResponse<byte[]> resp = post("/v1/logs", "application/x-protobuf", request, false);
    assertThat(resp.statusCode()).isEqualTo(503);
    var status = com.google.protobuf.UnknownFieldSet.parseFrom(resp.body());
    assertThat(status.getField(1).getVarintList()).containsExactly(14L);
    assertThat(status.getField(2).getLengthDelimitedList().getFirst().toStringUtf8()).contains("cannot queue");
    var any = com.google.protobuf.Any.parseFrom(status.getField(3).getLengthDelimitedList().getFirst());
    assertThat(any.getTypeUrl()).isEqualTo("type.googleapis.com/google.rpc.RetryInfo");
    var retryInfo = com.google.protobuf.UnknownFieldSet.parseFrom(any.getValue());
    var delay = com.google.protobuf.Duration.parseFrom(retryInfo.getField(1).getLengthDelimitedList().getFirst());
    assertThat(delay.getSeconds()).isEqualTo(5);
  }

  @Test
  void unusableRequestsAreRefusedWithTheRightStatus() throws Exception {
    assertThat(post("/v1/logs", "application/x-protobuf", new byte[] {(byte) 0xff, 1, 2}, false).statusCode())
        .isEqualTo(400);
    assertThat(post("/v1/logs", "application/json", "{\"resourceLogs\":".getBytes(), false).statusCode())
        .isEqualTo(400);
    assertThat(post("/v1/traces", "application/json",
        "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"xyz\"}]}]}]}".getBytes(), false).statusCode())
        .isEqualTo(400);
    assertThat(post("/v1/logs", "text/plain", "hi".getBytes(), false).statusCode()).isEqualTo(415);
    assertThat(post("/v2/logs", "application/json", "{}".getBytes(), false).statusCode()).isEqualTo(404);
    assertThat(post("/v1/logs", "application/x-protobuf", new byte[100 * 1024], false).statusCode()).isEqualTo(413);
    assertThat(post("/v1/logs", "application/x-protobuf", new byte[100 * 1024], true).statusCode()).isEqualTo(413);
    HttpResponse<byte[]> get = http.send(HttpRequest.newBuilder(URI.create(httpEndpoint("/v1/logs"))).GET().build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(get.statusCode()).isEqualTo(405);
    assertThat(sink.received).isEmpty();
    assertThat(requests("logs", "http", "bad_data")).isEqualTo(2);
    assertThat(requests("logs", "http", "too_large")).isEqualTo(2);
  }

  @Test
  void portsInUseAreAClearStartupError() {
    try (OtlpRelay second = new OtlpRelay("127.0.0.1", relay.grpcPort(), 0, sink, new PrometheusRegistry())) {
      assertThatThrownBy(second::start).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("grpc_port").hasMessageContaining(Integer.toString(relay.grpcPort()));
    }
  }

  @Test
  void aNegativePortDisablesThatTransport() {
    try (OtlpRelay httpOnly = new OtlpRelay("127.0.0.1", -1, 0, sink, new PrometheusRegistry())) {
      httpOnly.start();
      assertThat(httpOnly.grpcPort()).isEqualTo(-1);
      assertThat(httpOnly.httpPort()).isPositive();
    }
  }

  private HttpResponse<byte[]> post(String path, String type, byte[] body, boolean gzip) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(httpEndpoint(path))).header("Content-Type", type);
    if (gzip) {
      ByteArrayOutputStream z = new ByteArrayOutputStream();
      try (GZIPOutputStream out = new GZIPOutputStream(z)) {
        out.write(body);
      }
      body = z.toByteArray();
      b.header("Content-Encoding", "gzip");
    }
    return http.send(b.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  private double requests(String signal, String transport, String outcome) {
    return registry.scrape().stream()
        .filter(s -> s.getMetadata().getPrometheusName().equals("lookout_agent_relay_requests"))
        .flatMap(s -> ((CounterSnapshot) s).getDataPoints().stream())
        .filter(d -> signal.equals(d.getLabels().get("signal")) && transport.equals(d.getLabels().get("transport"))
            && outcome.equals(d.getLabels().get("outcome")))
        .mapToDouble(CounterSnapshot.CounterDataPointSnapshot::getValue)
        .sum();
  }
}
