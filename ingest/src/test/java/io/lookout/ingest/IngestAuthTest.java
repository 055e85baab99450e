package io.lookout.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The {@link IngestAuth} hook on every receiver: the tenant comes from it, refusals keep each protocol's shape. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IngestAuthTest {
  static final IngestAuth AUTH = (authorization, orgId) -> {
    if ("Bearer good".equals(authorization)) {
      return IngestAuth.Result.ok("from-token");
    }
    if ("Bearer reader".equals(authorization)) {
      return IngestAuth.Result.forbidden("this token has role viewer: sending data needs role ingest");
    }
    return IngestAuth.Result.unauthenticated("missing or invalid bearer token");
  };

  private TestServers servers;
  private HttpClient h2;
  private final java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();

  @BeforeAll
  void start() throws Exception {
    servers = new TestServers(new IngestConfig(1L << 20), AUTH);
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

  @Test
  void otlpHttpTakesTheTenantFromTheHookAndIgnoresAForgedOrgId() throws Exception {
    HttpResponse<byte[]> r = post("/v1/logs", "application/x-protobuf", Fixtures.logs().toByteArray(),
        "Authorization", "Bearer good", "X-Scope-OrgID", "victim");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(servers.stores.logs.batches).extracting(MemoryStores.Batch::tenant).containsOnly("from-token");
  }

  @Test
  void otlpHttpWithoutCredentialsIs401WithAnUnauthenticatedStatus() throws Exception {
    HttpResponse<byte[]> r = post("/v1/logs", "application/x-protobuf", Fixtures.logs().toByteArray());
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"lookout\"");
    StatusBody status = StatusBody.fromProtobuf(r.body());
    assertThat(status.code()).isEqualTo(16);
    assertThat(status.message()).contains("bearer token");
    assertThat(servers.stores.logs.batches).isEmpty();

    HttpResponse<byte[]> json = post("/v1/traces", "application/json", "{}".getBytes(), "Authorization", "Bearer nope");
    assertThat(json.statusCode()).isEqualTo(401);
    assertThat(StatusBody.fromJson(json.body()).code()).isEqualTo(16);
  }

  @Test
  void otlpHttpWithANonIngestCredentialIs403() throws Exception {
    HttpResponse<byte[]> r = post("/v1/metrics", "application/x-protobuf", new byte[0], "Authorization", "Bearer reader");
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(StatusBody.fromProtobuf(r.body()).code()).isEqualTo(7);
  }

  @Test
  void grpcRefusesWithUnauthenticatedAndPermissionDenied() throws Exception {
    byte[] msg = Fixtures.logs().toByteArray();
    assertThat(grpcStatus(msg)).isEqualTo("16");
    assertThat(grpcStatus(msg, "authorization", "Bearer reader")).isEqualTo("7");
    assertThat(servers.stores.logs.batches).isEmpty();
    assertThat(grpcStatus(msg, "authorization", "Bearer good", "x-scope-orgid", "victim")).isEqualTo("0");
    assertThat(servers.stores.logs.batches).extracting(MemoryStores.Batch::tenant).containsOnly("from-token");
  }

  @Test
  void remoteWriteRefusesWith401And403() throws Exception {
    byte[] body = RemoteWrite.snappy(RemoteWrite.request(
        RemoteWrite.series(RemoteWrite.labels("__name__", "up"), 1, System.currentTimeMillis())));
    String[] headers = {"Content-Encoding", "snappy"};
    assertThat(post(RemoteWriteReceiver.PATH, "application/x-protobuf", body, headers).statusCode()).isEqualTo(401);
    assertThat(post(RemoteWriteReceiver.PATH, "application/x-protobuf", body, "Content-Encoding", "snappy",
        "Authorization", "Bearer reader").statusCode()).isEqualTo(403);
    assertThat(servers.stores.metrics.batches).isEmpty();
    assertThat(post(RemoteWriteReceiver.PATH, "application/x-protobuf", body, "Content-Encoding", "snappy",
        "Authorization", "Bearer good", "X-Scope-OrgID", "victim").statusCode()).isEqualTo(204);
    assertThat(servers.stores.metrics.batches).extracting(MemoryStores.MetricBatch::tenant).containsOnly("from-token");
  }

  private HttpResponse<byte[]> post(String path, String contentType, byte[] body, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + servers.httpPort() + path))
        .header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private String grpcStatus(byte[] message, String... metadata) throws Exception {
    CompletableFuture<String> result = new CompletableFuture<>();
    Buffer frame = Buffer.buffer().appendByte((byte) 0).appendInt(message.length).appendBytes(message);
    h2.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("localhost").setPort(servers.grpcPort())
            .setURI("/opentelemetry.proto.collector.logs.v1.LogsService/Export"))
        .onFailure(result::completeExceptionally)
        .onSuccess(req -> {
          req.putHeader("content-type", "application/grpc").putHeader("te", "trailers");
          for (int i = 0; i < metadata.length; i += 2) {
            req.putHeader(metadata[i], metadata[i + 1]);
          }
          req.response().onFailure(result::completeExceptionally).onSuccess(resp -> {
            resp.handler(b -> { });
            resp.endHandler(v -> result.complete(resp.trailers().contains("grpc-status")
                ? resp.trailers().get("grpc-status") : resp.headers().get("grpc-status")));
          });
          req.end(frame).onFailure(result::completeExceptionally);
        });
    return result.get(30, TimeUnit.SECONDS);
  }
}
