package io.lookout.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.lookout.ingest.IngestLimitsTest.MapLimits;
import io.lookout.ingest.metrics.OtlpToPrometheus;
import io.lookout.ingest.metrics.SpanMetrics;
import io.lookout.model.limits.TenantLimits;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Per-tenant ingest limits through the real receivers: 429 / RESOURCE_EXHAUSTED for one tenant, others unaffected. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IngestLimitsReceiverTest {
  private final Vertx vertx = Vertx.vertx();
  private final MemoryStores stores = new MemoryStores();
  private final MapLimits limits = new MapLimits(Map.of(
      // one record per hour: the first request empties the bucket, every later one is refused
      "greedy", IngestLimitsTest.rate(1.0 / 3600, 0, 0),
      "series", IngestLimitsTest.rate(0, 0, 1)));
  private HttpServer http;
  private HttpServer grpc;
  private SpanMetrics spanMetrics;
  private HttpClientAgent h2;
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  void start() throws Exception {
    PrometheusRegistry registry = new PrometheusRegistry();
    IngestConfig config = new IngestConfig(4 << 20, Duration.ZERO, 100);
    OtlpToPrometheus translator = new OtlpToPrometheus(OtlpToPrometheus.Options.DEFAULTS, registry);
    spanMetrics = SpanMetrics.disabled();
    IngestLimits shared = new IngestLimits(limits);
    OtlpHttpReceiver httpReceiver = new OtlpHttpReceiver(
        vertx, stores.logs, stores.spans, stores.metrics, translator, spanMetrics, config, registry).limits(shared);
    OtlpGrpcReceiver grpcReceiver = new OtlpGrpcReceiver(
        vertx, stores.logs, stores.spans, stores.metrics, translator, spanMetrics, config, registry).limits(shared);
    Router router = Router.router(vertx);
    httpReceiver.mount(router);
    new RemoteWriteReceiver(vertx, stores.metrics, config, registry).limits(shared).mount(router);
    http = vertx.createHttpServer(OtlpHttpReceiver.serverOptions(0)).requestHandler(router)
        .listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    grpc = vertx.createHttpServer(OtlpGrpcReceiver.serverOptions(0)).requestHandler(grpcReceiver.grpcServer())
        .listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    h2 = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
        .setHttp2ClearTextUpgrade(false));
  }

  @AfterAll
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void tenantOverItsRateGets429WithRetryAfterWhileOthersIngest() throws Exception {
    byte[] logs = Fixtures.logs().toByteArray();
    post("/v1/logs", "application/x-protobuf", logs, "greedy"); // empties the bucket (if another test has not)
    HttpResponse<byte[]> refused = post("/v1/logs", "application/x-protobuf", logs, "greedy");
    assertThat(refused.statusCode()).isEqualTo(429);
    assertThat(refused.headers().firstValue("retry-after")).isPresent();
    StatusBody status = StatusBody.fromProtobuf(refused.body());
    assertThat(status.code()).isEqualTo(8); // RESOURCE_EXHAUSTED
    assertThat(status.retryDelaySeconds()).isPositive();
    assertThat(status.message()).contains("ingest_records_per_second").contains("LOOKOUT_LIMIT_INGEST_RECORDS_PER_SECOND");

    HttpResponse<byte[]> json = post("/v1/logs", "application/json", Fixtures.logsJson().getBytes(), "greedy");
    assertThat(json.statusCode()).isEqualTo(429);
    assertThat(new String(json.body())).contains("RetryInfo");

    for (int i = 0; i < 5; i++) {
      assertThat(post("/v1/logs", "application/x-protobuf", logs, "modest").statusCode()).isEqualTo(200);
    }
    assertThat(limits.exceeded).contains("greedy/ingest_records_per_second").noneMatch(s -> s.startsWith("modest"));
  }

  @Test
  void grpcThrottlingIsResourceExhaustedWithRetryInfo() throws Exception {
    byte[] spans = Fixtures.spans().toByteArray();
    grpcCall("/opentelemetry.proto.collector.trace.v1.TraceService/Export", spans, "greedy"); // may pass or not
    MultiMap status = grpcCall("/opentelemetry.proto.collector.trace.v1.TraceService/Export", spans, "greedy");
    assertThat(status.get("grpc-status")).isEqualTo("8");
    StatusBody details = StatusBody.fromProtobuf(Base64.getDecoder().decode(status.get("grpc-status-details-bin")));
    assertThat(details.retryDelaySeconds()).isPositive();
    assertThat(grpcCall("/opentelemetry.proto.collector.trace.v1.TraceService/Export", spans, "modest")
        .get("grpc-status")).isEqualTo("0");
  }

  @Test
  void remoteWriteOverTheActiveSeriesLimitKeepsKnownSeriesAndAnswers400() throws Exception {
    byte[] first = RemoteWrite.snappy(RemoteWrite.request(
        RemoteWrite.series(RemoteWrite.labels("__name__", "up", "job", "a"), 1, 1000)));
    assertThat(remoteWrite(first, "series").statusCode()).isEqualTo(204);
    byte[] two = RemoteWrite.snappy(RemoteWrite.request(
        RemoteWrite.series(RemoteWrite.labels("__name__", "up", "job", "a"), 1, 2000),
        RemoteWrite.series(RemoteWrite.labels("__name__", "up", "job", "b"), 1, 2000)));
    HttpResponse<byte[]> resp = remoteWrite(two, "series");
    assertThat(resp.statusCode()).isEqualTo(400);
    assertThat(new String(resp.body())).contains("max_active_series of 1 series").contains("rejected 1 samples");
    assertThat(stores.metrics.batches).filteredOn(b -> b.tenant().equals("series"))
        .flatMap(b -> b.batch().series()).extracting(s -> s.labels().get("job")).containsOnly("a");
  }

  @Test
  void remoteWriteWithTooManyLabelsIs400NamingTheBound() throws Exception {
    String[] labels = new String[2 * 70];
    labels[0] = "__name__";
    labels[1] = "wide";
    for (int i = 1; i < 70; i++) {
      labels[2 * i] = String.format("l%03d", i);
      labels[2 * i + 1] = "v";
    }
    HttpResponse<byte[]> resp = remoteWrite(RemoteWrite.snappy(RemoteWrite.request(RemoteWrite.series(labels, 1, 1000))),
        "modest");
    assertThat(resp.statusCode()).isEqualTo(400);
    assertThat(new String(resp.body())).contains("70 labels").contains("limit of 64");
    String longValue = "x".repeat(5000);
    resp = remoteWrite(RemoteWrite.snappy(RemoteWrite.request(RemoteWrite.series(
        RemoteWrite.labels("__name__", "m", "big", longValue), 1, 1000))), "modest");
    assertThat(resp.statusCode()).isEqualTo(400);
    assertThat(new String(resp.body())).contains("limit of 4096");
  }

  private HttpResponse<byte[]> post(String path, String type, byte[] body, String tenant) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create("http://localhost:" + http.actualPort() + path))
        .header("Content-Type", type).header("X-Scope-OrgID", tenant)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private HttpResponse<byte[]> remoteWrite(byte[] body, String tenant) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create("http://localhost:" + http.actualPort() + RemoteWriteReceiver.PATH))
        .header("Content-Type", "application/x-protobuf").header("Content-Encoding", "snappy")
        .header("X-Scope-OrgID", tenant)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  /** A unary gRPC call; returns the status metadata (trailers, or headers of a trailers-only answer). */
  private MultiMap grpcCall(String path, byte[] message, String tenant) throws Exception {
    CompletableFuture<MultiMap> result = new CompletableFuture<>();
    Buffer frame = Buffer.buffer().appendByte((byte) 0).appendInt(message.length).appendBytes(message);
    h2.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("localhost").setPort(grpc.actualPort())
            .setURI(path))
        .onFailure(result::completeExceptionally)
        .onSuccess(req -> {
          req.putHeader("content-type", "application/grpc").putHeader("te", "trailers")
              .putHeader("x-scope-orgid", tenant);
          req.response().onFailure(result::completeExceptionally).onSuccess(resp -> {
            resp.handler(b -> {});
            resp.endHandler(v -> result.complete(resp.trailers().contains("grpc-status") ? resp.trailers()
                : resp.headers()));
          });
          req.end(frame);
        });
    return result.get(30, TimeUnit.SECONDS);
  }
}
