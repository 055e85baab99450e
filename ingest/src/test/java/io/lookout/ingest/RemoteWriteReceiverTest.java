package io.lookout.ingest;

import static io.lookout.ingest.RemoteWrite.labels;
import static io.lookout.ingest.RemoteWrite.request;
import static io.lookout.ingest.RemoteWrite.series;
import static io.lookout.ingest.RemoteWrite.snappy;
import static org.assertj.core.api.Assertions.assertThat;

import io.lookout.model.ErrorCode;
import io.lookout.model.LookoutException;
import io.lookout.model.metrics.Labels;
import io.lookout.model.metrics.Sample;
import io.lookout.model.metrics.SeriesBatch;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Prometheus remote_write 1.0 over real HTTP/1.1, status codes as the specification asks. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RemoteWriteReceiverTest {
  static final long LIMIT = 1L << 20;
  static final String PATH = "/prometheus/api/v1/write";
  static final String PROTO = "application/x-protobuf";

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

  static byte[] twoSeries() {
    return request(
        series(labels("__name__", "up", "instance", "a:9100", "job", "node"), 1, 1000, 1, 16000),
        series(labels("__name__", "node_load1", "instance", "a:9100", "job", "node"), 0.25, 1000));
  }

  // ---- happy paths ---------------------------------------------------------------------------

  @Test
  void samplesAreStoredForTheTenantAndAnsweredWith204() throws Exception {
    byte[] raw = twoSeries();
    double bytesBefore = counter("lookout_ingest_bytes_total", "transport", "remote_write");
    double samplesBefore = counter("lookout_ingest_records_total", "transport", "remote_write");
    double successBefore = outcome("success");

    HttpResponse<byte[]> resp = write(snappy(raw), "X-Scope-OrgID", "acme");

    assertThat(resp.statusCode()).isEqualTo(204);
    assertThat(resp.body()).isEmpty();
    assertThat(resp.headers().firstValue("X-Prometheus-Remote-Write-Version")).hasValue("0.1.0");
    assertThat(servers.stores.metrics.batches).singleElement().satisfies(b -> {
      assertThat(b.tenant()).isEqualTo("acme");
      assertThat(b.batch().series()).containsExactly(
          SeriesBatch.Series.ofSamples(Labels.of("__name__", "up", "instance", "a:9100", "job", "node"),
              List.of(new Sample(1000, 1), new Sample(16000, 1))),
          SeriesBatch.Series.ofSamples(Labels.of("__name__", "node_load1", "instance", "a:9100", "job", "node"),
              List.of(new Sample(1000, 0.25))));
    });
    assertThat(counter("lookout_ingest_bytes_total", "transport", "remote_write") - bytesBefore)
        .as("bytes are counted after decompression").isEqualTo(raw.length);
    assertThat(counter("lookout_ingest_records_total", "transport", "remote_write") - samplesBefore).isEqualTo(3);
    assertThat(outcome("success") - successBefore).isEqualTo(1);
  }

  @Test
  void prometheus3ContentTypeParameterAndMissingVersionHeaderAreAccepted() throws Exception {
    HttpRequest req = HttpRequest.newBuilder(uri())
        .header("Content-Type", "application/x-protobuf;proto=prometheus.WriteRequest")
        .header("Content-Encoding", "SNAPPY")
        .POST(HttpRequest.BodyPublishers.ofByteArray(snappy(twoSeries())))
        .build();
    assertThat(client.send(req, HttpResponse.BodyHandlers.ofByteArray()).statusCode()).isEqualTo(204);
    assertThat(servers.stores.metrics.series()).hasSize(2);
  }

  @Test
  void emptyRequestIs204WithoutTouchingStorage() throws Exception {
    assertThat(write(snappy(new byte[0])).statusCode()).isEqualTo(204);
    assertThat(servers.stores.metrics.batches).isEmpty();
  }

  // ---- data errors: 400, not retried ---------------------------------------------------------

  @Test
  void samplesRejectedByStorageAre400WithTheMessageAndTheRestIsKept() throws Exception {
    servers.stores.metrics.rejecting(1, "1 sample out of order for series {__name__=\"up\"}");
    double rejectedBefore = servers.counter("lookout_ingest_rejected_records_total", "signal", "metrics",
        "reason", "storage");

    HttpResponse<byte[]> resp = write(snappy(twoSeries()));

    assertThat(resp.statusCode()).isEqualTo(400);
    assertThat(resp.headers().firstValue("content-type")).hasValue("text/plain; charset=utf-8");
    assertThat(text(resp)).isEqualTo(
        "stored 2 samples, rejected 1: 1 sample out of order for series {__name__=\"up\"}\n");
    assertThat(servers.stores.metrics.series()).as("the whole batch went to storage").hasSize(2);
    assertThat(servers.counter("lookout_ingest_rejected_records_total", "signal", "metrics", "reason", "storage")
        - rejectedBefore).isEqualTo(1);
    servers.stores.metrics.reset();
    assertGoodWriteStillWorks();
  }

  @Test
  void bodyThatIsNotSnappyIs400() throws Exception {
    assertBadData(write(twoSeries()), "invalid snappy body");
    assertBadData(write(new byte[0]), "invalid snappy body: missing or malformed length header");
    assertGoodWriteStillWorks();
  }

  @Test
  void malformedProtobufIs400() throws Exception {
    byte[] junk = new byte[2048];
    new Random(7).nextBytes(junk);
    assertBadData(write(snappy(junk)), "malformed remote_write protobuf");
    assertGoodWriteStillWorks();
  }

  @Test
  void invalidLabelsAre400NamingTheSeries() throws Exception {
    byte[] unsorted = request(series(labels("__name__", "up", "job", "node", "instance", "a"), 1, 1000));
    assertBadData(write(snappy(unsorted)), "label 'instance' follows 'job'; labels must be sorted by name");
    byte[] noName = request(series(labels("job", "node"), 1, 1000));
    assertBadData(write(snappy(noName)), "the metric name (label __name__) is missing or empty");
    assertGoodWriteStillWorks();
  }

  @Test
  void invalidTenantIs400() throws Exception {
    assertBadData(write(snappy(twoSeries()), "X-Scope-OrgID", "../etc"), "invalid tenant id in X-Scope-OrgID");
    assertGoodWriteStillWorks();
  }

  // ---- media types: 415 ----------------------------------------------------------------------

  @Test
  void otherContentTypesEncodingsAndVersionsAre415() throws Exception {
    byte[] body = snappy(twoSeries());
    assertUnsupported(post("text/plain", "snappy", body),
        "unsupported content type 'text/plain': remote write 1.0 requires application/x-protobuf");
    assertUnsupported(post(null, "snappy", body), "missing content type: remote write 1.0 requires application/x-protobuf");
    assertUnsupported(post("application/x-protobuf;proto=io.prometheus.write.v2.Request", "snappy", body),
        "remote write 2.0 (proto=io.prometheus.write.v2.Request) is not supported: send remote write 1.0"
            + " (prometheus.WriteRequest)");
    assertUnsupported(post(PROTO, "gzip", body),
        "unsupported content encoding 'gzip': remote write requires snappy (block format)");
    assertUnsupported(post(PROTO, null, body), "missing content encoding: remote write requires snappy (block format)");
    assertUnsupported(write(body, "X-Prometheus-Remote-Write-Version", "2.0.0"),
        "unsupported X-Prometheus-Remote-Write-Version '2.0.0': this receiver speaks remote write 1.0 (0.1.0)");
    assertThat(servers.stores.metrics.batches).isEmpty();
    assertGoodWriteStillWorks();
  }

  @Test
  void getIsNotAllowed() throws Exception {
    HttpResponse<byte[]> resp = client.send(HttpRequest.newBuilder(uri()).GET().build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(resp.statusCode()).isEqualTo(405);
  }

  // ---- size limits: 413 ----------------------------------------------------------------------

  @Test
  void bodyOverTheLimitIs413() throws Exception {
    double before = outcome("too_large");
    HttpResponse<byte[]> resp = write(new byte[(int) LIMIT + 1]);
    assertThat(resp.statusCode()).isEqualTo(413);
    assertThat(text(resp)).isEqualTo("request body of 1048577 bytes exceeds the limit of 1048576 bytes"
        + " (LOOKOUT_MAX_REQUEST_BYTES): send smaller batches or raise the limit\n");
    assertThat(outcome("too_large") - before).isEqualTo(1);
    assertGoodWriteStillWorks();
  }

  @Test
  void chunkedBodyOverTheLimitIs413() throws Exception {
    byte[] big = new byte[(int) LIMIT + 100_000];
    HttpRequest req = HttpRequest.newBuilder(uri())
        .header("Content-Type", PROTO)
        .header("Content-Encoding", "snappy")
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big)))
        .build();
    HttpResponse<byte[]> resp = client.send(req, HttpResponse.BodyHandlers.ofByteArray());
    assertThat(resp.statusCode()).isEqualTo(413);
    assertThat(text(resp)).startsWith("request body exceeds the limit of 1048576 bytes");
    assertThat(servers.stores.metrics.batches).isEmpty();
    assertGoodWriteStillWorks();
  }

  @Test
  void bodyThatDecompressesPastTheLimitIs413() throws Exception {
    String huge = "x".repeat((int) LIMIT);
    byte[] compressed = snappy(request(series(labels("__name__", "up", "huge", huge), 1, 1000)));
    assertThat(compressed.length).as("small on the wire").isLessThan((int) LIMIT / 4);
    HttpResponse<byte[]> resp = write(compressed);
    assertThat(resp.statusCode()).isEqualTo(413);
    assertThat(text(resp)).startsWith("remote_write body decompresses to ").contains("over the limit of 1048576 bytes");
    assertThat(servers.stores.metrics.batches).isEmpty();
    assertGoodWriteStillWorks();
  }

  // ---- overload and bugs: retryable 5xx / 429 ------------------------------------------------

  @Test
  void overloadedStorageIs503WithRetryAfter() throws Exception {
    servers.stores.metrics.overloaded(7);
    HttpResponse<byte[]> resp = write(snappy(twoSeries()));
    assertThat(resp.statusCode()).isEqualTo(503);
    assertThat(resp.headers().firstValue("retry-after")).hasValue("7");
    assertThat(text(resp)).isEqualTo("indexer is behind: retry later\n");
    servers.stores.metrics.reset();
    assertGoodWriteStillWorks();
  }

  @Test
  void rateLimitedStorageIs429WithRetryAfterOfAtLeastOneSecond() throws Exception {
    servers.stores.metrics.failing(new LookoutException(ErrorCode.RATE_LIMITED, "tenant acme over 10000 samples/s"));
    HttpResponse<byte[]> resp = write(snappy(twoSeries()), "X-Scope-OrgID", "acme");
    assertThat(resp.statusCode()).isEqualTo(429);
    assertThat(resp.headers().firstValue("retry-after")).hasValue("1");
    assertThat(text(resp)).isEqualTo("tenant acme over 10000 samples/s\n");
    servers.stores.metrics.reset();
    assertGoodWriteStillWorks();
  }

  @Test
  void storageBugIs500WithoutDetails() throws Exception {
    servers.stores.metrics.broken();
    HttpResponse<byte[]> resp = write(snappy(twoSeries()));
    assertThat(resp.statusCode()).isEqualTo(500);
    assertThat(resp.headers().firstValue("retry-after")).isEmpty();
    assertThat(text(resp)).isEqualTo("internal error while handling the write; the server logged the cause\n");
    servers.stores.metrics.reset();
    assertGoodWriteStillWorks();
  }

  // ---- helpers -------------------------------------------------------------------------------

  private void assertGoodWriteStillWorks() throws Exception {
    servers.stores.reset();
    assertThat(write(snappy(twoSeries())).statusCode()).isEqualTo(204);
    assertThat(servers.stores.metrics.series()).hasSize(2);
  }

  private static void assertBadData(HttpResponse<byte[]> resp, String messagePart) {
    assertThat(resp.statusCode()).isEqualTo(400);
    assertThat(resp.headers().firstValue("content-type")).hasValue("text/plain; charset=utf-8");
    assertThat(resp.headers().firstValue("retry-after")).isEmpty();
    assertThat(text(resp)).contains(messagePart);
  }

  private static void assertUnsupported(HttpResponse<byte[]> resp, String message) {
    assertThat(resp.statusCode()).isEqualTo(415);
    assertThat(text(resp)).isEqualTo(message + "\n");
  }

  private static String text(HttpResponse<byte[]> resp) {
    return new String(resp.body(), StandardCharsets.UTF_8);
  }

  private double counter(String name, String transportLabel, String transport) {
    return servers.counter(name, "signal", "metrics", transportLabel, transport);
  }

  private double outcome(String outcome) {
    return servers.counter("lookout_ingest_requests_total", "signal", "metrics", "transport", "remote_write",
        "outcome", outcome);
  }

  /** A remote_write request with the headers the specification requires, plus {@code headers}. */
  private HttpResponse<byte[]> write(byte[] body, String... headers) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri()).timeout(Duration.ofSeconds(30))
        .header("Content-Type", PROTO)
        .header("Content-Encoding", "snappy")
        .header("User-Agent", "lookout-test/1.0")
        .header("X-Prometheus-Remote-Write-Version", "0.1.0")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    for (int i = 0; i < headers.length; i += 2) {
      b.setHeader(headers[i], headers[i + 1]);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private HttpResponse<byte[]> post(String contentType, String encoding, byte[] body)
      throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri()).timeout(Duration.ofSeconds(30))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    if (encoding != null) {
      b.header("Content-Encoding", encoding);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private URI uri() {
    return URI.create("http://localhost:" + servers.httpPort() + PATH);
  }
}
