package io.lookout.bench;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.resource.v1.Resource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * One encoded OTLP/HTTP protobuf {@code ExportLogsServiceRequest} and what it holds.
 *
 * @param payload the request body
 * @param records log records in it
 * @param bodyBytes UTF-8 bytes of the log bodies in it
 * @param minTimestampNanos smallest record timestamp
 * @param maxTimestampNanos largest record timestamp
 */
public record OtlpBatch(
    byte[] payload, int records, long bodyBytes, long minTimestampNanos, long maxTimestampNanos) {

  /** Instrumentation scope name on every generated record. */
  public static final String SCOPE = "io.lookout.bench";

  /** Builds the request: one resource logs per service (in first-seen order), one scope each. */
  public static ExportLogsServiceRequest request(List<GeneratedLog> logs) {
    Map<String, ScopeLogs.Builder> byService = new LinkedHashMap<>();
    HexFormat hex = HexFormat.of();
    for (GeneratedLog g : logs) {
      ScopeLogs.Builder scope =
          byService.computeIfAbsent(
              g.service(),
              s -> ScopeLogs.newBuilder().setScope(InstrumentationScope.newBuilder().setName(SCOPE)));
      LogRecord.Builder r =
          LogRecord.newBuilder()
              .setTimeUnixNano(g.timestampNanos())
              .setObservedTimeUnixNano(g.timestampNanos())
              .setSeverityNumberValue(g.severityNumber())
              .setSeverityText(g.severityText())
              .setBody(AnyValue.newBuilder().setStringValue(g.body()))
              .addAttributes(attr("host.name", g.hostName()))
              .addAttributes(attr("request.id", g.requestId()));
      if (!g.traceId().isEmpty()) {
        r.setTraceId(ByteString.copyFrom(hex.parseHex(g.traceId())));
        r.setSpanId(ByteString.copyFrom(hex.parseHex(g.spanId())));
      }
      scope.addLogRecords(r);
    }
    ExportLogsServiceRequest.Builder req = ExportLogsServiceRequest.newBuilder();
    byService.forEach(
        (service, scope) ->
            req.addResourceLogs(
                ResourceLogs.newBuilder()
                    .setResource(Resource.newBuilder().addAttributes(attr("service.name", service)))
                    .addScopeLogs(scope)));
    return req.build();
  }

  /** Encodes records {@code [from, to)} of the corpus. */
  public static OtlpBatch encode(LogCorpus corpus, long from, long to) {
    List<GeneratedLog> logs = new ArrayList<>((int) (to - from));
    long body = 0;
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    for (long i = from; i < to; i++) {
      GeneratedLog g = corpus.record(i);
      logs.add(g);
      body += utf8Length(g.body());
      min = Math.min(min, g.timestampNanos());
      max = Math.max(max, g.timestampNanos());
    }
    return new OtlpBatch(request(logs).toByteArray(), logs.size(), body, min, max);
  }

  /**
   * Encodes the first {@code records} of the corpus in batches of {@code batchSize}, on {@code
   * threads} threads; the result is the same for any thread count.
   */
  public static List<OtlpBatch> encodeAll(LogCorpus corpus, long records, int batchSize, int threads) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
    }
    int count = Math.toIntExact((records + batchSize - 1) / batchSize);
    List<Future<OtlpBatch>> futures = new ArrayList<>(count);
    try (ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads))) {
      for (int b = 0; b < count; b++) {
        long from = (long) b * batchSize;
        long to = Math.min(records, from + batchSize);
        futures.add(pool.submit(() -> encode(corpus, from, to)));
      }
      List<OtlpBatch> out = new ArrayList<>(count);
      for (Future<OtlpBatch> f : futures) {
        out.add(f.get());
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while encoding batches", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("encoding batches failed", e.getCause());
    }
  }

  private static KeyValue attr(String key, String value) {
    return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)).build();
  }

  static long utf8Length(String s) {
    long n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n++;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c)) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    }
    return n;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof OtlpBatch b
        && Arrays.equals(payload, b.payload)
        && records == b.records
        && bodyBytes == b.bodyBytes
        && minTimestampNanos == b.minTimestampNanos
        && maxTimestampNanos == b.maxTimestampNanos;
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(payload) * 31 + records;
  }

  @Override
  public String toString() {
    return "OtlpBatch[records=" + records + ", payloadBytes=" + payload.length + ", bodyBytes=" + bodyBytes + "]";
  }
}
