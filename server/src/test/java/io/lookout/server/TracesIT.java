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
import io.opentelemetry.exporter.otlp.logs.OtlpGrpcLogRecordExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real multi-service trace from the OTel Java SDK: checkout (A) calls payments (B) twice and
 * inventory (C) once, with the context propagated; inventory fails. The waterfall, search, the
 * service map, RED, the trace's logs and the Jaeger API all see it as it happened.
 */
class TracesIT {
  private static final String RUN = Long.toString(System.nanoTime(), 36);
  private static final String A = "checkout-" + RUN;
  private static final String B = "payments-" + RUN;
  private static final String C = "inventory-" + RUN;
  private static InProcessServer lookout;
  private static String traceId;
  private static String otherTraceId;
  private static final Map<String, String> SPAN_IDS = new HashMap<>();
  private static long reserveStartMicros;

  private static SdkTracerProvider tracerProvider(String service) {
    return SdkTracerProvider.builder()
        .setResource(Resource.create(Attributes.builder()
            .put("service.name", service)
            .put("deployment.environment", "it")
            .build()))
        .addSpanProcessor(SimpleSpanProcessor.create(
            OtlpGrpcSpanExporter.builder().setEndpoint(lookout.otlpGrpc()).build()))
        .build();
  }

  @BeforeAll
  static void sendTrace() throws Exception {
    lookout = new InProcessServer(Map.of("LOOKOUT_SPANMETRICS_INTERVAL", "1s"));
    try (SdkTracerProvider pa = tracerProvider(A);
        SdkTracerProvider pb = tracerProvider(B);
        SdkTracerProvider pc = tracerProvider(C);
        SdkLoggerProvider logsB = SdkLoggerProvider.builder()
            .setResource(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), B)))
            .addLogRecordProcessor(SimpleLogRecordProcessor.create(
                OtlpGrpcLogRecordExporter.builder().setEndpoint(lookout.otlpGrpc()).build()))
            .build()) {
      Tracer ta = pa.get("it.checkout");
      Tracer tb = pb.get("it.payments");
      Tracer tc = pc.get("it.inventory");
      Instant t0 = Instant.now().minusSeconds(5);

      Span root = ta.spanBuilder("POST /checkout").setSpanKind(SpanKind.SERVER)
          .setStartTimestamp(t0).setAttribute("http.route", "/checkout").startSpan();
      Context rootCtx = Context.root().with(root);
      for (int i = 0; i < 2; i++) {
        Instant s = t0.plusMillis(10 + i * 100);
        Span call = ta.spanBuilder("charge").setSpanKind(SpanKind.CLIENT).setParent(rootCtx)
            .setStartTimestamp(s).startSpan();
        Span serve = tb.spanBuilder("Charge").setSpanKind(SpanKind.SERVER).setParent(Context.root().with(call))
            .setStartTimestamp(s.plusMillis(1)).setAttribute("payment.attempt", (long) i).startSpan();
        if (i == 1) {
          logsB.get("it.payments").logRecordBuilder().setSeverity(Severity.INFO)
              .setBody("charged card " + RUN).setContext(Context.root().with(serve)).emit();
          SPAN_IDS.put("serve1", serve.getSpanContext().getSpanId());
        }
        serve.end(s.plusMillis(80));
        call.end(s.plusMillis(85));
      }
      Span call = ta.spanBuilder("reserve").setSpanKind(SpanKind.CLIENT).setParent(rootCtx)
          .setStartTimestamp(t0.plusMillis(300)).startSpan();
      Span serve = tc.spanBuilder("Reserve").setSpanKind(SpanKind.SERVER).setParent(Context.root().with(call))
          .setStartTimestamp(t0.plusMillis(301))
          .addLink(SpanContext.create("5b8efff798038103d269b633813fc60c", "eee19b7ec3c1b174",
              TraceFlags.getSampled(), TraceState.getDefault()))
          .startSpan();
      serve.addEvent("out of stock", Attributes.of(AttributeKey.stringKey("sku"), "sku-42"), t0.plusMillis(400));
      serve.setStatus(StatusCode.ERROR, "out of stock");
      serve.end(t0.plusMillis(2300));
      call.end(t0.plusMillis(2310));
      root.end(t0.plusMillis(2400));
      traceId = root.getSpanContext().getTraceId();
      Instant reserveStart = t0.plusMillis(301);
      reserveStartMicros = reserveStart.getEpochSecond() * 1_000_000L + reserveStart.getNano() / 1_000;
      SPAN_IDS.put("root", root.getSpanContext().getSpanId());
      SPAN_IDS.put("reserve", call.getSpanContext().getSpanId());
      SPAN_IDS.put("Reserve", serve.getSpanContext().getSpanId());

      // Another, quick, successful trace of A alone that most searches must exclude.
      Span other = ta.spanBuilder("GET /health").setSpanKind(SpanKind.SERVER).setStartTimestamp(t0)
          .startSpan();
      other.end(t0.plusMillis(2));
      otherTraceId = other.getSpanContext().getTraceId();

      assertThat(pa.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
      assertThat(pb.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
      assertThat(pc.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
      assertThat(logsB.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
    }
    Http.await("trace searchable", Duration.ofSeconds(10), () -> {
      var r = Http.get(lookout.api() + "/api/v1/traces/" + traceId);
      return r.statusCode() == 200 && data(r).get("spans").size() == 7;
    });
  }

  @AfterAll
  static void stop() throws Exception {
    lookout.close();
  }

  private static List<String> traceIds(String params) {
    JsonNode d = data(Http.get(lookout.api() + "/api/v1/traces?start=now-1h&" + params));
    List<String> ids = new ArrayList<>();
    d.get("traces").forEach(t -> ids.add(t.get("trace_id").asText()));
    return ids;
  }

  @Test
  void waterfallIsCompleteAndCorrectlyParented() {
    JsonNode trace = data(Http.get(lookout.api() + "/api/v1/traces/" + traceId + "?include=logs"));
    Map<String, JsonNode> byId = new HashMap<>();
    trace.get("spans").forEach(s -> byId.put(s.get("span_id").asText(), s));
    assertThat(byId).hasSize(7);
    int roots = 0;
    for (JsonNode s : byId.values()) {
      String parent = s.get("parent_span_id").asText();
      if (parent.isEmpty()) {
        roots++;
      } else {
        assertThat(byId).as("parent of %s present", s.get("name").asText()).containsKey(parent);
      }
    }
    assertThat(roots).isEqualTo(1);
    JsonNode reserve = byId.get(SPAN_IDS.get("Reserve"));
    assertThat(reserve.get("service").asText()).isEqualTo(C);
    assertThat(reserve.get("parent_span_id").asText()).isEqualTo(SPAN_IDS.get("reserve"));
    assertThat(byId.get(SPAN_IDS.get("reserve")).get("parent_span_id").asText()).isEqualTo(SPAN_IDS.get("root"));
    assertThat(reserve.get("status").get("code").asText()).isEqualTo("STATUS_CODE_ERROR");
    assertThat(reserve.get("events").get(0).get("name").asText()).isEqualTo("out of stock");
    assertThat(reserve.get("links").get(0).get("trace_id").asText()).isEqualTo("5b8efff798038103d269b633813fc60c");
    // Logs emitted inside a span of the trace come with it.
    assertThat(trace.get("logs")).hasSize(1);
    assertThat(trace.get("logs").get(0).get("body").asText()).isEqualTo("charged card " + RUN);
    assertThat(trace.get("logs").get(0).get("span_id").asText()).isEqualTo(SPAN_IDS.get("serve1"));
  }

  @Test
  void searchFindsTheTraceByEachFilterAndExcludesOthers() {
    assertThat(traceIds("service=" + A)).containsExactlyInAnyOrder(traceId, otherTraceId);
    assertThat(traceIds("service=" + B)).containsExactly(traceId);
    assertThat(traceIds("service=" + A + "&operation=" + enc("POST /checkout"))).containsExactly(traceId);
    assertThat(traceIds("attributes=" + enc("http.route=/checkout"))).containsExactly(traceId);
    assertThat(traceIds("service=" + B + "&attributes=" + enc("payment.attempt=1"))).containsExactly(traceId);
    assertThat(traceIds("service=" + A + "&attributes=" + enc("deployment.environment=it"))).hasSize(2);
    assertThat(traceIds("service=" + A + "&min_duration=1s")).containsExactly(traceId);
    assertThat(traceIds("service=" + A + "&max_duration=50ms")).containsExactly(otherTraceId);
    assertThat(traceIds("status=error&service=" + C)).containsExactly(traceId);
    assertThat(traceIds("status=error&service=" + B)).isEmpty();

    JsonNode summary = data(Http.get(lookout.api() + "/api/v1/traces?start=now-1h&service=" + C)).get("traces").get(0);
    assertThat(summary.get("root_service").asText()).isEqualTo(A);
    assertThat(summary.get("root_operation").asText()).isEqualTo("POST /checkout");
    assertThat(summary.get("span_count").asInt()).isEqualTo(7);
    assertThat(summary.get("error_count").asInt()).isEqualTo(1);
    assertThat(summary.get("duration_ns").asLong()).isEqualTo(2_400_000_000L);
    List<String> services = new ArrayList<>();
    summary.get("services").forEach(s -> services.add(s.asText()));
    assertThat(services).containsExactlyInAnyOrder(A, B, C);
  }

  @Test
  void serviceMapAndOperationsAndRedShowTheCallsAndTheFailure() {
    JsonNode edges = data(Http.get(lookout.api() + "/api/v1/traces/dependencies?start=now-1h"));
    Map<String, JsonNode> byPair = new HashMap<>();
    edges.forEach(e -> byPair.put(e.get("parent").asText() + ">" + e.get("child").asText(), e));
    assertThat(byPair.get(A + ">" + B).get("call_count").asLong()).isEqualTo(2);
    assertThat(byPair.get(A + ">" + B).get("error_count").asLong()).isZero();
    assertThat(byPair.get(A + ">" + C).get("call_count").asLong()).isEqualTo(1);
    assertThat(byPair.get(A + ">" + C).get("error_count").asLong()).isEqualTo(1);
    assertThat(byPair).doesNotContainKey(B + ">" + C);

    Set<String> services = new HashSet<>();
    data(Http.get(lookout.api() + "/api/v1/traces/services?start=now-1h")).forEach(s -> services.add(s.asText()));
    assertThat(services).contains(A, B, C);
    JsonNode ops = data(Http.get(lookout.api() + "/api/v1/traces/services/" + A + "/operations?start=now-1h"));
    List<String> opNames = new ArrayList<>();
    ops.forEach(o -> opNames.add(o.get("name").asText() + "/" + o.get("kind").asText()));
    assertThat(opNames).contains("POST /checkout/SPAN_KIND_SERVER", "charge/SPAN_KIND_CLIENT", "reserve/SPAN_KIND_CLIENT");

    JsonNode red = data(Http.get(lookout.api() + "/api/v1/traces/red?start=now-1h&step=1h&service=" + C));
    long requests = 0;
    long errors = 0;
    for (JsonNode p : red.get("points")) {
      requests += p.get("requests").asLong();
      errors += p.get("errors").asLong();
      if (p.get("requests").asLong() > 0) {
        assertThat(p.get("p99_ms").asDouble()).isBetween(1900.0, 2100.0);
        assertThat(p.get("error_rate").asDouble()).isEqualTo(1.0);
      }
    }
    assertThat(requests).isEqualTo(1);
    assertThat(errors).isEqualTo(1);
  }

  @Test
  void spanMetricsCountTheCallsAndTheFailureForPromql() {
    String calls = "sum by (status_code) (traces_spanmetrics_calls_total{service=\"" + C + "\"})";
    Http.await("span metrics written", Duration.ofSeconds(15), () -> {
      JsonNode r = Http.json(Http.get(lookout.api() + "/prometheus/api/v1/query?query=" + enc(calls)).body());
      return r.get("data").get("result").size() == 1;
    });
    JsonNode result = Http.json(Http.get(lookout.api() + "/prometheus/api/v1/query?query=" + enc(calls)).body())
        .get("data").get("result").get(0);
    assertThat(result.get("metric").get("status_code").asText()).isEqualTo("STATUS_CODE_ERROR");
    assertThat(result.get("value").get(1).asText()).isEqualTo("1");
    String payments = "sum(traces_spanmetrics_calls_total{service=\"" + B + "\",span_kind=\"SPAN_KIND_SERVER\"})";
    assertThat(Http.json(Http.get(lookout.api() + "/prometheus/api/v1/query?query=" + enc(payments)).body())
        .get("data").get("result").get(0).get("value").get(1).asText()).isEqualTo("2");
    // Reserve took 1999 ms: in the 2s bucket, not in the 1.4s one.
    String le = "traces_spanmetrics_duration_seconds_bucket{service=\"" + C + "\",le=\"%s\"}";
    assertThat(Http.json(Http.get(lookout.api() + "/prometheus/api/v1/query?query=" + enc(le.formatted("2"))).body())
        .get("data").get("result").get(0).get("value").get(1).asText()).isEqualTo("1");
    assertThat(Http.json(Http.get(lookout.api() + "/prometheus/api/v1/query?query=" + enc(le.formatted("1.4"))).body())
        .get("data").get("result").get(0).get("value").get(1).asText()).isEqualTo("0");
  }

  @Test
  void jaegerApiServesTheTraceInJaegersModel() {
    var r = Http.get(lookout.api() + "/jaeger/api/traces/" + traceId);
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode body = Http.json(r.body());
    assertThat(body.has("errors")).isTrue();
    JsonNode trace = body.get("data").get(0);
    assertThat(trace.get("traceID").asText()).isEqualTo(traceId);
    JsonNode processes = trace.get("processes");
    Map<String, String> serviceOfProcess = new HashMap<>();
    processes.fields().forEachRemaining(e -> serviceOfProcess.put(e.getKey(), e.getValue().get("serviceName").asText()));
    assertThat(serviceOfProcess.values()).containsExactlyInAnyOrder(A, B, C);
    assertThat(serviceOfProcess.keySet()).containsExactlyInAnyOrder("p1", "p2", "p3");
    Map<String, JsonNode> spans = new HashMap<>();
    trace.get("spans").forEach(s -> spans.put(s.get("spanID").asText(), s));
    JsonNode reserve = spans.get(SPAN_IDS.get("Reserve"));
    assertThat(serviceOfProcess.get(reserve.get("processID").asText())).isEqualTo(C);
    assertThat(reserve.get("operationName").asText()).isEqualTo("Reserve");
    assertThat(reserve.get("duration").asLong()).isEqualTo(1_999_000L); // µs
    assertThat(reserve.get("startTime").asLong()).isEqualTo(reserveStartMicros);
    List<String> refs = new ArrayList<>();
    reserve.get("references").forEach(ref -> refs.add(ref.get("refType").asText() + ":" + ref.get("spanID").asText()));
    assertThat(refs).contains("CHILD_OF:" + SPAN_IDS.get("reserve"), "FOLLOWS_FROM:eee19b7ec3c1b174");
    Map<String, JsonNode> tags = new HashMap<>();
    reserve.get("tags").forEach(t -> tags.put(t.get("key").asText(), t));
    assertThat(tags.get("span.kind").get("value").asText()).isEqualTo("server");
    assertThat(tags.get("error").get("type").asText()).isEqualTo("bool");
    assertThat(tags.get("error").get("value").asBoolean()).isTrue();
    assertThat(reserve.get("logs").get(0).get("timestamp").asLong()).isGreaterThan(reserve.get("startTime").asLong());

    long endUs = System.currentTimeMillis() * 1000 + 60_000_000L;
    long startUs = endUs - 3_600_000_000L;
    JsonNode found = Http.json(Http.get(lookout.api() + "/jaeger/api/traces?service=" + C + "&start=" + startUs
        + "&end=" + endUs + "&limit=20").body()).get("data");
    assertThat(found).hasSize(1);
    assertThat(found.get(0).get("traceID").asText()).isEqualTo(traceId);
    assertThat(found.get(0).get("spans")).hasSize(7);

    JsonNode services = Http.json(Http.get(lookout.api() + "/jaeger/api/services").body()).get("data");
    List<String> names = new ArrayList<>();
    services.forEach(s -> names.add(s.asText()));
    assertThat(names).contains(A, B, C);
    JsonNode deps = Http.json(Http.get(lookout.api() + "/jaeger/api/dependencies?endTs="
        + (System.currentTimeMillis() + 60_000) + "&lookback=3600000").body()).get("data");
    List<String> pairs = new ArrayList<>();
    deps.forEach(d -> pairs.add(d.get("parent").asText() + ">" + d.get("child").asText() + "=" + d.get("callCount").asLong()));
    assertThat(pairs).contains(A + ">" + B + "=2", A + ">" + C + "=1");
    assertThat(Http.get(lookout.api() + "/jaeger/api/traces/00000000000000000000000000000001").statusCode()).isEqualTo(404);
  }
}
