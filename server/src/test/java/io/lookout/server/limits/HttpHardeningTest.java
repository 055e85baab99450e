package io.lookout.server.limits;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HttpHardeningTest {
  private final Vertx vertx = Vertx.vertx();
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private HttpServer start(HttpHardening h) throws Exception {
    Router router = Router.router(vertx);
    h.mount(router);
    router.get("/ok").handler(ctx -> ctx.response().end("ok"));
    router.get("/fail").handler(ctx -> ctx.fail(500));
    return vertx.createHttpServer(h.apply(new HttpServerOptions().setPort(0).setHost("localhost")))
        .requestHandler(router).listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private HttpResponse<String> get(HttpServer s, String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + s.actualPort() + path));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void everyResponseCarriesSecurityHeadersAndNoCorsByDefault() throws Exception {
    HttpServer s = start(HttpHardening.fromEnv(Map.of()));
    for (String path : List.of("/ok", "/fail", "/missing")) {
      HttpResponse<String> r = get(s, path, "Origin", "https://evil.example");
      assertThat(r.headers().firstValue("content-security-policy")).hasValue("default-src 'self'; frame-ancestors 'none'");
      assertThat(r.headers().firstValue("x-content-type-options")).hasValue("nosniff");
      assertThat(r.headers().firstValue("referrer-policy")).hasValue("no-referrer");
      assertThat(r.headers().firstValue("x-frame-options")).hasValue("DENY");
      assertThat(r.headers().map().keySet()).noneMatch(k -> k.toLowerCase().startsWith("access-control-"));
    }
  }

  @Test
  void corsAnswersOnlyTheConfiguredOrigins() throws Exception {
    HttpServer s = start(HttpHardening.fromEnv(Map.of("LOOKOUT_CORS_ORIGINS", "https://grafana.example")));
    assertThat(get(s, "/ok", "Origin", "https://grafana.example").headers().firstValue("access-control-allow-origin"))
        .hasValue("https://grafana.example");
    assertThat(get(s, "/ok", "Origin", "https://evil.example").headers().firstValue("access-control-allow-origin"))
        .isEmpty();
  }

  @Test
  void aClientThatStallsInTheMiddleOfItsHeadersIsCut() throws Exception {
    HttpServer s = start(new HttpHardening(Duration.ofSeconds(1), List.of()));
    try (Socket socket = new Socket("localhost", s.actualPort())) {
      socket.setSoTimeout(30_000); // hang detector, not a timing threshold
      OutputStream out = socket.getOutputStream();
      out.write("GET /ok HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      assertThat(in.read()).isEqualTo(-1); // the server closed the connection; the headers never completed
    }
    assertThat(get(s, "/ok").body()).isEqualTo("ok");
  }

  @Test
  void oversizedHeadersAreRefusedNot500() throws Exception {
    HttpServer s = start(HttpHardening.fromEnv(Map.of()));
    HttpResponse<String> r = get(s, "/ok", "X-Big", "x".repeat(40_000));
    assertThat(r.statusCode()).isBetween(400, 499);
  }
}
