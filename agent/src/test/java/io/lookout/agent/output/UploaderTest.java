package io.lookout.agent.output;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.lookout.agent.config.AgentConfig;
import io.lookout.agent.config.ConfigLoader;
import io.lookout.agent.pipeline.Sink.Signal;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UploaderTest {
  @TempDir Path tmp;
  private HttpServer server;
  private final List<String> bodies = new CopyOnWriteArrayList<>();
  private final List<String> auth = new CopyOnWriteArrayList<>();
  private final List<Long> arrivals = new CopyOnWriteArrayList<>();
  private final AtomicInteger calls = new AtomicInteger();
  private volatile int[] statuses = {200};

  @BeforeEach
  void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/v1/logs", ex -> {
      int n = calls.getAndIncrement();
      arrivals.add(System.nanoTime());
      auth.add(ex.getRequestHeaders().getFirst("Authorization"));
      byte[] raw = ex.getRequestBody().readAllBytes();
      int status = statuses[Math.min(n, statuses.length - 1)];
      if (status == 200) {
        bodies.add(new String(new GZIPInputStream(new java.io.ByteArrayInputStream(raw)).readAllBytes(), StandardCharsets.UTF_8));
      }
      if (status == 503) {
        ex.getResponseHeaders().set("Retry-After", "1");
      }
      ex.sendResponseHeaders(status, -1);
      ex.close();
    });
    server.start();
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
  }

  private AgentConfig config() {
    return ConfigLoader.parse("t.yaml", "endpoint: http://127.0.0.1:" + server.getAddress().getPort() + "/\ntoken: t0k\n"
        + "retry: {initial_backoff: 10ms, max_backoff: 50ms, max_attempts: 2}\n", Map.of());
  }

  private void await(String what, java.util.function.BooleanSupplier c) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!c.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
      Thread.sleep(10);
    }
  }

  @Test
  void retriesHonouringRetryAfterThenAcknowledges() throws Exception {
    statuses = new int[] {503, 200};
    try (DiskQueue q = new DiskQueue(tmp, 1 << 20, 64 << 10)) {
      Uploader u = new Uploader(q, config(), new PrometheusRegistry());
      q.append(Signal.LOGS, "one".getBytes(StandardCharsets.UTF_8), 1).get();
      q.append(Signal.LOGS, "two".getBytes(StandardCharsets.UTF_8), 1).get();
      u.start();
      await("queue drained", q::isEmpty);
      u.close();
    }
    assertThat(bodies).containsExactly("onetwo"); // both entries in one gzip request
    assertThat(auth).containsOnly("Bearer t0k");
    assertThat(arrivals.get(1) - arrivals.get(0)).as("waited for Retry-After").isGreaterThanOrEqualTo(900_000_000L);
  }

  @Test
  void poisonBatchIsDroppedAndTheQueueMovesOn() throws Exception {
    statuses = new int[] {400, 200};
    PrometheusRegistry registry = new PrometheusRegistry();
    try (DiskQueue q = new DiskQueue(tmp, 1 << 20, 64 << 10)) {
      Uploader u = new Uploader(q, config(), registry);
      q.append(Signal.LOGS, "bad".getBytes(StandardCharsets.UTF_8), 3).get();
      u.start();
      await("first batch dropped", q::isEmpty);
      q.append(Signal.LOGS, "good".getBytes(StandardCharsets.UTF_8), 1).get();
      await("second batch sent", () -> bodies.contains("good"));
      u.close();
    }
    assertThat(bodies).containsExactly("good");
  }

  @Test
  void serverErrorsAreRetriedUpToMaxAttemptsThenDropped() throws Exception {
    statuses = new int[] {500, 500, 200};
    try (DiskQueue q = new DiskQueue(tmp, 1 << 20, 64 << 10)) {
      Uploader u = new Uploader(q, config(), new PrometheusRegistry());
      q.append(Signal.LOGS, "x".getBytes(StandardCharsets.UTF_8), 1).get();
      u.start();
      await("dropped after 2 attempts", q::isEmpty);
      u.close();
    }
    assertThat(calls.get()).isEqualTo(2);
  }

  @Test
  void unreachableServerKeepsTheDataQueued() throws Exception {
    server.stop(0);
    try (DiskQueue q = new DiskQueue(tmp, 1 << 20, 64 << 10)) {
      Uploader u = new Uploader(q, config(), new PrometheusRegistry());
      q.append(Signal.LOGS, "kept".getBytes(StandardCharsets.UTF_8), 1).get();
      u.start();
      await("a failed attempt", () -> !u.healthy());
      u.close();
      assertThat(q.isEmpty()).isFalse();
    }
  }

  @Test
  void retryAfterParsesSecondsAndDates() {
    assertThat(Uploader.retryAfter("3")).isEqualTo(Duration.ofSeconds(3));
    assertThat(Uploader.retryAfter(null)).isZero();
    assertThat(Uploader.retryAfter("soon")).isZero();
    assertThat(Uploader.retryAfter("99999")).isEqualTo(Duration.ofMinutes(5));
    String date = java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(
        java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).plusSeconds(30));
    assertThat(Uploader.retryAfter(date)).isBetween(Duration.ofSeconds(25), Duration.ofSeconds(31));
  }
}
