package io.lookout.server;

import static io.lookout.server.Http.data;
import static io.lookout.server.Http.enc;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.UnknownFieldSet;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Hostile and malformed input gets the documented status and message; the server keeps serving. */
class BadInputIT {
  private static InProcessServer lookout;
  private static int goodRequests;

  @BeforeAll
  static void start() throws Exception {
    lookout = new InProcessServer(Map.of("LOOKOUT_MAX_REQUEST_BYTES", "8MiB"));
  }

  @AfterAll
  static void stop() throws Exception {
    lookout.close();
  }

  /** After every bad request, a good one is still accepted and becomes searchable. */
  @AfterEach
  void serverStillServes() {
    String token = "stillalive" + (goodRequests++);
    var r = Http.post(lookout.otlpHttp() + "/v1/logs", "application/x-protobuf",
        OtlpRequests.logs("bad-input", List.of("after bad input " + token)).toByteArray());
    assertThat(r.statusCode()).isEqualTo(200);
    Http.await("good record searchable", Duration.ofSeconds(10),
        () -> data(Http.get(lookout.api() + "/api/v1/logs?query=" + token)).get("hits").size() == 1);
  }

  private static String statusMessage(HttpResponse<byte[]> r) throws IOException {
    String ct = r.headers().firstValue("Content-Type").orElse("");
    if (ct.startsWith("application/json")) {
      JsonNode n = Http.json(new String(r.body(), StandardCharsets.UTF_8));
      assertThat(n.get("code").asInt()).as("google.rpc.Status code").isGreaterThan(0);
      return n.get("message").asText();
    }
    assertThat(ct).startsWith("application/x-protobuf");
    // google.rpc.Status: code = 1 (int32), message = 2 (string)
    UnknownFieldSet status = UnknownFieldSet.parseFrom(r.body());
    assertThat(status.getField(1).getVarintList()).isNotEmpty();
    return status.getField(2).getLengthDelimitedList().get(0).toStringUtf8();
  }

  @Test
  void truncatedProtobufIsBadRequestWithStatus() throws IOException {
    byte[] good = OtlpRequests.logs("x", List.of("a body long enough to cut in half")).toByteArray();
    var r = Http.post(lookout.otlpHttp() + "/v1/logs", "application/x-protobuf", Arrays.copyOf(good, good.length / 2));
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(statusMessage(r)).isNotBlank();
  }

  @Test
  void randomBytesAreBadRequest() throws IOException {
    byte[] junk = new byte[4096];
    new Random(7).nextBytes(junk);
    var r = Http.post(lookout.otlpHttp() + "/v1/traces", "application/x-protobuf", junk);
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(statusMessage(r)).isNotBlank();
  }

  @Test
  void invalidJsonIsBadRequestWithJsonStatus() throws IOException {
    var r = Http.post(lookout.otlpHttp() + "/v1/logs", "application/json",
        "{\"resourceLogs\": [ {".getBytes(StandardCharsets.UTF_8));
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(statusMessage(r)).isNotBlank();
  }

  @Test
  void wrongContentTypeIsUnsupportedMediaType() throws IOException {
    var r = Http.post(lookout.otlpHttp() + "/v1/logs", "text/plain", "hello".getBytes(StandardCharsets.UTF_8));
    assertThat(r.statusCode()).isEqualTo(415);
    assertThat(new String(r.body(), StandardCharsets.UTF_8)).contains("application/x-protobuf");
  }

  @Test
  void gzipBombIsRefusedWithoutExhaustingMemory() throws IOException {
    // 1 GiB of zeros compresses to about 1 MiB; the limit after decompression is 8 MiB.
    ByteArrayOutputStream z = new ByteArrayOutputStream();
    byte[] zeros = new byte[1 << 20];
    try (GZIPOutputStream out = new GZIPOutputStream(z, 1 << 16)) {
      for (int i = 0; i < 1024; i++) {
        out.write(zeros);
      }
    }
    long heapBefore = Runtime.getRuntime().totalMemory();
    var r = Http.post(lookout.otlpHttp() + "/v1/logs", "application/x-protobuf", z.toByteArray(),
        "Content-Encoding", "gzip");
    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(statusMessage(r)).contains("8388608");
    // The server shares this JVM: inflating the bomb would have needed a 1 GiB buffer.
    assertThat(Runtime.getRuntime().totalMemory() - heapBefore).isLessThan(512L << 20);
  }

  @Test
  void bodyOverTheLimitIsTooLarge() throws IOException {
    byte[] big = new byte[9 << 20];
    var r = Http.post(lookout.otlpHttp() + "/v1/logs", "application/x-protobuf", big);
    assertThat(r.statusCode()).isEqualTo(413);
  }

  @Test
  void malformedQueryIsBadDataNamingTheProblem() {
    var r = Http.get(lookout.api() + "/api/v1/logs?query=" + enc("body:(unclosed AND"));
    assertThat(r.statusCode()).isEqualTo(400);
    JsonNode n = Http.json(r.body());
    assertThat(n.get("status").asText()).isEqualTo("error");
    assertThat(n.get("errorType").asText()).isEqualTo("bad_data");
    assertThat(n.get("error").asText()).contains("query");
  }

  @Test
  void badTimeAndLimitAreBadData() {
    var t = Http.get(lookout.api() + "/api/v1/logs?start=yesterday-ish");
    assertThat(t.statusCode()).isEqualTo(400);
    assertThat(Http.json(t.body()).get("error").asText()).contains("start").contains("RFC 3339");
    var l = Http.get(lookout.api() + "/api/v1/logs?limit=1000000");
    assertThat(l.statusCode()).isEqualTo(400);
    assertThat(Http.json(l.body()).get("error").asText()).contains("limit");
  }

  @Test
  void traceIdsAreValidated() {
    var bad = Http.get(lookout.api() + "/api/v1/traces/not-a-trace-id");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(Http.json(bad.body()).get("error").asText()).contains("32");
    var unknown = Http.get(lookout.api() + "/api/v1/traces/4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(Http.json(unknown.body()).get("errorType").asText()).isEqualTo("not_found");
  }

  @Test
  void invalidTenantIsRejected() {
    var r = Http.post(lookout.otlpHttp() + "/v1/logs", "application/x-protobuf",
        OtlpRequests.logs("x", List.of("y")).toByteArray(), "X-Scope-OrgID", "../etc");
    assertThat(r.statusCode()).isEqualTo(400);
  }
}
