package io.lookout.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.lookout.model.LogRecord;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OtlpGrpcReceiverTest {
  static final long LIMIT = 1L << 20;
  static final String LOGS = "/opentelemetry.proto.collector.logs.v1.LogsService/Export";
  static final String TRACES = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";
  static final String METRICS = "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export";

  private TestServers servers;
  private HttpClient h2;

  @BeforeAll
  void start() throws Exception {
    servers = new TestServers(new IngestConfig(LIMIT));
    h2 = servers.vertx.createHttpClient(new HttpClientOptions()
        .setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false));
  }

  @AfterAll
  void stop() throws Exception {
    servers.close();
  }

  @BeforeEach
  void reset() {
    servers.stores.reset();
  }

  /** A finished gRPC call as seen on the wire. */
  record Call(int status, String message, StatusBody details, Buffer body) {
    byte[] message0() {
      assertThat(body.length()).isGreaterThanOrEqualTo(5);
      assertThat(body.getByte(0)).isZero();
      int len = body.getInt(1);
      return body.getBytes(5, 5 + len);
    }
  }

  @Test
  void otelSdkGrpcExportersAreAccepted() throws Exception {
    try (OtelClients otel = OtelClients.grpc("http://localhost:" + servers.grpcPort(), "acme")) {
      otel.emitLogAndSpan();
      OtelClients.assertReceived(servers.stores, "acme");
    }
    assertThat(servers.counter("lookout_ingest_requests_total", "signal", "logs", "transport", "grpc",
        "outcome", "success")).isPositive();
  }

  @Test
  void everyFieldSurvivesRawGrpcCalls() throws Exception {
    Call logs = call(LOGS, frame(Fixtures.logs().toByteArray(), false), "x-scope-orgid", "acme");
    assertThat(logs.status()).isZero();
    assertThat(ExportLogsServiceResponse.parseFrom(logs.message0()).hasPartialSuccess()).isFalse();
    assertThat(servers.stores.logs.batches).singleElement().satisfies(b -> assertThat(b.tenant()).isEqualTo("acme"));
    Expectations.fixtureLogs(servers.stores.logs.all(), 0, Long.MAX_VALUE);

    Call spans = call(TRACES, frame(Gzip.of(Fixtures.spans().toByteArray()), true),
        "grpc-encoding", "gzip");
    assertThat(spans.status()).isZero();
    assertThat(ExportTraceServiceResponse.parseFrom(spans.message0()).hasPartialSuccess()).isFalse();
    Expectations.fixtureSpans(servers.stores.spans.all());

    byte[] metrics = Fixtures.metrics().toByteArray();
    Call m = call(METRICS, frame(metrics, false));
    assertThat(m.status()).isZero();
    assertThat(ExportMetricsServiceResponse.parseFrom(m.message0()).hasPartialSuccess()).isFalse();
    Expectations.fixtureMetrics(servers.stores.metrics, "default");
  }

  @Test
  void overloadIsUnavailableWithRetryInfo() throws Exception {
    servers.stores.logs.overloaded(7);
    Call c = call(LOGS, frame(Fixtures.logs().toByteArray(), false));
    assertThat(c.status()).isEqualTo(14);
    assertThat(c.message()).isEqualTo("indexer is behind: retry later");
    assertThat(c.details()).isEqualTo(new StatusBody(14, "indexer is behind: retry later", 7));
    servers.stores.logs.reset();
    assertGoodCallStillWorks();
  }

  @Test
  void messageOverTheLimitIsResourceExhausted() throws Exception {
    Call c = call(LOGS, frame(new byte[(int) LIMIT + 1], false));
    assertThat(c.status()).isEqualTo(8);
    assertThat(c.message()).isEqualTo("request message of 1048577 bytes exceeds the limit of 1048576 bytes"
        + " (LOOKOUT_MAX_REQUEST_BYTES): send smaller batches or raise the limit");
    assertThat(c.details().code()).isEqualTo(8);
    assertGoodCallStillWorks();
  }

  @Test
  void gzipMessageInflatingOverTheLimitIsResourceExhausted() throws Exception {
    byte[] zeros = Gzip.of(new byte[(int) LIMIT * 8]);
    Call c = call(LOGS, frame(zeros, true), "grpc-encoding", "gzip");
    assertThat(c.status()).isEqualTo(8);
    assertThat(c.message()).startsWith("request message after decompression exceeds the limit of 1048576 bytes");
    assertThat(servers.stores.logs.batches).isEmpty();
    assertGoodCallStillWorks();
  }

  @Test
  void malformedMessageIsInvalidArgument() throws Exception {
    byte[] junk = new byte[2048];
    new Random(42).nextBytes(junk);
    Call c = call(TRACES, frame(junk, false));
    assertThat(c.status()).isEqualTo(3);
    assertThat(c.message()).startsWith("invalid protobuf ExportTraceServiceRequest");
    assertThat(c.details().code()).isEqualTo(3);
    assertThat(c.details().retryDelaySeconds()).isEqualTo(-1);
    assertGoodCallStillWorks();
  }

  @Test
  void invalidTenantIsInvalidArgument() throws Exception {
    Call c = call(LOGS, frame(Fixtures.logs().toByteArray(), false), "x-scope-orgid", "a/b");
    assertThat(c.status()).isEqualTo(3);
    assertThat(c.message()).startsWith("invalid tenant id in X-Scope-OrgID");
    assertThat(servers.stores.logs.batches).isEmpty();
    assertGoodCallStillWorks();
  }

  @Test
  void unsupportedCompressionIsUnimplemented() throws Exception {
    Call c = call(LOGS, frame(new byte[] {1, 2, 3}, true), "grpc-encoding", "snappy");
    assertThat(c.status()).isEqualTo(12);
    assertThat(c.message()).isEqualTo("unsupported grpc-encoding 'snappy': use gzip or identity");
    assertGoodCallStillWorks();
  }

  @Test
  void storageBugIsInternal() throws Exception {
    servers.stores.logs.broken();
    Call c = call(LOGS, frame(Fixtures.logs().toByteArray(), false));
    assertThat(c.status()).isEqualTo(13);
    assertThat(c.message()).isEqualTo("internal error while handling the export; the server logged the cause");
    servers.stores.logs.reset();
    assertGoodCallStillWorks();
  }

  @Test
  void rejectedSpansAreReportedAsPartialSuccess() throws Exception {
    ExportTraceServiceRequest.Builder req = Fixtures.spans().toBuilder();
    var scope = req.getResourceSpansBuilder(0).getScopeSpansBuilder(0);
    scope.addSpans(scope.getSpans(0).toBuilder().setTraceId(ByteString.copyFrom(new byte[16])));
    Call c = call(TRACES, frame(req.build().toByteArray(), false));
    assertThat(c.status()).isZero();
    var partial = ExportTraceServiceResponse.parseFrom(c.message0()).getPartialSuccess();
    assertThat(partial.getRejectedSpans()).isEqualTo(1);
    assertThat(partial.getErrorMessage())
        .isEqualTo("rejected 1 spans: 1 invalid_trace_id (trace id must be 16 bytes, not all zero)");
    Expectations.fixtureSpans(servers.stores.spans.all());
    assertThat(servers.counter("lookout_ingest_requests_total", "signal", "traces", "transport", "grpc",
        "outcome", "partial_success")).isEqualTo(1);
  }

  private void assertGoodCallStillWorks() throws Exception {
    servers.stores.reset();
    Call c = call(LOGS, frame(Fixtures.logs().toByteArray(), false));
    assertThat(c.status()).isZero();
    assertThat(servers.stores.logs.all()).extracting(LogRecord::body).contains("payment failed");
  }

  private Call call(String path, Buffer body, String... metadata) throws Exception {
    CompletableFuture<Call> result = new CompletableFuture<>();
    h2.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("localhost")
            .setPort(servers.grpcPort()).setURI(path))
        .onFailure(result::completeExceptionally)
        .onSuccess(req -> {
          req.putHeader("content-type", "application/grpc").putHeader("te", "trailers");
          for (int i = 0; i < metadata.length; i += 2) {
            req.putHeader(metadata[i], metadata[i + 1]);
          }
          req.response().onFailure(result::completeExceptionally).onSuccess(resp -> {
            Buffer received = Buffer.buffer();
            resp.handler(received::appendBuffer);
            resp.exceptionHandler(result::completeExceptionally);
            resp.endHandler(v -> result.complete(toCall(resp.headers(), resp.trailers(), received)));
          });
          req.end(body).onFailure(result::completeExceptionally);
        });
    return result.get(30, TimeUnit.SECONDS);
  }

  private static Call toCall(MultiMap headers, MultiMap trailers, Buffer body) {
    MultiMap status = trailers.contains("grpc-status") ? trailers : headers; // trailers-only responses
    String message = status.get("grpc-message");
    String details = status.get("grpc-status-details-bin");
    try {
      return new Call(Integer.parseInt(status.get("grpc-status")),
          message == null ? null : URLDecoder.decode(message, StandardCharsets.UTF_8),
          details == null ? null : StatusBody.fromProtobuf(Base64.getDecoder().decode(details)), body);
    } catch (java.io.IOException e) {
      throw new AssertionError("undecodable grpc-status-details-bin", e);
    }
  }

  private static Buffer frame(byte[] message, boolean compressed) {
    return Buffer.buffer(message.length + 5).appendByte((byte) (compressed ? 1 : 0)).appendInt(message.length)
        .appendBytes(message);
  }
}
