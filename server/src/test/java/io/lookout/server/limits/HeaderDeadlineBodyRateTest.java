package io.lookout.server.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The minimum body rate on real sockets: 1024 B/s after a 1 s grace, idle timeout 60 s, so a
 * connection answered while the client sends 10 bytes every 200 ms was cut by the body rate.
 */
class HeaderDeadlineBodyRateTest {
  private static final Duration IDLE = Duration.ofSeconds(60);

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private Vertx vertx;

  @AfterEach
  void close() throws Exception {
    if (vertx != null) {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  /** A server answering "ok <body length>" with the given minimum rate and grace. */
  private HttpServer start(long minRate, Duration grace) throws Exception {
    HttpHardening hardening = new HttpHardening(IDLE, Duration.ofSeconds(10), minRate, grace, List.of());
    HeaderDeadline deadline = new HeaderDeadline(hardening, registry);
    vertx = deadline.newVertx();
    HttpServerOptions options = hardening.apply(new HttpServerOptions().setPort(0).setHost("localhost")
        .setHttp2ClearTextEnabled(true));
    return deadline.install(vertx.createHttpServer(options))
        .requestHandler(req -> {
          if (req.path().equals("/paused")) { // a handler that takes 3 s before it reads the body
            req.pause();
            vertx.setTimer(3000, t -> req.resume());
          }
          req.body().onSuccess(b -> req.response().end("ok " + b.length()));
        })
        .listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static final String CHUNK_OF_TEN = "0123456789";

  /** Sends {@code head}, then 10 bytes (as one chunk when {@code chunked}) every 200 ms until the server closes. */
  private static Thread trickleBody(Socket socket, String head, boolean chunked) {
    return Thread.ofVirtual().start(() -> {
      try {
        OutputStream out = socket.getOutputStream();
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String piece = chunked ? "a\r\n" + CHUNK_OF_TEN + "\r\n" : CHUNK_OF_TEN;
        for (int i = 0; i < 1024; i++) {
          out.write(piece.getBytes(StandardCharsets.US_ASCII));
          out.flush();
          Thread.sleep(200); // the attack's pace, not a wait for a result
        }
      } catch (IOException | InterruptedException e) {
        // closed by the server: expected
      }
    });
  }

  /** Everything the server sends until it closes; fails if it has not closed by the hang detector. */
  private static String readUntilClosed(Socket socket) throws IOException {
    socket.setSoTimeout(30_000); // hang detector, well below the 60 s idle timeout; not a timing threshold
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    InputStream in = socket.getInputStream();
    byte[] buf = new byte[4096];
    try {
      for (int n; (n = in.read(buf)) != -1; ) {
        got.write(buf, 0, n);
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("server did not close the connection; got " + got.toString(StandardCharsets.UTF_8));
    } catch (IOException reset) {
      // the client kept sending after the close: a reset after the response is fine
    }
    return got.toString(StandardCharsets.UTF_8);
  }

  @ParameterizedTest(name = "chunked {0}")
  @ValueSource(booleans = {false, true})
  void aBodyTrickledBelowTheMinimumIsAnswered408AndClosed(boolean chunked) throws Exception {
    HttpServer s = start(1024, Duration.ofSeconds(1));
    String head = "POST /x HTTP/1.1\r\nHost: x\r\n"
        + (chunked ? "Transfer-Encoding: chunked\r\n" : "Content-Length: 10240\r\n") + "\r\n";
    try (Socket socket = new Socket("localhost", s.actualPort())) {
      Thread attacker = trickleBody(socket, head, chunked);
      String response = readUntilClosed(socket);
      assertThat(response).startsWith("HTTP/1.1 408 Request Timeout\r\n")
          .containsIgnoringCase("connection: close")
          .containsIgnoringCase("content-type: application/json")
          .contains("{\"status\":\"error\",\"errorType\":\"timeout\",\"error\":\"request body arrived at ")
          .contains("below the minimum of 1024 (LOOKOUT_HTTP_MIN_BODY_RATE)");
      attacker.join();
    }
    assertThat(bodyTimeouts()).isEqualTo(1);
  }

  @Test
  void aLargeBodySentAtOnceIsUnaffected() throws Exception {
    HttpServer s = start(1024, Duration.ofSeconds(1));
    byte[] body = new byte[4 * 1024 * 1024];
    Arrays.fill(body, (byte) 'x');
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    for (int i = 0; i < 3; i++) { // same kept-alive connection
      HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://localhost:" + s.actualPort() + "/x"))
          .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("ok " + body.length);
    }
    assertThat(bodyTimeouts()).isZero();
  }

  /**
   * While the handler has the request paused, Vert.x stops reading once its queues hold a few
   * chunks: that time is not the client's. At the highest minimum (1 MiB/s) the few hundred KiB
   * read before the pause would be too slow a second after the head if it counted.
   */
  @Test
  void timeTheServerSpendsNotReadingDoesNotCountAgainstTheClient() throws Exception {
    HttpServer s = start(HttpHardening.MAX_MIN_BODY_RATE, Duration.ofSeconds(1));
    byte[] body = new byte[16 * 1024 * 1024];
    Arrays.fill(body, (byte) 'p');
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://localhost:" + s.actualPort() + "/paused"))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("ok " + body.length);
    assertThat(bodyTimeouts()).isZero();
  }

  @Test
  void aSlowStartWithinTheGraceThenAFastBodyIsUnaffected() throws Exception {
    HttpServer s = start(1024, Duration.ofSeconds(10));
    try (Socket socket = new Socket("localhost", s.actualPort())) {
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 20480\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      for (int i = 0; i < 5; i++) {
        out.write(CHUNK_OF_TEN.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        Thread.sleep(200); // the client's slow start, not a wait for a result
      }
      out.write("y".repeat(20480 - 50).getBytes(StandardCharsets.US_ASCII));
      out.flush();
      assertThat(HeaderDeadlineTest.readResponse(socket.getInputStream())).startsWith("HTTP/1.1 200").endsWith("ok 20480");
    }
    assertThat(bodyTimeouts()).isZero();
  }

  @ParameterizedTest(name = "chunked {0}")
  @ValueSource(booleans = {true, false})
  void agentLikeStreamingUploadsWork(boolean chunked) throws Exception {
    HttpServer s = start(1024, Duration.ofSeconds(1));
    byte[] body = new byte[1024 * 1024];
    Arrays.fill(body, (byte) 'z');
    for (int round = 0; round < 2; round++) {
      HttpURLConnection c = (HttpURLConnection) URI.create("http://localhost:" + s.actualPort() + "/v1/logs").toURL()
          .openConnection();
      c.setDoOutput(true);
      c.setRequestMethod("POST");
      if (chunked) {
        c.setChunkedStreamingMode(16 * 1024);
      } else {
        c.setFixedLengthStreamingMode(body.length);
      }
      c.setRequestProperty("Content-Type", "application/x-protobuf");
      try (OutputStream out = c.getOutputStream()) {
        for (int off = 0; off < body.length; off += 64 * 1024) {
          out.write(body, off, 64 * 1024);
        }
      }
      assertThat(c.getResponseCode()).isEqualTo(200);
      try (InputStream in = c.getInputStream()) {
        assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("ok " + body.length);
      }
    }
    assertThat(bodyTimeouts()).isZero();
  }

  @Test
  void aRateOfZeroTurnsTheCheckOff() throws Exception {
    HttpServer s = start(0, Duration.ofSeconds(1));
    try (Socket socket = new Socket("localhost", s.actualPort())) {
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 60\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      for (int i = 0; i < 6; i++) { // 50 B/s for more than the grace
        out.write(CHUNK_OF_TEN.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        Thread.sleep(300); // the client's pace, not a wait for a result
      }
      assertThat(HeaderDeadlineTest.readResponse(socket.getInputStream())).endsWith("ok 60");
    }
    assertThat(bodyTimeouts()).isZero();
  }

  @Test
  void theRateAndGraceAreValidatedLikeTheTimeouts() {
    HttpHardening defaults = HttpHardening.fromEnv(Map.of());
    assertThat(defaults.minBodyRate()).isEqualTo(1024);
    assertThat(defaults.bodyGrace()).isEqualTo(Duration.ofSeconds(10));
    HttpHardening set = HttpHardening.fromEnv(Map.of("LOOKOUT_HTTP_MIN_BODY_RATE", "0", "LOOKOUT_HTTP_BODY_GRACE", "30s"));
    assertThat(set.minBodyRate()).isZero();
    assertThat(set.bodyGrace()).isEqualTo(Duration.ofSeconds(30));
    assertThatThrownBy(() -> HttpHardening.fromEnv(Map.of("LOOKOUT_HTTP_MIN_BODY_RATE", "1KiB")))
        .hasMessage("invalid LOOKOUT_HTTP_MIN_BODY_RATE '1KiB': use a whole number of bytes per second between 0 (off)"
            + " and 1048576, such as 1024");
    assertThatThrownBy(() -> HttpHardening.fromEnv(Map.of("LOOKOUT_HTTP_MIN_BODY_RATE", "-5")))
        .hasMessage("LOOKOUT_HTTP_MIN_BODY_RATE must be between 0 (off) and 1048576 bytes per second, got -5");
    assertThatThrownBy(() -> HttpHardening.fromEnv(Map.of("LOOKOUT_HTTP_MIN_BODY_RATE", "2000000")))
        .hasMessage("LOOKOUT_HTTP_MIN_BODY_RATE must be between 0 (off) and 1048576 bytes per second, got 2000000");
    assertThatThrownBy(() -> HttpHardening.fromEnv(Map.of("LOOKOUT_HTTP_BODY_GRACE", "500ms")))
        .hasMessage("LOOKOUT_HTTP_BODY_GRACE must be at least 1s, got 500ms");
    assertThatThrownBy(() -> HttpHardening.fromEnv(Map.of("LOOKOUT_HTTP_BODY_GRACE", "later")))
        .hasMessageContaining("invalid LOOKOUT_HTTP_BODY_GRACE 'later'");
  }

  /** Counted before the response is written, so final once a client has seen the close. */
  private double bodyTimeouts() {
    for (MetricSnapshot s : registry.scrape()) {
      if (s.getMetadata().getName().equals("lookout_http_body_timeouts") && s instanceof CounterSnapshot c) {
        return c.getDataPoints().isEmpty() ? 0 : c.getDataPoints().get(0).getValue();
      }
    }
    return 0;
  }
}
