package io.lookout.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.JsonFormat;
import io.lookout.model.LogRecord;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OtlpHttpReceiverTest {
  static final long LIMIT = 4L << 20;
  static final String PROTO = "application/x-protobuf";
  static final String JSON = "application/json";

  private TestServers servers;
  private HttpClient client;

  @BeforeAll
  void start() throws Exception {
    servers = new TestServers(new IngestConfig(LIMIT));
    client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
  }

  @AfterAll
  void stop() throws Exception {
    servers.close();
  }

  @BeforeEach
  void reset() {
    servers.stores.reset();
  }

  // ---- happy paths ---------------------------------------------------------------------------

  @Test
  void protobufLogsAreDecodedAndStoredForTheTenant() throws Exception {
    byte[] body = Fixtures.logs().toByteArray();
    double bytesBefore = servers.counter("lookout_ingest_bytes_total", "signal", "logs", "transport", "http");
    double recordsBefore = servers.counter("lookout_ingest_records_total", "signal", "logs", "transport", "http");
    long from = nowNanos();
    HttpResponse<byte[]> resp = post("/v1/logs", PROTO, body, "X-Scope-OrgID", "acme");
    long to = nowNanos();

    assertThat(resp.statusCode()).isEqualTo(200);
    assertThat(resp.headers().firstValue("content-type")).hasValue(PROTO);
    assertThat(ExportLogsServiceResponse.parseFrom(resp.body()).hasPartialSuccess()).isFalse();
    assertThat(servers.stores.logs.batches).singleElement().satisfies(b -> assertThat(b.tenant()).isEqualTo("acme"));
    Expectations.fixtureLogs(servers.stores.logs.all(), from, to);
    assertThat(servers.counter("lookout_ingest_bytes_total", "signal", "logs", "transport", "http") - bytesBefore)
        .isEqualTo(body.length);
    assertThat(servers.counter("lookout_ingest_records_total", "signal", "logs", "transport", "http") - recordsBefore)
        .isEqualTo(3);
  }

  @Test
  void protobufSpansAreDecodedAndStored() throws Exception {
    HttpResponse<byte[]> resp = post("/v1/traces", PROTO, Fixtures.spans().toByteArray());
    assertThat(resp.statusCode()).isEqualTo(200);
    assertThat(ExportTraceServiceResponse.parseFrom(resp.body()).hasPartialSuccess()).isFalse();
    assertThat(servers.stores.spans.batches).singleElement().satisfies(b -> assertThat(b.tenant()).isEqualTo("default"));
    Expectations.fixtureSpans(servers.stores.spans.all());
  }

  @Test
  void protobufMetricsAreTranslatedToPrometheusSeries() throws Exception {
    byte[] body = Fixtures.metrics().toByteArray();
    double samplesBefore = servers.counter("lookout_ingest_records_total", "signal", "metrics", "transport", "http");
    HttpResponse<byte[]> resp = post("/v1/metrics", PROTO, body, "X-Scope-OrgID", "acme");
    assertThat(resp.statusCode()).isEqualTo(200);
    assertThat(ExportMetricsServiceResponse.parseFrom(resp.body()).hasPartialSuccess()).isFalse();
    Expectations.fixtureMetrics(servers.stores.metrics, "acme");
    assertThat(servers.counter("lookout_ingest_records_total", "signal", "metrics", "transport", "http")
        - samplesBefore).as("samples stored").isEqualTo(servers.stores.metrics.batches.get(0).batch().sampleCount());
  }

  @Test
  void jsonLogsWithHexIdsStringAndNumberInt64IntegerEnumsAndUnknownFields() throws Exception {
    long from = nowNanos();
    HttpResponse<byte[]> resp = post("/v1/logs", "application/json; charset=utf-8",
        Fixtures.logsJson().getBytes(StandardCharsets.UTF_8));
    long to = nowNanos();
    assertThat(resp.statusCode()).isEqualTo(200);
    assertThat(resp.headers().firstValue("content-type")).hasValue(JSON);
    assertThat(new String(resp.body(), StandardCharsets.UTF_8)).isEqualTo("{}");
    Expectations.fixtureLogs(servers.stores.logs.all(), from, to);
  }

  @Test
  void jsonSpansAcceptLowerCamelCaseAndOriginalFieldNames() throws Exception {
    HttpResponse<byte[]> resp = post("/v1/traces", JSON, Fixtures.spansJson().getBytes(StandardCharsets.UTF_8));
    assertThat(resp.statusCode()).isEqualTo(200);
    Expectations.fixtureSpans(servers.stores.spans.all());
  }

  @Test
  void jsonMetricsAreTranslatedLikeProtobuf() throws Exception {
    String json = JsonFormat.printer().print(Fixtures.metrics());
    HttpResponse<byte[]> resp = post("/v1/metrics", JSON, json.getBytes(StandardCharsets.UTF_8));
    assertThat(resp.statusCode()).isEqualTo(200);
    assertThat(new String(resp.body(), StandardCharsets.UTF_8)).isEqualTo("{}");
    Expectations.fixtureMetrics(servers.stores.metrics, "default");
  }

  @Test
  void gzipBodiesAreInflatedForProtobufAndJson() throws Exception {
    byte[] proto = Fixtures.logs().toByteArray();
    double bytesBefore = servers.counter("lookout_ingest_bytes_total", "signal", "logs", "transport", "http");
    HttpResponse<byte[]> resp = post("/v1/logs", PROTO, Gzip.of(proto), "Content-Encoding", "gzip");
    assertThat(resp.statusCode()).isEqualTo(200);
    assertThat(servers.counter("lookout_ingest_bytes_total", "signal", "logs", "transport", "http") - bytesBefore)
        .as("bytes are counted after decompression").isEqualTo(proto.length);
    Expectations.fixtureLogs(servers.stores.logs.all(), 0, Long.MAX_VALUE);

    servers.stores.reset();
    resp = post("/v1/traces", JSON, Gzip.of(Fixtures.spansJson().getBytes(StandardCharsets.UTF_8)),
        "Content-Encoding", "GZIP");
    assertThat(resp.statusCode()).isEqualTo(200);
    Expectations.fixtureSpans(servers.stores.spans.all());
  }

  @Test
  void emptyRequestSucceedsWithoutTouchingStorage() throws Exception {
    assertThat(post("/v1/logs", PROTO, new byte[0]).statusCode()).isEqualTo(200);
    assertThat(post("/v1/traces", JSON, "{}".getBytes(StandardCharsets.UTF_8)).statusCode()).isEqualTo(200);
    assertThat(servers.stores.logs.batches).isEmpty();
    assertThat(servers.stores.spans.batches).isEmpty();
  }

  @Test
  void realOtelHttpExporterIsAccepted() throws Exception {
    try (OtelClients otel = OtelClients.http("http://localhost:" + servers.httpPort(), "acme")) {
      otel.emitLogAndSpan();
      OtelClients.assertReceived(servers.stores, "acme");
    }
  }

  // ---- errors --------------------------------------------------------------------------------

  @Test
  void truncatedProtobufIsBadData() throws Exception {
    byte[] full = Fixtures.logs().toByteArray();
    HttpResponse<byte[]> resp = post("/v1/logs", PROTO, Arrays.copyOf(full, full.length - 7));
    assertBadData(resp, PROTO, "invalid protobuf ExportLogsServiceRequest");
    assertThat(servers.stores.logs.batches).isEmpty();
    assertGoodRequestStillWorks();
  }

  @Test
  void randomBytesAreBadData() throws Exception {
    byte[] junk = new byte[4096];
    new Random(42).nextBytes(junk);
    assertBadData(post("/v1/traces", PROTO, junk), PROTO, "invalid protobuf ExportTraceServiceRequest");
    assertGoodRequestStillWorks();
  }

  @Test
  void invalidJsonIsBadDataAnsweredInJson() throws Exception {
    assertBadData(post("/v1/logs", JSON, "{\"resourceLogs\":[".getBytes(StandardCharsets.UTF_8)), JSON,
        "invalid JSON ExportLogsServiceRequest");
    assertBadData(post("/v1/logs", JSON, "[1,2]".getBytes(StandardCharsets.UTF_8)), JSON,
        "the top level must be an object");
    assertBadData(post("/v1/logs", JSON, "{\"resourceLogs\":{\"a\":1}}".getBytes(StandardCharsets.UTF_8)), JSON,
        "invalid OTLP JSON ExportLogsServiceRequest");
    assertGoodRequestStillWorks();
  }

  @Test
  void tooDeeplyNestedJsonIsBadData() throws Exception {
    String deep = "{\"x\":".repeat(1000) + "1" + "}".repeat(1000);
    assertBadData(post("/v1/logs", JSON, deep.getBytes(StandardCharsets.UTF_8)), JSON, "nesting depth");
    assertGoodRequestStillWorks();
  }

  @Test
  void jsonIdOfWrongLengthIsBadData() throws Exception {
    String json = Fixtures.spansJson().replace("\"a1a2a3a4a5a6a7a8\"", "\"a1a2a3\"");
    assertBadData(post("/v1/traces", JSON, json.getBytes(StandardCharsets.UTF_8)), JSON,
        "invalid spanId 'a1a2a3': must be 16 hex digits (8 bytes) or empty");
    json = Fixtures.spansJson().replace("0102030405060708090a0b0c0d0e0f10", "zz02030405060708090a0b0c0d0e0f10");
    assertBadData(post("/v1/traces", JSON, json.getBytes(StandardCharsets.UTF_8)), JSON, "invalid traceId");
    assertThat(servers.stores.spans.batches).isEmpty();
    assertGoodRequestStillWorks();
  }

  @Test
  void unsupportedContentTypeIs415NamingTheAllowedTypes() throws Exception {
    HttpResponse<byte[]> resp = post("/v1/logs", "text/plain", "hello".getBytes(StandardCharsets.UTF_8));
    assertThat(resp.statusCode()).isEqualTo(415);
    StatusBody status = StatusBody.fromProtobuf(resp.body());
    assertThat(status.message()).isEqualTo(
        "unsupported content type 'text/plain': use application/x-protobuf or application/json");
    HttpResponse<byte[]> missing = client.send(HttpRequest.newBuilder(uri("/v1/traces"))
        .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {1})).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(missing.statusCode()).isEqualTo(415);
    assertThat(StatusBody.fromProtobuf(missing.body()).message())
        .isEqualTo("missing content type: use application/x-protobuf or application/json");
    assertGoodRequestStillWorks();
  }

  @Test
  void unsupportedContentEncodingIs415() throws Exception {
    HttpResponse<byte[]> resp = post("/v1/logs", JSON, "{}".getBytes(StandardCharsets.UTF_8), "Content-Encoding", "br");
    assertThat(resp.statusCode()).isEqualTo(415);
    assertThat(StatusBody.fromJson(resp.body()).message())
        .isEqualTo("unsupported content encoding 'br': use gzip, or send the body uncompressed");
    assertGoodRequestStillWorks();
  }

  @Test
  void corruptGzipIsBadData() throws Exception {
    byte[] gz = Gzip.of(Fixtures.logs().toByteArray());
    assertBadData(post("/v1/logs", PROTO, Arrays.copyOf(gz, gz.length / 2), "Content-Encoding", "gzip"), PROTO,
        "invalid gzip request body");
    assertBadData(post("/v1/logs", PROTO, Fixtures.logs().toByteArray(), "Content-Encoding", "gzip"), PROTO,
        "invalid gzip request body");
    assertGoodRequestStillWorks();
  }

  @Test
  void bodyOverTheLimitIs413WithContentLength() throws Exception {
    double before = servers.counter("lookout_ingest_requests_total", "signal", "logs", "transport", "http",
        "outcome", "too_large");
    HttpResponse<byte[]> resp = post("/v1/logs", PROTO, new byte[(int) LIMIT + 1]);
    assertThat(resp.statusCode()).isEqualTo(413);
    assertThat(StatusBody.fromProtobuf(resp.body()).message())
        .isEqualTo("request body of 4194305 bytes exceeds the limit of 4194304 bytes (LOOKOUT_MAX_REQUEST_BYTES):"
            + " send smaller batches or raise the limit");
    assertThat(servers.counter("lookout_ingest_requests_total", "signal", "logs", "transport", "http",
        "outcome", "too_large") - before).isEqualTo(1);
    assertGoodRequestStillWorks();
  }

  @Test
  void chunkedBodyOverTheLimitIs413() throws Exception {
    byte[] big = new byte[(int) LIMIT + 100_000];
    HttpRequest req = HttpRequest.newBuilder(uri("/v1/logs"))
        .header("Content-Type", PROTO)
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big)))
        .build();
    HttpResponse<byte[]> resp = client.send(req, HttpResponse.BodyHandlers.ofByteArray());
    assertThat(resp.statusCode()).isEqualTo(413);
    assertThat(StatusBody.fromProtobuf(resp.body()).message()).startsWith("request body exceeds the limit of 4194304 bytes");
    assertThat(servers.stores.logs.batches).isEmpty();
    assertGoodRequestStillWorks();
  }

  @Test
  void gzipBombIsRefusedWithBoundedMemory() throws Exception {
    byte[] bomb = Gzip.bombOf1GiB();
    assertThat(bomb.length).isLessThan((int) LIMIT); // passes the limit on the compressed body
    HttpResponse<byte[]> resp = post("/v1/logs", PROTO, bomb, "Content-Encoding", "gzip");
    assertThat(resp.statusCode()).isEqualTo(413);
    assertThat(StatusBody.fromProtobuf(resp.body()).message())
        .startsWith("request body after decompression exceeds the limit of 4194304 bytes");
    // the test JVM runs with -Xmx512m (see the pom): inflating 1 GiB would have failed with OOM
    assertThat(Runtime.getRuntime().maxMemory()).as("tests run with -Xmx512m").isLessThan(1L << 30);
    assertGoodRequestStillWorks();
  }

  @Test
  void invalidTenantIsBadData() throws Exception {
    HttpResponse<byte[]> resp = post("/v1/logs", PROTO, Fixtures.logs().toByteArray(), "X-Scope-OrgID", "../etc");
    assertBadData(resp, PROTO, "invalid tenant id in X-Scope-OrgID");
    assertThat(servers.stores.logs.batches).isEmpty();
    assertGoodRequestStillWorks();
  }

  @Test
  void overloadedStorageIs503WithRetryAfter() throws Exception {
    servers.stores.logs.overloaded(7);
    HttpResponse<byte[]> resp = post("/v1/logs", PROTO, Fixtures.logs().toByteArray());
    assertThat(resp.statusCode()).isEqualTo(503);
    assertThat(resp.headers().firstValue("retry-after")).hasValue("7");
    assertThat(StatusBody.fromProtobuf(resp.body())).isEqualTo(new StatusBody(14, "indexer is behind: retry later", 7));

    resp = post("/v1/logs", JSON, Fixtures.logsJson().getBytes(StandardCharsets.UTF_8));
    assertThat(resp.statusCode()).isEqualTo(503);
    assertThat(StatusBody.fromJson(resp.body())).isEqualTo(new StatusBody(14, "indexer is behind: retry later", 7));

    servers.stores.logs.reset();
    assertGoodRequestStillWorks();
  }

  @Test
  void storageBugIs500WithoutDetails() throws Exception {
    servers.stores.spans.broken();
    HttpResponse<byte[]> resp = post("/v1/traces", PROTO, Fixtures.spans().toByteArray());
    assertThat(resp.statusCode()).isEqualTo(500);
    assertThat(StatusBody.fromProtobuf(resp.body()))
        .isEqualTo(new StatusBody(13, "internal error while handling the export; the server logged the cause", -1));
    servers.stores.spans.reset();
    assertGoodRequestStillWorks();
  }

  @Test
  void partialSuccessAddsDecoderAndStorageRejections() throws Exception {
    servers.stores.logs.rejecting(1, "1 record older than the retention of 7d");
    var req = Fixtures.logs().toBuilder(); // the second record gets a 3-byte span id
    req.getResourceLogsBuilder(0).getScopeLogsBuilder(0).getLogRecordsBuilder(1)
        .setSpanId(com.google.protobuf.ByteString.copyFrom(new byte[3]));
    double rejectedBefore = servers.counter("lookout_ingest_rejected_records_total", "signal", "logs", "reason",
        "invalid_span_id");
    HttpResponse<byte[]> resp = post("/v1/logs", PROTO, req.build().toByteArray());
    assertThat(resp.statusCode()).isEqualTo(200);
    var partial = ExportLogsServiceResponse.parseFrom(resp.body()).getPartialSuccess();
    assertThat(partial.getRejectedLogRecords()).isEqualTo(2);
    assertThat(partial.getErrorMessage()).isEqualTo("rejected 1 log records: 1 invalid_span_id (span id must be 8"
        + " bytes or empty); 1 record older than the retention of 7d");
    assertThat(servers.stores.logs.all()).hasSize(2);
    assertThat(servers.counter("lookout_ingest_rejected_records_total", "signal", "logs", "reason",
        "invalid_span_id") - rejectedBefore).isEqualTo(1);

    servers.stores.logs.reset();
    servers.stores.logs.rejecting(3, "");
    resp = post("/v1/logs", JSON, Fixtures.logsJson().getBytes(StandardCharsets.UTF_8));
    assertThat(new String(resp.body(), StandardCharsets.UTF_8))
        .isEqualTo("{\"partialSuccess\":{\"rejectedLogRecords\":\"3\",\"errorMessage\":\"storage rejected 3 log records\"}}");
    servers.stores.logs.reset();
    assertGoodRequestStillWorks();
  }

  // ---- helpers -------------------------------------------------------------------------------

  private void assertGoodRequestStillWorks() throws Exception {
    servers.stores.reset();
    HttpResponse<byte[]> resp = post("/v1/logs", PROTO, Fixtures.logs().toByteArray());
    assertThat(resp.statusCode()).isEqualTo(200);
    assertThat(servers.stores.logs.all()).extracting(LogRecord::body).contains("payment failed");
  }

  private static void assertBadData(HttpResponse<byte[]> resp, String contentType, String messagePart)
      throws IOException {
    assertThat(resp.statusCode()).isEqualTo(400);
    assertThat(resp.headers().firstValue("content-type")).hasValue(contentType);
    StatusBody status = contentType.equals(JSON) ? StatusBody.fromJson(resp.body()) : StatusBody.fromProtobuf(resp.body());
    assertThat(status.code()).isEqualTo(3);
    assertThat(status.message()).contains(messagePart);
    assertThat(status.retryDelaySeconds()).isEqualTo(-1);
  }

  private HttpResponse<byte[]> post(String path, String contentType, byte[] body, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30))
        .header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private URI uri(String path) {
    return URI.create("http://localhost:" + servers.httpPort() + path);
  }

  private static long nowNanos() {
    Instant i = Instant.now();
    return i.getEpochSecond() * 1_000_000_000L + i.getNano();
  }
}
