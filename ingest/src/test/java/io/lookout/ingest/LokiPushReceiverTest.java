package io.lookout.ingest;

import static io.lookout.ingest.loki.LokiBodies.pushRequest;
import static io.lookout.ingest.loki.LokiBodies.snappy;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lookout.ingest.loki.LokiBodies.Entry;
import io.lookout.ingest.loki.LokiBodies.Stream;
import io.lookout.model.LogRecord;
import io.lookout.model.LookoutException;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The Loki push API over real HTTP/1.1: formats, status codes, tenants, limits, metrics. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LokiPushReceiverTest {
  static final long LIMIT = 64 * 1024;
  static final ObjectMapper JSON = new ObjectMapper();
  static final String BODY = """
      {"streams":[{"stream":{"service_name":"cart","level":"info","region":"eu"},
        "values":[["1764151200000000001","added item",{"trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","sku":"a1"}],
                  ["1764151200000000002","checked out"]]}]}""";

  private final Vertx vertx = Vertx.vertx();
  private final MemoryStores stores = new MemoryStores();
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final IngestLimitsTest.MapLimits limits =
      new IngestLimitsTest.MapLimits(Map.of("greedy", IngestLimitsTest.rate(1.0 / 3600, 0, 0)));
  private HttpServer server;
  private HttpClient client;

  /** Bearer tokens: "acme-ingest" writes to acme, "acme-viewer" has no ingest role; others are invalid. */
  static final IngestAuth AUTH = (authorization, orgId) -> {
    if (authorization == null) {
      return IngestAuth.TRUST_ORG_ID.authenticate(null, orgId);
    }
    return switch (authorization) {
      case "Bearer acme-ingest" -> IngestAuth.Result.ok("acme");
      case "Bearer acme-viewer" -> IngestAuth.Result.forbidden("credential 'viewer' lacks role ingest");
      default -> IngestAuth.Result.unauthenticated("invalid bearer token");
    };
  };

  @BeforeAll
  void start() throws Exception {
    Router router = Router.router(vertx);
    new LokiPushReceiver(vertx, stores.logs, new IngestConfig(LIMIT), registry, AUTH)
        .limits(new IngestLimits(limits))
        .mount(router);
    server = vertx.createHttpServer().requestHandler(router).listen(0)
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
  }

  @AfterAll
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @BeforeEach
  void reset() {
    stores.reset();
  }

  HttpResponse<String> push(byte[] body, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort()
        + LokiPushReceiver.PATH)).timeout(Duration.ofSeconds(20)).POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** The error envelope of a refused push; asserts its shape. */
  static String error(HttpResponse<String> resp, String errorType) throws Exception {
    assertThat(resp.headers().firstValue("content-type")).hasValue("application/json");
    JsonNode j = JSON.readTree(resp.body());
    assertThat(j.get("status").asText()).isEqualTo("error");
    assertThat(j.get("errorType").asText()).isEqualTo(errorType);
    return j.get("error").asText();
  }

  double counter(String name, String... labels) {
    String base = name.substring(0, name.length() - "_total".length());
    var wanted = io.prometheus.metrics.model.snapshots.Labels.of(labels);
    for (var s : registry.scrape()) {
      if (s.getMetadata().getName().equals(base)) {
        for (var p : ((io.prometheus.metrics.model.snapshots.CounterSnapshot) s).getDataPoints()) {
          if (p.getLabels().equals(wanted)) {
            return p.getValue();
          }
        }
      }
    }
    return 0;
  }

  // ---- formats -------------------------------------------------------------------------------

  @Test
  void jsonIsStoredForTheOrgIdTenantAndAnsweredWith204() throws Exception {
    double before = counter("lookout_ingest_records_total", "signal", "logs", "transport", "loki");
    double ok = counter("lookout_ingest_requests_total", "signal", "logs", "transport", "loki", "outcome", "success");
    double bytes = counter("lookout_ingest_bytes_total", "signal", "logs", "transport", "loki");

    HttpResponse<String> resp = push(utf8(BODY), "Content-Type", "application/json; charset=utf-8",
        "X-Scope-OrgID", "acme");

    assertThat(resp.statusCode()).isEqualTo(204);
    assertThat(resp.body()).isEmpty();
    assertThat(stores.logs.batches).singleElement().satisfies(b -> assertThat(b.tenant()).isEqualTo("acme"));
    List<LogRecord> rs = stores.logs.all();
    assertThat(rs).extracting(LogRecord::body).containsExactly("added item", "checked out");
    LogRecord first = rs.get(0);
    assertThat(first.service()).isEqualTo("cart");
    assertThat(first.severityNumber()).isEqualTo(9);
    assertThat(first.severityText()).isEqualTo("INFO");
    assertThat(first.resource()).isEqualTo(Map.of("service_name", "cart", "level", "info", "region", "eu"));
    assertThat(first.attributes()).containsEntry("sku", "a1");
    assertThat(first.traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(counter("lookout_ingest_records_total", "signal", "logs", "transport", "loki") - before).isEqualTo(2);
    assertThat(counter("lookout_ingest_requests_total", "signal", "logs", "transport", "loki", "outcome", "success") - ok)
        .isEqualTo(1);
    assertThat(counter("lookout_ingest_bytes_total", "signal", "logs", "transport", "loki") - bytes)
        .isEqualTo(utf8(BODY).length);
  }

  @Test
  void gzipJsonIsInflated() throws Exception {
    HttpResponse<String> resp = push(Gzip.of(utf8(BODY)), "Content-Type", "application/json", "Content-Encoding", "gzip");
    assertThat(resp.statusCode()).isEqualTo(204);
    assertThat(stores.logs.batches).singleElement().satisfies(b -> assertThat(b.tenant()).isEqualTo("default"));
    assertThat(stores.logs.all()).hasSize(2);
  }

  @Test
  void snappyProtobufWithAndWithoutContentType() throws Exception {
    byte[] body = snappy(pushRequest(new Stream("{app=\"api\", level=\"ERROR\"}",
        new Entry(1764151200, 7, "crash", Map.of("span_id", "00f067aa0ba902b7")))));
    assertThat(push(body, "Content-Type", "application/x-protobuf", "X-Scope-OrgID", "acme").statusCode()).isEqualTo(204);
    assertThat(push(body).statusCode()).as("Promtail sends no content type").isEqualTo(204);
    assertThat(push(body, "Content-Type", "application/x-protobuf", "Content-Encoding", "snappy").statusCode())
        .isEqualTo(204);
    assertThat(stores.logs.batches).extracting(MemoryStores.Batch::tenant).containsExactly("acme", "default", "default");
    LogRecord r = stores.logs.all().get(0);
    assertThat(r.timestampNanos()).isEqualTo(1764151200_000000007L);
    assertThat(r.service()).isEqualTo("api");
    assertThat(r.severityNumber()).isEqualTo(17);
    assertThat(r.spanId()).isEqualTo("00f067aa0ba902b7");
  }

  @Test
  void emptyPushIs204WithoutTouchingStorage() throws Exception {
    assertThat(push(new byte[0]).statusCode()).isEqualTo(204);
    assertThat(push(snappy(new byte[0]), "Content-Type", "application/x-protobuf").statusCode()).isEqualTo(204);
    assertThat(push(utf8("{\"streams\":[]}"), "Content-Type", "application/json").statusCode()).isEqualTo(204);
    assertThat(stores.logs.batches).isEmpty();
  }

  // ---- bad input -----------------------------------------------------------------------------

  @Test
  void badInputsAre400WithAMessage() throws Exception {
    List<String[]> cases = List.of(
        new String[] {"application/json", "{\"streams\":[{\"stream\":{\"a\":\"b\"},\"values\":[[\"x\",\"l\"]]}]}",
            "invalid timestamp 'x' of entry 0 of stream 0"},
        new String[] {"application/json", "{\"streams\":", "invalid JSON push body"},
        new String[] {"application/json", "{\"streams\":[{\"stream\":{\"a.b\":\"c\"}}]}", "invalid label name 'a.b'"},
        new String[] {"application/x-protobuf", "not snappy at all", "invalid snappy body"});
    List<String> wrong = new ArrayList<>();
    double before = counter("lookout_ingest_requests_total", "signal", "logs", "transport", "loki", "outcome", "bad_data");
    for (String[] c : cases) {
      HttpResponse<String> resp = push(utf8(c[1]), "Content-Type", c[0]);
      if (resp.statusCode() != 400 || !error(resp, "bad_data").contains(c[2])) {
        wrong.add(c[1] + " -> " + resp.statusCode() + " " + resp.body());
      }
    }
    assertThat(wrong).isEmpty();
    byte[] badLabels = snappy(pushRequest(new Stream("{a=\"1\"}", new Entry(1, 0, "x")),
        new Stream("{app=\"x\", app=\"y\"}", new Entry(1, 0, "y"))));
    HttpResponse<String> resp = push(badLabels, "Content-Type", "application/x-protobuf");
    assertThat(resp.statusCode()).isEqualTo(400);
    assertThat(error(resp, "bad_data")).startsWith("invalid labels of stream 1: duplicate label name 'app'");
    assertThat(stores.logs.batches).as("nothing of a bad request is stored").isEmpty();
    assertThat(counter("lookout_ingest_requests_total", "signal", "logs", "transport", "loki", "outcome", "bad_data")
        - before).isEqualTo(5);
  }

  @Test
  void unsupportedContentTypeAndEncodingAre415() throws Exception {
    HttpResponse<String> type = push(utf8("hello"), "Content-Type", "text/plain");
    assertThat(type.statusCode()).isEqualTo(415);
    assertThat(error(type, "bad_data")).contains("unsupported content type 'text/plain'")
        .contains("application/x-protobuf").contains("application/json");
    HttpResponse<String> enc = push(utf8(BODY), "Content-Type", "application/json", "Content-Encoding", "br");
    assertThat(enc.statusCode()).isEqualTo(415);
    assertThat(error(enc, "bad_data")).contains("unsupported content encoding 'br'");
  }

  @Test
  void tooLargeBodiesAre413BeforeAndAfterDecompression() throws Exception {
    HttpResponse<String> received = push(new byte[(int) LIMIT + 1], "Content-Type", "application/json");
    assertThat(received.statusCode()).isEqualTo(413);
    assertThat(error(received, "too_large")).contains(Long.toString(LIMIT));
    byte[] big = utf8("{\"streams\":[{\"stream\":{\"a\":\"b\"},\"values\":[[\"1\",\"" + "x".repeat((int) LIMIT) + "\"]]}]}");
    assertThat(push(Gzip.of(big), "Content-Type", "application/json", "Content-Encoding", "gzip").statusCode())
        .isEqualTo(413);
    assertThat(push(snappy(new byte[(int) LIMIT + 1]), "Content-Type", "application/x-protobuf").statusCode())
        .isEqualTo(413);
    assertThat(stores.logs.batches).isEmpty();
  }

  @Test
  void invalidTenantIs400() throws Exception {
    HttpResponse<String> resp = push(utf8(BODY), "Content-Type", "application/json", "X-Scope-OrgID", "../etc");
    assertThat(resp.statusCode()).isEqualTo(400);
    assertThat(error(resp, "bad_data")).contains("invalid tenant id in X-Scope-OrgID");
  }

  // ---- storage answers, limits, auth ---------------------------------------------------------

  @Test
  void entriesRejectedByStorageAre400AndTheRestIsKept() throws Exception {
    stores.logs.rejecting(1, "1 record older than the retention");
    HttpResponse<String> resp = push(utf8(BODY), "Content-Type", "application/json");
    assertThat(resp.statusCode()).isEqualTo(400);
    assertThat(error(resp, "bad_data")).isEqualTo("stored 1 entries, rejected 1: 1 record older than the retention");
  }

  @Test
  void overloadIs503AndRateLimitIs429WithRetryAfter() throws Exception {
    stores.logs.overloaded(7);
    HttpResponse<String> overloaded = push(utf8(BODY), "Content-Type", "application/json");
    assertThat(overloaded.statusCode()).isEqualTo(503);
    assertThat(overloaded.headers().firstValue("Retry-After")).hasValue("7");
    assertThat(error(overloaded, "unavailable")).contains("indexer is behind");

    stores.logs.reset();
    assertThat(push(utf8(BODY), "Content-Type", "application/json", "X-Scope-OrgID", "greedy").statusCode())
        .as("a full bucket admits the first request").isEqualTo(204);
    HttpResponse<String> limited = push(utf8(BODY), "Content-Type", "application/json", "X-Scope-OrgID", "greedy");
    assertThat(limited.statusCode()).isEqualTo(429);
    assertThat(limited.headers().firstValue("Retry-After")).isPresent();
    assertThat(error(limited, "unavailable")).contains("tenant 'greedy' is over its ingest limit ingest_records_per_second");
    assertThat(limits.exceeded).contains("greedy/ingest_records_per_second");
    assertThat(push(utf8(BODY), "Content-Type", "application/json", "X-Scope-OrgID", "modest").statusCode())
        .as("other tenants are not limited").isEqualTo(204);
  }

  @Test
  void storageBugIs500WithoutDetails() throws Exception {
    stores.logs.broken();
    HttpResponse<String> resp = push(utf8(BODY), "Content-Type", "application/json");
    assertThat(resp.statusCode()).isEqualTo(500);
    assertThat(error(resp, "internal")).doesNotContain("simulated");
  }

  @Test
  void theCredentialDecidesTheTenantAndBadCredentialsAreRefused() throws Exception {
    assertThat(push(utf8(BODY), "Content-Type", "application/json", "Authorization", "Bearer acme-ingest",
        "X-Scope-OrgID", "other").statusCode()).isEqualTo(204);
    assertThat(stores.logs.batches).singleElement().satisfies(b -> assertThat(b.tenant()).isEqualTo("acme"));

    HttpResponse<String> invalid = push(utf8(BODY), "Content-Type", "application/json", "Authorization", "Bearer nope");
    assertThat(invalid.statusCode()).isEqualTo(401);
    assertThat(invalid.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"lookout\"");
    assertThat(error(invalid, "unauthorized")).isEqualTo("invalid bearer token");

    HttpResponse<String> viewer = push(utf8(BODY), "Content-Type", "application/json", "Authorization",
        "Bearer acme-viewer");
    assertThat(viewer.statusCode()).isEqualTo(403);
    assertThat(error(viewer, "forbidden")).contains("lacks role ingest");
    assertThat(stores.logs.batches).hasSize(1);
  }

  @Test
  void failingStoreWithTimeoutIsRetryable() throws Exception {
    stores.logs.failing(new LookoutException(io.lookout.model.ErrorCode.TIMEOUT, "wal fsync timed out"));
    HttpResponse<String> resp = push(utf8(BODY), "Content-Type", "application/json");
    assertThat(resp.statusCode()).isEqualTo(503);
    assertThat(resp.headers().firstValue("Retry-After")).hasValue("1");
  }
}
