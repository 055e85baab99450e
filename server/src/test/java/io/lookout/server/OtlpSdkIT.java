package io.lookout.server;

import static io.lookout.server.Http.data;
import static io.lookout.server.Http.enc;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.logs.OtlpGrpcLogRecordExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The OTel Java SDK's own exporters (gRPC, HTTP/protobuf) and its own OTLP JSON encoding (over
 * HTTP/JSON), each with and without gzip, send logs and spans to a running server; every field
 * comes back from the query API.
 */
class OtlpSdkIT {
  private static InProcessServer lookout;

  enum Transport {
    GRPC, GRPC_GZIP, HTTP_PROTOBUF, HTTP_PROTOBUF_GZIP, HTTP_JSON, HTTP_JSON_GZIP
  }

  @BeforeAll
  static void start() throws Exception {
    lookout = new InProcessServer();
  }

  @AfterAll
  static void stop() throws Exception {
    lookout.close();
  }

  private static LogRecordExporter logExporter(Transport t) {
    return switch (t) {
      case GRPC, GRPC_GZIP -> OtlpGrpcLogRecordExporter.builder()
          .setEndpoint(lookout.otlpGrpc())
          .setCompression(t == Transport.GRPC_GZIP ? "gzip" : "none")
          .build();
      case HTTP_PROTOBUF, HTTP_PROTOBUF_GZIP -> OtlpHttpLogRecordExporter.builder()
          .setEndpoint(lookout.otlpHttp() + "/v1/logs")
          .setCompression(t == Transport.HTTP_PROTOBUF_GZIP ? "gzip" : "none")
          .build();
      case HTTP_JSON, HTTP_JSON_GZIP ->
          SdkJsonExporters.logs(lookout.otlpHttp() + "/v1/logs", t == Transport.HTTP_JSON_GZIP);
    };
  }

  private static SpanExporter spanExporter(Transport t) {
    return switch (t) {
      case GRPC, GRPC_GZIP -> OtlpGrpcSpanExporter.builder()
          .setEndpoint(lookout.otlpGrpc())
          .setCompression(t == Transport.GRPC_GZIP ? "gzip" : "none")
          .build();
      case HTTP_PROTOBUF, HTTP_PROTOBUF_GZIP -> OtlpHttpSpanExporter.builder()
          .setEndpoint(lookout.otlpHttp() + "/v1/traces")
          .setCompression(t == Transport.HTTP_PROTOBUF_GZIP ? "gzip" : "none")
          .build();
      case HTTP_JSON, HTTP_JSON_GZIP ->
          SdkJsonExporters.spans(lookout.otlpHttp() + "/v1/traces", t == Transport.HTTP_JSON_GZIP);
    };
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void logsSentBySdkComeBackWithEveryField(Transport transport) {
    String token = "tok" + UUID.randomUUID().toString().replace("-", "");
    String service = "svc-" + transport.name().toLowerCase().replace('_', '-');
    Resource resource = Resource.create(Attributes.builder()
        .put("service.name", service)
        .put("host.name", "box-7")
        .build());
    Instant ts = Instant.now().minusSeconds(30).plusNanos(123_456_789);
    SpanContext sc = SpanContext.create(
        "0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331", TraceFlags.getSampled(), TraceState.getDefault());

    try (SdkLoggerProvider provider = SdkLoggerProvider.builder()
        .setResource(resource)
        .addLogRecordProcessor(SimpleLogRecordProcessor.create(logExporter(transport)))
        .build()) {
      provider.get("io.lookout.test").logRecordBuilder()
          .setTimestamp(ts)
          .setSeverity(Severity.WARN2)
          .setSeverityText("WARNING")
          .setBody("payment declined for order " + token)
          .setAttribute(AttributeKey.stringKey("http.method"), "POST")
          .setAttribute(AttributeKey.longKey("http.status_code"), 402L)
          .setAttribute(AttributeKey.doubleKey("amount"), 12.5)
          .setAttribute(AttributeKey.booleanKey("retry"), true)
          .setAttribute(AttributeKey.stringArrayKey("tags"), List.of("a", "b"))
          .setContext(Context.root().with(Span.wrap(sc)))
          .emit();
      assertThat(provider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
    }

    String url = lookout.api() + "/api/v1/logs?query=" + enc(token) + "&start=now-1h&end=now";
    Http.await("log searchable", Duration.ofSeconds(10),
        () -> data(Http.get(url)).get("hits").size() == 1);
    JsonNode hit = data(Http.get(url)).get("hits").get(0);
    assertThat(hit.get("body").asText()).isEqualTo("payment declined for order " + token);
    assertThat(hit.get("timestamp").asText()).isEqualTo(io.lookout.model.TimeParser.formatRfc3339(
        ts.getEpochSecond() * 1_000_000_000L + ts.getNano()));
    assertThat(hit.get("severity_text").asText()).isEqualTo("WARNING");
    assertThat(hit.get("severity_number").asInt()).isEqualTo(14);
    assertThat(hit.get("service").asText()).isEqualTo(service);
    assertThat(hit.get("trace_id").asText()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
    assertThat(hit.get("span_id").asText()).isEqualTo("b7ad6b7169203331");
    assertThat(hit.get("scope").asText()).isEqualTo("io.lookout.test");
    JsonNode attrs = hit.get("attributes");
    assertThat(attrs.get("http.method").asText()).isEqualTo("POST");
    assertThat(attrs.get("http.status_code").isIntegralNumber()).isTrue();
    assertThat(attrs.get("http.status_code").asLong()).isEqualTo(402L);
    assertThat(attrs.get("amount").asDouble()).isEqualTo(12.5);
    assertThat(attrs.get("retry").asBoolean()).isTrue();
    assertThat(attrs.get("tags").isArray()).isTrue();
    assertThat(attrs.get("tags").get(1).asText()).isEqualTo("b");
    assertThat(hit.get("resource").get("host.name").asText()).isEqualTo("box-7");
    assertThat(hit.get("resource").get("service.name").asText()).isEqualTo(service);

    // The same record is found through each keyword field.
    for (String q : List.of(
        "service:" + service + " AND " + token,
        "severity:warn AND " + token,
        "severity:WARNING AND " + token,
        "trace_id:0af7651916cd43dd8448eb211c80319c AND " + token,
        "attributes.http.method:POST AND " + token,
        "attributes.http.status_code:402 AND " + token,
        "resource.host.name:box-7 AND " + token)) {
      assertThat(data(Http.get(lookout.api() + "/api/v1/logs?query=" + enc(q) + "&start=now-1h")).get("hits"))
          .as(q).hasSize(1);
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void tracesSentBySdkComeBackWithEveryField(Transport transport) {
    String service = "trace-" + transport.name().toLowerCase().replace('_', '-');
    String traceId;
    String rootId;
    String childId;
    try (SdkTracerProvider provider = SdkTracerProvider.builder()
        .setResource(Resource.create(Attributes.builder().put("service.name", service).build()))
        .addSpanProcessor(SimpleSpanProcessor.create(spanExporter(transport)))
        .build()) {
      Tracer tracer = provider.get("io.lookout.test");
      SpanContext linked = SpanContext.create(
          "11111111111111111111111111111111", "2222222222222222", TraceFlags.getSampled(), TraceState.getDefault());
      Span root = tracer.spanBuilder("GET /checkout").setSpanKind(SpanKind.SERVER)
          .setAttribute("http.route", "/checkout").startSpan();
      try (Scope ignored = root.makeCurrent()) {
        Span child = tracer.spanBuilder("charge card").setSpanKind(SpanKind.CLIENT)
            .addLink(linked, Attributes.of(AttributeKey.stringKey("why"), "retry"))
            .setAttribute(AttributeKey.longKey("attempt"), 2L)
            .startSpan();
        child.addEvent("declined", Attributes.of(AttributeKey.stringKey("reason"), "insufficient funds"));
        child.setStatus(StatusCode.ERROR, "card declined");
        childId = child.getSpanContext().getSpanId();
        child.end();
      }
      root.end();
      traceId = root.getSpanContext().getTraceId();
      rootId = root.getSpanContext().getSpanId();
      assertThat(provider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
    }

    String url = lookout.api() + "/api/v1/traces/" + traceId;
    Http.await("trace searchable", Duration.ofSeconds(10), () -> {
      var r = Http.get(url);
      return r.statusCode() == 200 && data(r).get("spans").size() == 2;
    });
    JsonNode trace = data(Http.get(url));
    assertThat(trace.get("trace_id").asText()).isEqualTo(traceId);
    assertThat(trace.get("truncated").asBoolean()).isFalse();
    Map<String, JsonNode> byId = new java.util.HashMap<>();
    trace.get("spans").forEach(s -> byId.put(s.get("span_id").asText(), s));
    JsonNode root = byId.get(rootId);
    JsonNode child = byId.get(childId);
    assertThat(root.get("parent_span_id").asText()).isEmpty();
    assertThat(root.get("name").asText()).isEqualTo("GET /checkout");
    assertThat(root.get("kind").asText()).isEqualTo("SPAN_KIND_SERVER");
    assertThat(root.get("service").asText()).isEqualTo(service);
    assertThat(root.get("attributes").get("http.route").asText()).isEqualTo("/checkout");
    assertThat(child.get("parent_span_id").asText()).isEqualTo(rootId);
    assertThat(child.get("kind").asText()).isEqualTo("SPAN_KIND_CLIENT");
    assertThat(child.get("status").get("code").asText()).isEqualTo("STATUS_CODE_ERROR");
    assertThat(child.get("status").get("message").asText()).isEqualTo("card declined");
    assertThat(child.get("attributes").get("attempt").asLong()).isEqualTo(2L);
    assertThat(child.get("events").get(0).get("name").asText()).isEqualTo("declined");
    assertThat(child.get("events").get(0).get("attributes").get("reason").asText()).isEqualTo("insufficient funds");
    assertThat(child.get("links").get(0).get("trace_id").asText()).isEqualTo("11111111111111111111111111111111");
    assertThat(child.get("links").get(0).get("span_id").asText()).isEqualTo("2222222222222222");
    assertThat(child.get("links").get(0).get("attributes").get("why").asText()).isEqualTo("retry");
    assertThat(child.get("scope").asText()).isEqualTo("io.lookout.test");
    long start = Long.parseLong(child.get("start_unix_nano").asText());
    long end = Long.parseLong(child.get("end_unix_nano").asText());
    assertThat(end).isGreaterThanOrEqualTo(start);
    assertThat(child.get("duration_ns").asLong()).isEqualTo(end - start);
  }
}
