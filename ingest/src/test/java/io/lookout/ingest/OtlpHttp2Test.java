package io.lookout.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.lookout.model.LogRecord;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** OTLP/HTTP over HTTP/2 cleartext (prior knowledge), which the spec allows besides HTTP/1.1. */
class OtlpHttp2Test {
  private TestServers servers;
  private HttpClient h2;

  @BeforeEach
  void start() throws Exception {
    servers = new TestServers(new IngestConfig(1L << 20));
    h2 = servers.vertx.createHttpClient(new HttpClientOptions()
        .setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false));
  }

  @AfterEach
  void stop() throws Exception {
    servers.close();
  }

  record Answer(int status, String contentType, Buffer body, HttpConnection connection) {}

  @Test
  void servesExportsAndKeepsTheConnectionAfterRefusals() throws Exception {
    List<HttpConnection> connections = new ArrayList<>();

    Answer ok = post("application/x-protobuf", Buffer.buffer(Fixtures.logs().toByteArray()));
    assertThat(ok.status()).isEqualTo(200);
    assertThat(ExportLogsServiceResponse.parseFrom(ok.body().getBytes()).hasPartialSuccess()).isFalse();
    connections.add(ok.connection());

    Answer refused = post("text/plain", Buffer.buffer("hello"));
    assertThat(refused.status()).isEqualTo(415);
    connections.add(refused.connection());

    Answer tooLarge = post("application/x-protobuf", Buffer.buffer(new byte[(1 << 20) + 1]));
    assertThat(tooLarge.status()).isEqualTo(413);
    connections.add(tooLarge.connection());

    Answer again = post("application/x-protobuf", Buffer.buffer(Fixtures.logs().toByteArray()));
    assertThat(again.status()).isEqualTo(200);
    connections.add(again.connection());

    assertThat(connections).as("one multiplexed connection throughout").containsOnly(connections.get(0));
    assertThat(servers.stores.logs.all()).extracting(LogRecord::body).containsSequence("payment failed");
  }

  private Answer post(String contentType, Buffer body) throws Exception {
    CompletableFuture<Answer> result = new CompletableFuture<>();
    h2.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("localhost")
            .setPort(servers.httpPort()).setURI("/v1/logs"))
        .onFailure(result::completeExceptionally)
        .onSuccess(req -> {
          req.putHeader("content-type", contentType);
          req.response().onFailure(result::completeExceptionally).onSuccess(resp -> {
            Buffer received = Buffer.buffer();
            resp.handler(received::appendBuffer);
            resp.exceptionHandler(result::completeExceptionally);
            resp.endHandler(v -> result.complete(
                new Answer(resp.statusCode(), resp.getHeader("content-type"), received, req.connection())));
          });
          // the server may answer before the whole body is sent; a reset of our half is fine
          req.end(body);
        });
    return result.get(30, TimeUnit.SECONDS);
  }
}
