package io.lookout.ingest.internal;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.lookout.ingest.IngestLimits;
import io.lookout.ingest.OtlpDecoder;
import io.lookout.ingest.metrics.OtlpToPrometheus;
import io.lookout.ingest.metrics.SpanMetrics;
import io.lookout.model.LogRecord;
import io.lookout.model.LookoutException;
import io.lookout.model.Span;
import io.lookout.model.metrics.SeriesBatch;
import io.lookout.model.spi.AppendResult;
import io.lookout.model.spi.LogStore;
import io.lookout.model.spi.MetricStore;
import io.lookout.model.spi.SpanStore;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsPartialSuccess;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsPartialSuccess;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Transport-independent part of an export: parse the payload, decode (metrics: translate into
 * Prometheus series), append to storage, build the Export*ServiceResponse (with partial success
 * when anything was rejected).
 */
public final class ExportPipeline {
  /** Payload encodings. */
  public enum Format { PROTOBUF, JSON }

  /** The response to send and what it counted. */
  public record Reply(Message response, long accepted, long rejected) {}

  static final String STORAGE_REASON = "storage";
  /** Reason label of OTLP metric points the translation to Prometheus series dropped. */
  static final String TRANSLATION_REASON = "translation";
  /** Reason label of samples of new series refused by the tenant's active-series limit. */
  static final String SERIES_LIMIT_REASON = "series_limit";

  private final LogStore logs;
  private final SpanStore spans;
  private final MetricStore metrics;
  private final IngestMetrics counters;
  private final OtlpDecoder decoder;
  private final OtlpToPrometheus translator;
  private final SpanMetrics spanMetrics;
  private final OtlpJson json;
  private volatile IngestLimits limits = IngestLimits.none();

  public ExportPipeline(LogStore logs, SpanStore spans, MetricStore metrics, OtlpToPrometheus translator,
      SpanMetrics spanMetrics, long maxRequestBytes, IngestMetrics counters, OtlpDecoder decoder) {
    this.logs = logs;
    this.spans = spans;
    this.metrics = metrics;
    this.counters = counters;
    this.decoder = decoder;
    this.translator = translator;
    this.spanMetrics = spanMetrics;
    this.json = new OtlpJson(maxRequestBytes);
  }

  /** Sets the per-tenant limits checked before every append (none by default). */
  public void limits(IngestLimits limits) {
    this.limits = java.util.Objects.requireNonNull(limits, "limits");
  }

  /**
   * Parses {@code data[0, len)}, decodes it and starts the append. Runs on a worker thread (the
   * payload can be large); the returned future completes once storage has answered.
   *
   * @throws LookoutException bad_data when the payload cannot be decoded
   */
  public CompletableFuture<Reply> export(Signal signal, String tenant, byte[] data, int len, Format format,
      String transport) {
    return switch (signal) {
      case LOGS -> exportLogs(tenant, parse(data, len, format, "ExportLogsServiceRequest",
          ExportLogsServiceRequest.newBuilder(), ExportLogsServiceRequest::parseFrom), transport, len);
      case TRACES -> exportSpans(tenant, parse(data, len, format, "ExportTraceServiceRequest",
          ExportTraceServiceRequest.newBuilder(), ExportTraceServiceRequest::parseFrom), transport, len);
      case METRICS -> exportMetrics(tenant, translateMetrics(tenant, data, len, format), transport, len);
    };
  }

  private CompletableFuture<Reply> exportLogs(String tenant, ExportLogsServiceRequest req, String transport, int bytes) {
    OtlpDecoder.Result<LogRecord> decoded = decoder.logs(req);
    limits.admit(tenant, decoded.records().size(), bytes);
    countRejections(Signal.LOGS, decoded.rejectedByReason());
    Supplier<CompletableFuture<AppendResult>> append = () -> logs.append(tenant, decoded.records());
    return store(Signal.LOGS, transport, decoded.records().size(), decoded.rejected(), decoded.message(),
        Signal.LOGS.items(), append)
        .thenApply(o -> new Reply(logsResponse(o), o.accepted, o.rejected));
  }

  private CompletableFuture<Reply> exportSpans(String tenant, ExportTraceServiceRequest req, String transport, int bytes) {
    OtlpDecoder.Result<Span> decoded = decoder.spans(req);
    limits.admit(tenant, decoded.records().size(), bytes);
    countRejections(Signal.TRACES, decoded.rejectedByReason());
    Supplier<CompletableFuture<AppendResult>> append = () -> spans.append(tenant, decoded.records());
    return store(Signal.TRACES, transport, decoded.records().size(), decoded.rejected(), decoded.message(),
        Signal.TRACES.items(), append)
        .thenApply(o -> {
          // only spans storage kept count; a failed append (overload...) counts none
          spanMetrics.record(tenant, decoded.records(), o.accepted);
          return new Reply(traceResponse(o), o.accepted, o.rejected);
        });
  }

  /**
   * Translates to Prometheus series and appends them. Rejections are reported in OTLP data points:
   * points the translation dropped plus samples storage rejected, at most the request's points
   * (one histogram point makes several samples).
   */
  private CompletableFuture<Reply> exportMetrics(String tenant, OtlpToPrometheus.Translated decoded, String transport,
      int bytes) {
    int points = decoded.dataPoints();
    OtlpToPrometheus.Result translated = decoded.result();
    counters.rejected(Signal.METRICS, TRANSLATION_REASON, translated.droppedPoints());
    SeriesBounds.check(translated.batch());
    limits.admit(tenant, translated.batch().sampleCount(), bytes);
    IngestLimits.SeriesAdmission admitted = limits.admitSeries(tenant, translated.batch());
    counters.rejected(Signal.METRICS, SERIES_LIMIT_REASON, admitted.rejectedSamples());
    SeriesBatch batch = admitted.batch();
    String message = translated.message();
    if (!admitted.message().isEmpty()) {
      message = message.isEmpty() ? admitted.message() : message + "; " + admitted.message();
    }
    Supplier<CompletableFuture<AppendResult>> append = () -> metrics.append(tenant, batch);
    return store(Signal.METRICS, transport, batch.sampleCount(), translated.droppedPoints() + admitted.rejectedSamples(),
        message, "samples", append)
        .thenApply(o -> {
          long rejected = Math.min(points, o.rejected);
          return new Reply(metricsResponse(new Outcome(o.accepted, rejected, o.message)), o.accepted, rejected);
        });
  }

  /**
   * Protobuf straight from the bytes ({@link OtlpToPrometheus#translate(String, byte[], int, int)});
   * JSON through the generated classes.
   */
  private OtlpToPrometheus.Translated translateMetrics(String tenant, byte[] data, int len, Format format) {
    String what = "ExportMetricsServiceRequest";
    if (format == Format.JSON) {
      ExportMetricsServiceRequest req = parse(data, len, format, what, ExportMetricsServiceRequest.newBuilder(),
          ExportMetricsServiceRequest::parseFrom);
      return new OtlpToPrometheus.Translated(translator.translate(tenant, req), OtlpDecoder.dataPoints(req));
    }
    try {
      return translator.translate(tenant, data, 0, len);
    } catch (InvalidProtocolBufferException e) {
      throw LookoutException.badData("invalid protobuf " + what + ": " + lowerFirst(e.getMessage()));
    }
  }

  private record Outcome(long accepted, long rejected, String message) {}

  private CompletableFuture<Outcome> store(Signal signal, String transport, long toStore, long rejectedByDecoder,
      String decoderMessage, String storedItems, Supplier<CompletableFuture<AppendResult>> append) {
    if (toStore == 0) {
      return CompletableFuture.completedFuture(new Outcome(0, rejectedByDecoder, decoderMessage));
    }
    CompletableFuture<AppendResult> pending;
    try {
      pending = append.get();
    } catch (RuntimeException e) { // the SPI fails the future, but be safe against a throwing store
      pending = CompletableFuture.failedFuture(e);
    }
    return pending.thenApply(r -> {
      counters.accepted(signal, transport, r.accepted());
      counters.rejected(signal, STORAGE_REASON, r.rejected());
      String message = decoderMessage;
      if (r.rejected() > 0) {
        String storage = r.message() == null || r.message().isBlank()
            ? "storage rejected " + r.rejected() + " " + storedItems
            : r.message();
        message = message.isEmpty() ? storage : message + "; " + storage;
      }
      return new Outcome(r.accepted(), rejectedByDecoder + r.rejected(), message);
    });
  }

  private void countRejections(Signal signal, Map<String, Long> byReason) {
    byReason.forEach((reason, n) -> counters.rejected(signal, reason, n));
  }

  private static ExportLogsServiceResponse logsResponse(Outcome o) {
    ExportLogsServiceResponse.Builder b = ExportLogsServiceResponse.newBuilder();
    if (o.rejected > 0) {
      b.setPartialSuccess(ExportLogsPartialSuccess.newBuilder()
          .setRejectedLogRecords(o.rejected).setErrorMessage(o.message));
    }
    return b.build();
  }

  private static ExportTraceServiceResponse traceResponse(Outcome o) {
    ExportTraceServiceResponse.Builder b = ExportTraceServiceResponse.newBuilder();
    if (o.rejected > 0) {
      b.setPartialSuccess(ExportTracePartialSuccess.newBuilder()
          .setRejectedSpans(o.rejected).setErrorMessage(o.message));
    }
    return b.build();
  }

  private static ExportMetricsServiceResponse metricsResponse(Outcome o) {
    ExportMetricsServiceResponse.Builder b = ExportMetricsServiceResponse.newBuilder();
    if (o.rejected > 0) {
      b.setPartialSuccess(ExportMetricsPartialSuccess.newBuilder()
          .setRejectedDataPoints(o.rejected).setErrorMessage(o.message));
    }
    return b.build();
  }

  @FunctionalInterface
  private interface ProtoParser<M> {
    M parse(CodedInputStream in) throws java.io.IOException;
  }

  @SuppressWarnings("unchecked")
  private <M extends Message> M parse(byte[] data, int len, Format format, String what,
      Message.Builder builder, ProtoParser<M> parser) {
    if (format == Format.JSON) {
      return (M) json.parse(data, 0, len, builder, what).build();
    }
    try {
      return parser.parse(CodedInputStream.newInstance(data, 0, len));
    } catch (InvalidProtocolBufferException e) {
      throw LookoutException.badData("invalid protobuf " + what + ": " + lowerFirst(e.getMessage()));
    } catch (java.io.IOException e) {
      throw LookoutException.badData("cannot read protobuf " + what + ": " + lowerFirst(e.getMessage()));
    }
  }

  private static String lowerFirst(String s) {
    if (s == null || s.isEmpty()) {
      return "malformed message";
    }
    return Character.toLowerCase(s.charAt(0)) + s.substring(1);
  }
}
