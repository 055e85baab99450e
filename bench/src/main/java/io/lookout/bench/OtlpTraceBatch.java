package io.lookout.bench;

import com.google.protobuf.ByteString;
import io.lookout.bench.internal.ServiceGraph;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One encoded OTLP/HTTP protobuf {@code ExportTraceServiceRequest} and what it holds.
 *
 * @param payload the request body
 * @param traces traces in it (each whole)
 * @param spans spans in it
 * @param minStartNanos earliest span start
 * @param maxEndNanos latest span end
 */
public record OtlpTraceBatch(byte[] payload, int traces, int spans, long minStartNanos, long maxEndNanos) {

  /** Builds the request: one resource spans per service instance (in first-seen order), one scope each. */
  public static ExportTraceServiceRequest request(List<GeneratedTrace> traces) {
    Map<String, ScopeSpans.Builder> byInstance = new LinkedHashMap<>();
    Map<String, GeneratedSpan> firstSpan = new LinkedHashMap<>();
    for (GeneratedTrace t : traces) {
      ByteString traceId = id(t.traceIdHigh(), t.traceIdLow());
      for (GeneratedSpan s : t.spans()) {
        String key = s.host();
        firstSpan.putIfAbsent(key, s);
        ScopeSpans.Builder scope = byInstance.computeIfAbsent(key, k -> ScopeSpans.newBuilder()
            .setScope(InstrumentationScope.newBuilder().setName(OtlpBatch.SCOPE)));
        scope.addSpans(span(traceId, s));
      }
    }
    ExportTraceServiceRequest.Builder req = ExportTraceServiceRequest.newBuilder();
    byInstance.forEach((key, scope) -> {
      GeneratedSpan s = firstSpan.get(key);
      req.addResourceSpans(ResourceSpans.newBuilder()
          .setResource(Resource.newBuilder()
              .addAttributes(attr("service.name", s.service()))
              .addAttributes(attr("service.version", ServiceGraph.service(s.service()).version()))
              .addAttributes(attr("host.name", s.host()))
              .addAttributes(attr("deployment.environment", "bench")))
          .addScopeSpans(scope));
    });
    return req.build();
  }

  /** Encodes traces {@code [from, to)} of the corpus. */
  public static OtlpTraceBatch encode(SpanCorpus corpus, long from, long to) {
    List<GeneratedTrace> traces = new java.util.ArrayList<>((int) (to - from));
    int spans = 0;
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    for (long i = from; i < to; i++) {
      GeneratedTrace t = corpus.trace(i);
      traces.add(t);
      spans += t.spans().size();
      for (GeneratedSpan s : t.spans()) {
        min = Math.min(min, s.startNanos());
        max = Math.max(max, s.endNanos());
      }
    }
    return new OtlpTraceBatch(request(traces).toByteArray(), traces.size(), spans, min, max);
  }

  private static Span span(ByteString traceId, GeneratedSpan s) {
    Span.Builder b = Span.newBuilder()
        .setTraceId(traceId)
        .setSpanId(id(s.spanId()))
        .setName(s.name())
        .setKindValue(s.kind())
        .setStartTimeUnixNano(s.startNanos())
        .setEndTimeUnixNano(s.endNanos());
    if (s.parentSpanId() != 0) {
      b.setParentSpanId(id(s.parentSpanId()));
    }
    for (Map.Entry<String, Object> e : s.attributes().entrySet()) {
      b.addAttributes(attr(e.getKey(), e.getValue()));
    }
    if (s.error()) {
      GeneratedSpan.Exception ex = s.exception();
      b.setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR).setMessage(ex.message()));
      b.addEvents(Span.Event.newBuilder()
          .setName("exception")
          .setTimeUnixNano(ex.timeNanos())
          .addAttributes(attr("exception.type", ex.type()))
          .addAttributes(attr("exception.message", ex.message()))
          .addAttributes(attr("exception.stacktrace", ex.stacktrace())));
    }
    return b.build();
  }

  private static ByteString id(long high, long low) {
    return ByteString.copyFrom(ByteBuffer.allocate(16).putLong(high).putLong(low).array());
  }

  private static ByteString id(long v) {
    return ByteString.copyFrom(ByteBuffer.allocate(8).putLong(v).array());
  }

  private static KeyValue attr(String key, Object value) {
    AnyValue.Builder v = AnyValue.newBuilder();
    if (value instanceof Long l) {
      v.setIntValue(l);
    } else {
      v.setStringValue(value.toString());
    }
    return KeyValue.newBuilder().setKey(key).setValue(v).build();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof OtlpTraceBatch b
        && java.util.Arrays.equals(payload, b.payload)
        && traces == b.traces
        && spans == b.spans
        && minStartNanos == b.minStartNanos
        && maxEndNanos == b.maxEndNanos;
  }

  @Override
  public int hashCode() {
    return java.util.Arrays.hashCode(payload) * 31 + spans;
  }

  @Override
  public String toString() {
    return "OtlpTraceBatch[traces=" + traces + ", spans=" + spans + ", payloadBytes=" + payload.length + "]";
  }
}
