package io.lookout.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.lookout.model.LogRecord;
import io.lookout.model.Span;
import io.lookout.model.metrics.Sample;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.logs.OtlpGrpcLogRecordExporter;
import io.opentelemetry.exporter.otlp.metrics.OtlpGrpcMetricExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
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
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The real OpenTelemetry Java SDK with its OTLP exporters, as a client of the receivers. */
final class OtelClients implements AutoCloseable {
  static final Resource RESOURCE = Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "otel-client"));

  private final SdkLoggerProvider loggers;
  private final SdkTracerProvider tracers;
  private final SdkMeterProvider meters;

  private OtelClients(LogRecordExporter logs, SpanExporter spans, MetricExporter metrics) {
    loggers = SdkLoggerProvider.builder().setResource(RESOURCE)
        .addLogRecordProcessor(SimpleLogRecordProcessor.create(logs)).build();
    tracers = SdkTracerProvider.builder().setResource(RESOURCE)
        .addSpanProcessor(SimpleSpanProcessor.create(spans)).build();
    meters = SdkMeterProvider.builder().setResource(RESOURCE)
        .registerMetricReader(PeriodicMetricReader.builder(metrics).setInterval(Duration.ofHours(1)).build()).build();
  }

  /** OTLP/gRPC exporters (gzip-compressed) against {@code endpoint} (http://host:port). */
  static OtelClients grpc(String endpoint, String tenant) {
    return new OtelClients(
        OtlpGrpcLogRecordExporter.builder().setEndpoint(endpoint).addHeader("X-Scope-OrgID", tenant)
            .setCompression("gzip").build(),
        OtlpGrpcSpanExporter.builder().setEndpoint(endpoint).addHeader("X-Scope-OrgID", tenant).build(),
        OtlpGrpcMetricExporter.builder().setEndpoint(endpoint).addHeader("X-Scope-OrgID", tenant).build());
  }

  /** OTLP/HTTP protobuf exporters (gzip for logs) against {@code base} (http://host:port). */
  static OtelClients http(String base, String tenant) {
    return new OtelClients(
        OtlpHttpLogRecordExporter.builder().setEndpoint(base + "/v1/logs").addHeader("X-Scope-OrgID", tenant)
            .setCompression("gzip").build(),
        OtlpHttpSpanExporter.builder().setEndpoint(base + "/v1/traces").addHeader("X-Scope-OrgID", tenant).build(),
        OtlpHttpMetricExporter.builder().setEndpoint(base + "/v1/metrics").addHeader("X-Scope-OrgID", tenant).build());
  }

  /** Emits one span with an event, a log record inside it, and one counter increment; waits for the exports. */
  void emitLogAndSpan() {
    Tracer tracer = tracers.get("io.lookout.otel-test");
    Logger logger = loggers.get("io.lookout.otel-test");
    io.opentelemetry.api.trace.Span span = tracer.spanBuilder("charge card").setSpanKind(SpanKind.SERVER)
        .setAttribute("http.route", "/pay").startSpan();
    try (Scope ignored = span.makeCurrent()) {
      logger.logRecordBuilder().setSeverity(Severity.WARN).setBody("card declined")
          .setAttribute(AttributeKey.longKey("attempt"), 3L).emit();
      span.addEvent("retry", Attributes.of(AttributeKey.booleanKey("final"), true));
      span.setStatus(StatusCode.ERROR, "declined");
    } finally {
      span.end();
    }
    LongCounter counter = meters.get("io.lookout.otel-test").counterBuilder("payments").build();
    counter.add(2, Attributes.of(AttributeKey.stringKey("result"), "declined"));
    assertSuccess(loggers.forceFlush());
    assertSuccess(tracers.forceFlush());
    assertSuccess(meters.forceFlush());
  }

  /** Checks what {@link #emitLogAndSpan()} must have stored. */
  static void assertReceived(MemoryStores stores, String tenant) {
    assertThat(stores.spans.batches).singleElement().satisfies(b -> assertThat(b.tenant()).isEqualTo(tenant));
    Span span = stores.spans.all().get(0);
    assertThat(span.name()).isEqualTo("charge card");
    assertThat(span.kind()).isEqualTo(2);
    assertThat(span.service()).isEqualTo("otel-client");
    assertThat(span.traceId()).matches("[0-9a-f]{32}");
    assertThat(span.spanId()).matches("[0-9a-f]{16}");
    assertThat(span.parentSpanId()).isEmpty();
    assertThat(span.statusCode()).isEqualTo(2);
    assertThat(span.statusMessage()).isEqualTo("declined");
    assertThat(span.attributes()).isEqualTo(Map.of("http.route", "/pay"));
    assertThat(span.scopeName()).isEqualTo("io.lookout.otel-test");
    assertThat(span.events()).extracting(Span.Event::name, Span.Event::attributes)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("retry", Map.of("final", true)));
    assertThat(span.endNanos()).isGreaterThanOrEqualTo(span.startNanos()).isPositive();

    assertThat(stores.logs.batches).singleElement().satisfies(b -> assertThat(b.tenant()).isEqualTo(tenant));
    List<LogRecord> logs = stores.logs.all();
    LogRecord log = logs.get(0);
    assertThat(log.body()).isEqualTo("card declined");
    assertThat(log.severityNumber()).isEqualTo(13);
    assertThat(log.severityText()).isEqualTo("WARN");
    assertThat(log.traceId()).isEqualTo(span.traceId());
    assertThat(log.spanId()).isEqualTo(span.spanId());
    assertThat(log.attributes()).isEqualTo(Map.of("attempt", 3L));
    assertThat(log.service()).isEqualTo("otel-client");
    assertThat(log.resource()).containsEntry("service.name", "otel-client");
    assertThat(log.scopeName()).isEqualTo("io.lookout.otel-test");
    assertThat(log.timestampNanos()).isPositive();

    assertThat(stores.metrics.batches).singleElement().satisfies(b -> assertThat(b.tenant()).isEqualTo(tenant));
    assertThat(Expectations.floats(stores.metrics.series())).containsKey(
        "{__name__=\"payments_total\", job=\"otel-client\", otel_scope_name=\"io.lookout.otel-test\", result=\"declined\"}")
        .hasEntrySatisfying(
            "{__name__=\"payments_total\", job=\"otel-client\", otel_scope_name=\"io.lookout.otel-test\", result=\"declined\"}",
            samples -> assertThat(samples).extracting(Sample::value).containsExactly(2.0));
  }

  private static void assertSuccess(CompletableResultCode result) {
    assertThat(result.join(20, TimeUnit.SECONDS).isSuccess()).as("export succeeded").isTrue();
  }

  @Override
  public void close() {
    loggers.shutdown().join(10, TimeUnit.SECONDS);
    tracers.shutdown().join(10, TimeUnit.SECONDS);
    meters.shutdown().join(10, TimeUnit.SECONDS);
  }
}
