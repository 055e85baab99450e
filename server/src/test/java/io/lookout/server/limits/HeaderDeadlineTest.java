package io.lookout.server.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Slow request heads on real sockets: the header deadline is 1 s and the idle timeout 60 s, so a
 * connection closed while the client trickles a byte every 200 ms was closed by the deadline.
 */
class HeaderDeadlineTest {
  private static final Duration DEADLINE = Duration.ofSeconds(1);
  private static final HttpHardening HARDENING = new HttpHardening(Duration.ofSeconds(60), DEADLINE, List.of());

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final HeaderDeadline deadline = new HeaderDeadline(HARDENING, registry);
  private final Vertx vertx = deadline.newVertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private HttpServer start(boolean h2c) throws Exception {
    HttpServerOptions options = HARDENING.apply(new HttpServerOptions().setPort(0).setHost("localhost")
        .setHttp2ClearTextEnabled(h2c));
    return deadline.install(vertx.createHttpServer(options))
        .requestHandler(req -> req.body().onSuccess(b -> req.response().end("ok " + b.length())))
        .listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** Writes {@code text} a byte every 200 ms until the server closes the connection. */
  private static Thread trickle(Socket socket, String text) {
    Thread t = Thread.ofVirtual().start(() -> {
      try {
        OutputStream out = socket.getOutputStream();
        for (byte b : text.getBytes(StandardCharsets.US_ASCII)) {
          out.write(b);
          out.flush();
          Thread.sleep(200); // the attack's pace, not a wait for a result
        }
      } catch (IOException | InterruptedException e) {
        // closed by the server: expected
      }
    });
    return t;
  }

  private static final String SLOW_HEAD = "GET /ok HTTP/1.1\r\nHost: x\r\n" + "X-Padding: abcdefghij\r\n".repeat(100);

  /** True when the server closed the connection (end of stream or reset) before the hang detector. */
  private static boolean closedByServer(Socket socket) throws IOException {
    socket.setSoTimeout(30_000); // hang detector, well below the 60 s idle timeout; not a timing threshold
    try {
      InputStream in = socket.getInputStream();
      while (in.read() != -1) {
        // a response (none expected) or the end of the stream
      }
      return true;
    } catch (java.net.SocketTimeoutException e) {
      return false;
    } catch (IOException reset) {
      return true;
    }
  }

  @ParameterizedTest(name = "h2c {0}")
  @ValueSource(booleans = {true, false})
  void aClientTricklingItsFirstHeadIsCutLongBeforeTheIdleTimeout(boolean h2c) throws Exception {
    HttpServer s = start(h2c);
    try (Socket socket = new Socket("localhost", s.actualPort())) {
      Thread attacker = trickle(socket, SLOW_HEAD);
      assertThat(closedByServer(socket)).isTrue();
      attacker.join();
    }
    assertThat(timeouts()).isEqualTo(1);
  }

  @Test
  void aSilentClientIsCutAtTheDeadlineAfterAccept() throws Exception {
    HttpServer s = start(true);
    try (Socket socket = new Socket("localhost", s.actualPort())) {
      assertThat(closedByServer(socket)).isTrue();
    }
    assertThat(timeouts()).isEqualTo(1);
  }

  @Test
  void keepAliveRequestsAreUnaffectedAndAnIdleConnectionIsLeftToTheIdleTimeout() throws Exception {
    HttpServer s = start(true);
    try (Socket socket = new Socket("localhost", s.actualPort())) {
      socket.setSoTimeout(30_000);
      for (int i = 0; i < 3; i++) {
        assertThat(exchange(socket, "POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc")).endsWith("ok 3");
      }
      // Idle between requests: wait until a later connection's deadline has passed and cut it
      try (Socket slow = new Socket("localhost", s.actualPort())) {
        trickle(slow, SLOW_HEAD);
        assertThat(closedByServer(slow)).isTrue();
      }
      assertThat(exchange(socket, "GET /y HTTP/1.1\r\nHost: x\r\n\r\n")).endsWith("ok 0");

      // The next head arrives slowly on the kept-alive connection: its deadline runs from its first byte
      trickle(socket, SLOW_HEAD);
      assertThat(closedByServer(socket)).isTrue();
    }
    assertThat(timeouts()).isEqualTo(2);
  }

  /** The head deadline stops at the head; the body has its own rate check (10 s grace here). */
  @Test
  void aBodyThatStartsAfterTheHeadDeadlineIsNotCutByIt() throws Exception {
    HttpServer s = start(true);
    try (Socket socket = new Socket("localhost", s.actualPort())) {
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 8\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      AtomicBoolean cut = new AtomicBoolean();
      try (Socket slow = new Socket("localhost", s.actualPort())) {
        trickle(slow, SLOW_HEAD);
        cut.set(closedByServer(slow));
      }
      assertThat(cut).isTrue();
      out.write("abcdefgh".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      assertThat(readResponse(socket.getInputStream())).endsWith("ok 8");
    }
  }

  @Test
  void http2PriorKnowledgeConnectionsAreNotTimedAfterTheirPreface() throws Exception {
    HttpServer s = start(true);
    HttpClientAgent h2 = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
        .setHttp2ClearTextUpgrade(false).setKeepAliveTimeout(120).setHttp2KeepAliveTimeout(120));
    HttpConnection first = h2Get(h2, s.actualPort());
    try (Socket slow = new Socket("localhost", s.actualPort())) {
      trickle(slow, SLOW_HEAD);
      assertThat(closedByServer(slow)).isTrue(); // a deadline has passed since the HTTP/2 connection opened
    }
    assertThat(h2Get(h2, s.actualPort())).as("same connection, still open").isSameAs(first);
    assertThat(timeouts()).isEqualTo(1);
  }

  @Test
  void theHeaderTimeoutIsValidatedLikeTheIdleTimeout() {
    assertThat(HttpHardening.fromEnv(Map.of()).headerTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(HttpHardening.fromEnv(Map.of("LOOKOUT_HTTP_HEADER_TIMEOUT", "2s")).headerTimeout())
        .isEqualTo(Duration.ofSeconds(2));
    assertThatThrownBy(() -> HttpHardening.fromEnv(Map.of("LOOKOUT_HTTP_HEADER_TIMEOUT", "500ms")))
        .hasMessage("LOOKOUT_HTTP_HEADER_TIMEOUT must be at least 1s, got 500ms");
    assertThatThrownBy(() -> HttpHardening.fromEnv(Map.of("LOOKOUT_HTTP_HEADER_TIMEOUT", "soon")))
        .hasMessageContaining("invalid LOOKOUT_HTTP_HEADER_TIMEOUT 'soon'");
  }

  private HttpConnection h2Get(HttpClientAgent client, int port) throws Exception {
    CompletableFuture<HttpConnection> done = new CompletableFuture<>();
    client.request(new RequestOptions().setMethod(HttpMethod.GET).setHost("localhost").setPort(port).setURI("/h2"))
        .compose(req -> req.send().compose(resp -> resp.body().map(b -> {
          assertThat(resp.version()).isEqualTo(HttpVersion.HTTP_2);
          assertThat(b.toString()).isEqualTo("ok 0");
          return req.connection();
        })))
        .onComplete((c, err) -> {
          if (err != null) {
            done.completeExceptionally(err);
          } else {
            done.complete(c);
          }
        });
    return done.get(30, TimeUnit.SECONDS);
  }

  /** Sends a request in one write and reads one response with a body of known length. */
  private static String exchange(Socket socket, String request) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(request.getBytes(StandardCharsets.US_ASCII));
    out.flush();
    return readResponse(socket.getInputStream());
  }

  static String readResponse(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("closed after " + head.toString(StandardCharsets.US_ASCII));
      }
      head.write(b);
    }
    String h = head.toString(StandardCharsets.US_ASCII);
    int length = 0;
    for (String line : h.split("\r\n")) {
      if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).trim());
      }
    }
    byte[] body = in.readNBytes(length);
    return h + new String(body, StandardCharsets.US_ASCII);
  }

  /** Counted before the close, so final once a client has seen the close. */
  private double timeouts() {
    for (MetricSnapshot s : registry.scrape()) {
      if (s.getMetadata().getName().equals("lookout_http_header_timeouts") && s instanceof CounterSnapshot c) {
        return c.getDataPoints().isEmpty() ? 0 : c.getDataPoints().get(0).getValue();
      }
    }
    return 0;
  }
}
