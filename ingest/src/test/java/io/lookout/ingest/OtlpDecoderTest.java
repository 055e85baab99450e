package io.lookout.ingest;

import static io.lookout.ingest.Fixtures.id;
import static io.lookout.ingest.Fixtures.kv;
import static io.lookout.ingest.Fixtures.str;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.lookout.model.LogRecord;
import io.lookout.model.Span;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OtlpDecoderTest {
  private static final long NOW = 1_800_000_000_000_000_000L;
  private final OtlpDecoder decoder = new OtlpDecoder(() -> NOW);

  @Test
  void decodesEveryLogField() {
    OtlpDecoder.Result<LogRecord> result = decoder.logs(Fixtures.logs());
    assertThat(result.rejected()).isZero();
    assertThat(result.message()).isEmpty();
    Expectations.fixtureLogs(result.records(), NOW, NOW);
  }

  @Test
  void decodesEverySpanField() {
    OtlpDecoder.Result<Span> result = decoder.spans(Fixtures.spans());
    assertThat(result.rejected()).isZero();
    Expectations.fixtureSpans(result.records());
  }

  @Test
  void countsDataPointsOfEveryMetricType() {
    assertThat(OtlpDecoder.dataPoints(Fixtures.metrics())).isEqualTo(6);
  }

  @Test
  void serviceFallsBackToUnknownService() {
    ExportLogsServiceRequest req = ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(ResourceLogs.newBuilder().setResource(Fixtures.resource(null))
            .addScopeLogs(ScopeLogs.newBuilder().addLogRecords(
                io.opentelemetry.proto.logs.v1.LogRecord.newBuilder().setBody(str("x")))))
        .addResourceLogs(ResourceLogs.newBuilder()
            .addScopeLogs(ScopeLogs.newBuilder().addLogRecords(
                io.opentelemetry.proto.logs.v1.LogRecord.newBuilder().setBody(str("y")))))
        .build();
    List<LogRecord> records = decoder.logs(req).records();
    assertThat(records).extracting(LogRecord::service).containsExactly("unknown_service", "unknown_service");
    assertThat(records.get(1).resource()).isEmpty();
    assertThat(records.get(1).scopeName()).isEmpty();
  }

  @Test
  void rejectsLogRecordsWithMalformedIdsAndKeepsTheRest() {
    ExportLogsServiceRequest req = ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(ResourceLogs.newBuilder().addScopeLogs(ScopeLogs.newBuilder()
            .addLogRecords(log(ByteString.copyFrom(new byte[5]), ByteString.EMPTY))
            .addLogRecords(log(id(Fixtures.TRACE_ID), ByteString.copyFrom(new byte[3])))
            .addLogRecords(log(id(Fixtures.TRACE_ID), ByteString.copyFrom(new byte[3])))
            .addLogRecords(log(ByteString.copyFrom(new byte[16]), ByteString.copyFrom(new byte[8])))
            .addLogRecords(log(id(Fixtures.TRACE_ID), id(Fixtures.SPAN_ID)))))
        .build();
    OtlpDecoder.Result<LogRecord> result = decoder.logs(req);
    assertThat(result.rejected()).isEqualTo(3);
    assertThat(result.rejectedByReason())
        .containsExactly(Map.entry("invalid_trace_id", 1L), Map.entry("invalid_span_id", 2L));
    assertThat(result.message()).isEqualTo("rejected 3 log records: 1 invalid_trace_id (trace id must be 16 bytes"
        + " or empty), 2 invalid_span_id (span id must be 8 bytes or empty)");
    // all-zero ids mean "no id"
    assertThat(result.records()).extracting(LogRecord::traceId).containsExactly("", Fixtures.TRACE_ID);
    assertThat(result.records()).extracting(LogRecord::spanId).containsExactly("", Fixtures.SPAN_ID);
  }

  @Test
  void rejectsSpansWithoutValidIds() {
    ExportTraceServiceRequest req = ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(ResourceSpans.newBuilder().setResource(Resource.getDefaultInstance())
            .addScopeSpans(ScopeSpans.newBuilder()
                .addSpans(span(ByteString.EMPTY, id(Fixtures.SPAN_ID), ByteString.EMPTY))
                .addSpans(span(ByteString.copyFrom(new byte[16]), id(Fixtures.SPAN_ID), ByteString.EMPTY))
                .addSpans(span(id(Fixtures.TRACE_ID), ByteString.copyFrom(new byte[8]), ByteString.EMPTY))
                .addSpans(span(id(Fixtures.TRACE_ID), id(Fixtures.SPAN_ID), ByteString.copyFrom(new byte[4])))
                .addSpans(span(id(Fixtures.TRACE_ID), id(Fixtures.SPAN_ID), ByteString.copyFrom(new byte[8])))))
        .build();
    OtlpDecoder.Result<Span> result = decoder.spans(req);
    assertThat(result.rejectedByReason()).containsExactly(
        Map.entry("invalid_trace_id", 2L), Map.entry("invalid_span_id", 1L), Map.entry("invalid_parent_span_id", 1L));
    assertThat(result.message()).startsWith("rejected 4 spans: 2 invalid_trace_id (trace id must be 16 bytes, not all zero)");
    assertThat(result.records()).singleElement().satisfies(s -> {
      assertThat(s.parentSpanId()).isEmpty(); // all-zero parent = root
      assertThat(s.service()).isEqualTo("unknown_service");
    });
  }

  @Test
  void severityTextDerivesFromNumberAndOutOfRangeNumbersBecomeZero() {
    ExportLogsServiceRequest req = ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(ResourceLogs.newBuilder().addScopeLogs(ScopeLogs.newBuilder()
            .addLogRecords(io.opentelemetry.proto.logs.v1.LogRecord.newBuilder().setSeverityNumberValue(13))
            .addLogRecords(io.opentelemetry.proto.logs.v1.LogRecord.newBuilder().setSeverityNumberValue(99))))
        .build();
    List<LogRecord> records = decoder.logs(req).records();
    assertThat(records).extracting(LogRecord::severityText).containsExactly("WARN", "");
    assertThat(records).extracting(LogRecord::severityNumber).containsExactly(13, 0);
  }

  @Test
  void rendersScalarBodiesAsJson() {
    ExportLogsServiceRequest req = ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(ResourceLogs.newBuilder().addScopeLogs(ScopeLogs.newBuilder()
            .addLogRecords(body(AnyValue.newBuilder().setIntValue(5).build()))
            .addLogRecords(body(AnyValue.newBuilder().setDoubleValue(Double.NaN).build()))
            .addLogRecords(body(AnyValue.newBuilder().setBytesValue(ByteString.copyFromUtf8("hi")).build()))
            .addLogRecords(body(AnyValue.getDefaultInstance()))
            .addLogRecords(io.opentelemetry.proto.logs.v1.LogRecord.newBuilder()
                .addAttributes(kv("empty", AnyValue.getDefaultInstance())).addAttributes(kv("k", str("v"))))))
        .build();
    List<LogRecord> records = decoder.logs(req).records();
    assertThat(records).extracting(LogRecord::body).containsExactly("5", "\"NaN\"", "\"aGk=\"", "", "");
    assertThat(records.get(4).attributes()).containsExactly(Map.entry("k", "v"));
  }

  private static io.opentelemetry.proto.logs.v1.LogRecord log(ByteString traceId, ByteString spanId) {
    return io.opentelemetry.proto.logs.v1.LogRecord.newBuilder().setTraceId(traceId).setSpanId(spanId).build();
  }

  private static io.opentelemetry.proto.logs.v1.LogRecord body(AnyValue body) {
    return io.opentelemetry.proto.logs.v1.LogRecord.newBuilder().setBody(body).build();
  }

  private static io.opentelemetry.proto.trace.v1.Span span(ByteString traceId, ByteString spanId, ByteString parent) {
    return io.opentelemetry.proto.trace.v1.Span.newBuilder()
        .setTraceId(traceId).setSpanId(spanId).setParentSpanId(parent).setName("op").build();
  }
}
