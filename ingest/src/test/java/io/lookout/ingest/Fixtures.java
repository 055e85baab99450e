package io.lookout.ingest;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogram;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.metrics.v1.Summary;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.util.HexFormat;

/** OTLP requests with every field set, in protobuf and in OTLP/JSON, used by several tests. */
final class Fixtures {
  static final String TRACE_ID = "0102030405060708090a0b0c0d0e0f10";
  static final String SPAN_ID = "a1a2a3a4a5a6a7a8";
  static final String PARENT_ID = "b1b2b3b4b5b6b7b8";
  static final String LINK_TRACE_ID = "f0e0d0c0b0a090807060504030201000";
  static final String LINK_SPAN_ID = "c1c2c3c4c5c6c7c8";
  static final long T1 = 1_700_000_000_000_000_001L;
  /** Start time of the cumulative metric points in {@link #metrics()}. */
  static final long T0 = T1 - 60_000_000_000L;
  static final long OBSERVED1 = 1_700_000_000_500_000_000L;
  static final long OBSERVED2 = 1_700_000_001_000_000_000L;

  private Fixtures() {}

  static ByteString id(String hex) {
    return ByteString.copyFrom(HexFormat.of().parseHex(hex));
  }

  static KeyValue kv(String key, AnyValue value) {
    return KeyValue.newBuilder().setKey(key).setValue(value).build();
  }

  static AnyValue str(String s) {
    return AnyValue.newBuilder().setStringValue(s).build();
  }

  static AnyValue i64(long v) {
    return AnyValue.newBuilder().setIntValue(v).build();
  }

  static Resource resource(String service) {
    Resource.Builder r = Resource.newBuilder().addAttributes(kv("host.name", str("node-1")));
    if (service != null) {
      r.addAttributes(kv("service.name", str(service)));
    }
    return r.build();
  }

  /** Attributes of every AnyValue kind. */
  static Iterable<KeyValue> typedAttributes() {
    return java.util.List.of(
        kv("str", str("text")),
        kv("long", i64(-42)),
        kv("double", AnyValue.newBuilder().setDoubleValue(2.5).build()),
        kv("bool", AnyValue.newBuilder().setBoolValue(true).build()),
        kv("array", AnyValue.newBuilder().setArrayValue(ArrayValue.newBuilder()
            .addValues(str("a")).addValues(i64(7))).build()),
        kv("map", AnyValue.newBuilder().setKvlistValue(KeyValueList.newBuilder()
            .addValues(kv("inner", str("x")))).build()),
        kv("bytes", AnyValue.newBuilder().setBytesValue(ByteString.copyFrom(new byte[] {1, 2, 3})).build()));
  }

  /**
   * Three log records: (1) every field set, ERROR without severity text, string body, ids;
   * (2) time 0 (falls back to observed), kvlist body, no ids; (3) no times at all, array body.
   */
  static ExportLogsServiceRequest logs() {
    LogRecord full = LogRecord.newBuilder()
        .setTimeUnixNano(T1)
        .setObservedTimeUnixNano(OBSERVED1)
        .setSeverityNumber(SeverityNumber.SEVERITY_NUMBER_ERROR)
        .setBody(str("payment failed"))
        .setTraceId(id(TRACE_ID))
        .setSpanId(id(SPAN_ID))
        .addAllAttributes(typedAttributes())
        .build();
    LogRecord kvBody = LogRecord.newBuilder()
        .setObservedTimeUnixNano(OBSERVED2)
        .setSeverityNumber(SeverityNumber.SEVERITY_NUMBER_INFO)
        .setSeverityText("information")
        .setBody(AnyValue.newBuilder().setKvlistValue(KeyValueList.newBuilder()
            .addValues(kv("user", str("ann"))).addValues(kv("n", i64(3)))))
        .build();
    LogRecord arrayBody = LogRecord.newBuilder()
        .setBody(AnyValue.newBuilder().setArrayValue(ArrayValue.newBuilder()
            .addValues(str("a")).addValues(AnyValue.newBuilder().setBoolValue(false))))
        .build();
    return ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(ResourceLogs.newBuilder()
            .setResource(resource("checkout"))
            .addScopeLogs(ScopeLogs.newBuilder()
                .setScope(InstrumentationScope.newBuilder().setName("io.lookout.test").setVersion("1.0"))
                .addLogRecords(full).addLogRecords(kvBody).addLogRecords(arrayBody)))
        .build();
  }

  /** One span with every field set, including an event and a link. */
  static ExportTraceServiceRequest spans() {
    Span span = Span.newBuilder()
        .setTraceId(id(TRACE_ID))
        .setSpanId(id(SPAN_ID))
        .setParentSpanId(id(PARENT_ID))
        .setTraceState("vendor=1")
        .setName("POST /pay")
        .setKind(Span.SpanKind.SPAN_KIND_SERVER)
        .setStartTimeUnixNano(T1)
        .setEndTimeUnixNano(T1 + 2_000_000)
        .addAllAttributes(typedAttributes())
        .addEvents(Span.Event.newBuilder().setTimeUnixNano(T1 + 1000).setName("exception")
            .addAttributes(kv("exception.type", str("IOException"))))
        .addLinks(Span.Link.newBuilder().setTraceId(id(LINK_TRACE_ID)).setSpanId(id(LINK_SPAN_ID))
            .setTraceState("other=2").addAttributes(kv("link.kind", str("follows"))))
        .setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR).setMessage("card declined"))
        .build();
    return ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(ResourceSpans.newBuilder()
            .setResource(resource("payments"))
            .addScopeSpans(ScopeSpans.newBuilder()
                .setScope(InstrumentationScope.newBuilder().setName("io.lookout.tracer"))
                .addSpans(span)))
        .build();
  }

  /**
   * One metric of each type, cumulative: gauge 1 point, monotonic sum 2, histogram 1, exponential
   * histogram 1, summary 1 = 6 data points.
   */
  static ExportMetricsServiceRequest metrics() {
    NumberDataPoint p = NumberDataPoint.newBuilder().setStartTimeUnixNano(T0).setTimeUnixNano(T1).setAsDouble(1.5)
        .addAttributes(KeyValue.newBuilder().setKey("path").setValue(AnyValue.newBuilder().setStringValue("/pay")))
        .build();
    NumberDataPoint p2 = p.toBuilder().setTimeUnixNano(T1 + 1_000_000_000L).setAsDouble(2.5).build();
    return ExportMetricsServiceRequest.newBuilder()
        .addResourceMetrics(ResourceMetrics.newBuilder()
            .setResource(resource("checkout"))
            .addScopeMetrics(ScopeMetrics.newBuilder()
                .addMetrics(Metric.newBuilder().setName("g").setGauge(Gauge.newBuilder().addDataPoints(p)))
                .addMetrics(Metric.newBuilder().setName("s").setSum(Sum.newBuilder().setIsMonotonic(true)
                    .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
                    .addDataPoints(p).addDataPoints(p2)))
                .addMetrics(Metric.newBuilder().setName("h").setHistogram(Histogram.newBuilder()
                    .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
                    .addDataPoints(HistogramDataPoint.newBuilder().setStartTimeUnixNano(T0).setTimeUnixNano(T1)
                        .setCount(3).setSum(4.5).addExplicitBounds(1).addExplicitBounds(2)
                        .addBucketCounts(1).addBucketCounts(1).addBucketCounts(1))))
                .addMetrics(Metric.newBuilder().setName("e").setExponentialHistogram(ExponentialHistogram.newBuilder()
                    .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
                    .addDataPoints(ExponentialHistogramDataPoint.newBuilder().setStartTimeUnixNano(T0)
                        .setTimeUnixNano(T1).setCount(1).setSum(1.5).setScale(0)
                        .setPositive(ExponentialHistogramDataPoint.Buckets.newBuilder().setOffset(0).addBucketCounts(1)))))
                .addMetrics(Metric.newBuilder().setName("q").setSummary(Summary.newBuilder()
                    .addDataPoints(SummaryDataPoint.newBuilder().setStartTimeUnixNano(T0).setTimeUnixNano(T1)
                        .setCount(1).setSum(1.5).addQuantileValues(SummaryDataPoint.ValueAtQuantile.newBuilder()
                            .setQuantile(0.5).setValue(1.5)))))))
        .build();
  }

  /**
   * The same three log records as {@link #logs()} in OTLP/JSON: hex ids (upper case in one),
   * int64 as string and as number, integer enums, unknown fields at several levels.
   */
  static String logsJson() {
    return """
        {"resourceLogs":[{
          "resource":{"attributes":[
            {"key":"host.name","value":{"stringValue":"node-1"}},
            {"key":"service.name","value":{"stringValue":"checkout"}}]},
          "futureResourceField":{"x":1},
          "scopeLogs":[{
            "scope":{"name":"io.lookout.test","version":"1.0"},
            "logRecords":[
              {"timeUnixNano":"1700000000000000001","observedTimeUnixNano":1700000000500000000,
               "severityNumber":17,"body":{"stringValue":"payment failed"},
               "traceId":"0102030405060708090A0B0C0D0E0F10","spanId":"a1a2a3a4a5a6a7a8",
               "unknownField":"ignored",
               "attributes":[
                 {"key":"str","value":{"stringValue":"text"}},
                 {"key":"long","value":{"intValue":"-42"}},
                 {"key":"double","value":{"doubleValue":2.5}},
                 {"key":"bool","value":{"boolValue":true}},
                 {"key":"array","value":{"arrayValue":{"values":[{"stringValue":"a"},{"intValue":7}]}}},
                 {"key":"map","value":{"kvlistValue":{"values":[{"key":"inner","value":{"stringValue":"x"}}]}}},
                 {"key":"bytes","value":{"bytesValue":"AQID"}}]},
              {"observedTimeUnixNano":"1700000001000000000","severityNumber":9,"severityText":"information",
               "body":{"kvlistValue":{"values":[{"key":"user","value":{"stringValue":"ann"}},
                                               {"key":"n","value":{"intValue":3}}]}},
               "traceId":"","spanId":""},
              {"body":{"arrayValue":{"values":[{"stringValue":"a"},{"boolValue":false}]}}}
            ]}]}]}
        """;
  }

  /** {@link #spans()} in OTLP/JSON, with snake_case keys in places (accepted too). */
  static String spansJson() {
    return """
        {"resourceSpans":[{
          "resource":{"attributes":[
            {"key":"host.name","value":{"stringValue":"node-1"}},
            {"key":"service.name","value":{"stringValue":"payments"}}]},
          "scope_spans":[{
            "scope":{"name":"io.lookout.tracer"},
            "spans":[{
              "traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"a1a2a3a4a5a6a7a8",
              "parent_span_id":"b1b2b3b4b5b6b7b8","traceState":"vendor=1","name":"POST /pay","kind":2,
              "startTimeUnixNano":"1700000000000000001","end_time_unix_nano":1700000000002000001,
              "attributes":[
                 {"key":"str","value":{"stringValue":"text"}},
                 {"key":"long","value":{"intValue":-42}},
                 {"key":"double","value":{"doubleValue":2.5}},
                 {"key":"bool","value":{"boolValue":true}},
                 {"key":"array","value":{"arrayValue":{"values":[{"stringValue":"a"},{"intValue":"7"}]}}},
                 {"key":"map","value":{"kvlistValue":{"values":[{"key":"inner","value":{"stringValue":"x"}}]}}},
                 {"key":"bytes","value":{"bytesValue":"AQID"}}],
              "events":[{"timeUnixNano":"1700000000000001001","name":"exception",
                 "attributes":[{"key":"exception.type","value":{"stringValue":"IOException"}}]}],
              "links":[{"traceId":"F0E0D0C0B0A090807060504030201000","spanId":"c1c2c3c4c5c6c7c8",
                 "traceState":"other=2","attributes":[{"key":"link.kind","value":{"stringValue":"follows"}}],
                 "newLinkField":true}],
              "status":{"code":2,"message":"card declined"}}]}]}]}
        """;
  }
}
