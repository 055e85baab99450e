package io.lookout.alerting.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.re2j.Pattern;
import io.lookout.alerting.rules.ProbeSpec;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.KeyStoreOptions;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP probes against real servers on port 0: status, body regex, timeout, and TLS certificate
 * expiry from a self-signed certificate made with the JDK's keytool.
 */
class ProbesTest {
  private static final String PASSWORD = "probe-test";
  @TempDir Path dir;
  Vertx vertx;
  RecordingMetricStore store;
  Probes probes;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    store = new RecordingMetricStore();
    AlertingMetrics meters = new AlertingMetrics(new PrometheusRegistry(), () -> new long[3]);
    probes = new Probes(vertx, store, meters, Clock.systemUTC(), Runnable::run);
  }

  @AfterEach
  void tearDown() throws Exception {
    probes.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private int serve(HttpServerOptions options, Consumer<HttpServerRequest> handler) throws Exception {
    HttpServer server = vertx.createHttpServer(options).requestHandler(handler::accept);
    return server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)
        .actualPort();
  }

  private int serve(Consumer<HttpServerRequest> handler) throws Exception {
    return serve(new HttpServerOptions(), handler);
  }

  /** A probe that runs once now (and then only after an hour). */
  private static ProbeSpec spec(String name, String url, int expectStatus, String bodyRegex, Duration timeout,
      boolean tlsSkipVerify) {
    return new ProbeSpec(name, "default", url, "GET", Duration.ofHours(1), timeout, expectStatus,
        bodyRegex == null ? null : Pattern.compile(bodyRegex), Map.of("X-Probe", "yes"), tlsSkipVerify, "test");
  }

  private Probes.Result run(ProbeSpec spec) {
    probes.apply(List.of(spec));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      for (var e : probes.status("default")) {
        if (e.getKey().name().equals(spec.name()) && e.getValue() != null
            && store.last("probe_success", spec.name()).isPresent()) {
          return e.getValue();
        }
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("probe " + spec.name() + " did not finish");
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
        throw new AssertionError(ex);
      }
    }
  }

  @Test
  void expectedStatusSucceedsAndWritesTheSeries() throws Exception {
    int port = serve(req -> req.response().setStatusCode("yes".equals(req.getHeader("X-Probe")) ? 204 : 400).end());
    Probes.Result r = run(spec("ok", "http://127.0.0.1:" + port + "/health", 0, null, Duration.ofSeconds(5), false));
    assertThat(r.success()).isTrue();
    assertThat(r.status()).isEqualTo(204);
    assertThat(r.error()).isEmpty();
    assertThat(store.last("probe_success", "ok")).hasValue(1);
    assertThat(store.last("probe_http_status_code", "ok")).hasValue(204);
    assertThat(store.last("probe_duration_seconds", "ok")).isPresent();
    assertThat(store.last("probe_ssl_earliest_cert_expiry", "ok")).isEmpty(); // plain http
    assertThat(store.appended.get(0).labels().get("instance")).isEqualTo("http://127.0.0.1:" + port + "/health");
  }

  @Test
  void wrongStatusFails() throws Exception {
    int port = serve(req -> req.response().setStatusCode(req.path().equals("/missing") ? 404 : 200).end());
    Probes.Result expect = run(spec("expect", "http://127.0.0.1:" + port + "/", 201, null, Duration.ofSeconds(5),
        false));
    assertThat(expect.success()).isFalse();
    assertThat(expect.error()).isEqualTo("unexpected status 200 (expected 201)");
    Probes.Result any2xx = run(spec("any", "http://127.0.0.1:" + port + "/missing", 0, null, Duration.ofSeconds(5),
        false));
    assertThat(any2xx.success()).isFalse();
    assertThat(any2xx.status()).isEqualTo(404);
    assertThat(any2xx.error()).isEqualTo("unexpected status 404 (expected 2xx)");
    assertThat(store.last("probe_success", "any")).hasValue(0);
    assertThat(store.last("probe_http_status_code", "any")).hasValue(404);
  }

  @Test
  void bodyRegexMustBeFound() throws Exception {
    int port = serve(req -> req.response().end("{\"status\":\"" + req.path().substring(1) + "\"}"));
    Probes.Result up = run(spec("up", "http://127.0.0.1:" + port + "/UP", 200, "\"status\":\"UP\"",
        Duration.ofSeconds(5), false));
    assertThat(up.success()).isTrue();
    Probes.Result down = run(spec("down", "http://127.0.0.1:" + port + "/DOWN", 200, "\"status\":\"UP\"",
        Duration.ofSeconds(5), false));
    assertThat(down.success()).isFalse();
    assertThat(down.status()).isEqualTo(200);
    assertThat(down.error()).isEqualTo("body does not match \"status\":\"UP\"");
    assertThat(store.last("probe_success", "down")).hasValue(0);
  }

  @Test
  void noAnswerWithinTheTimeoutFails() throws Exception {
    int port = serve(req -> { }); // never answers
    Probes.Result r = run(spec("slow", "http://127.0.0.1:" + port + "/", 0, null, Duration.ofMillis(300), false));
    assertThat(r.success()).isFalse();
    assertThat(r.status()).isZero();
    assertThat(r.error()).isNotBlank();
    assertThat(store.last("probe_success", "slow")).hasValue(0);
    assertThat(store.last("probe_http_status_code", "slow")).hasValue(0);
  }

  @Test
  void connectionRefusedFails() throws Exception {
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Probes.Result r = run(spec("gone", "http://127.0.0.1:" + port + "/", 0, null, Duration.ofSeconds(5), false));
    assertThat(r.success()).isFalse();
    assertThat(r.error()).isNotBlank();
  }

  @Test
  void httpsProbeReportsTheCertificateExpiry() throws Exception {
    Path keystore = selfSigned(dir.resolve("server.p12"));
    int port = serve(new HttpServerOptions().setSsl(true)
        .setKeyCertOptions(new KeyStoreOptions().setType("PKCS12").setPath(keystore.toString()).setPassword(PASSWORD)),
        req -> req.response().end("ok"));
    long notAfter = notAfterSeconds(keystore);
    Probes.Result r = run(spec("tls", "https://127.0.0.1:" + port + "/", 200, null, Duration.ofSeconds(5), true));
    assertThat(r.success()).as(r.error()).isTrue();
    assertThat(r.certExpiry().getEpochSecond()).isEqualTo(notAfter);
    assertThat(store.last("probe_ssl_earliest_cert_expiry", "tls")).hasValue(notAfter);

    // without tls_skip_verify the self-signed certificate is rejected
    Probes.Result strict = run(spec("strict", "https://127.0.0.1:" + port + "/", 200, null, Duration.ofSeconds(5),
        false));
    assertThat(strict.success()).isFalse();
    assertThat(strict.error()).isNotBlank();
    assertThat(store.last("probe_success", "strict")).hasValue(0);
  }

  /** A PKCS12 key store with a self-signed EC certificate for 127.0.0.1, valid 30 days, made by keytool. */
  private static Path selfSigned(Path keystore) throws Exception {
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "probe", "-keyalg", "EC",
        "-groupname", "secp256r1", "-dname", "CN=localhost", "-ext", "san=ip:127.0.0.1,dns:localhost",
        "-validity", "30", "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", PASSWORD,
        "-keypass", PASSWORD).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return keystore;
  }

  private static long notAfterSeconds(Path keystore) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      ks.load(in, PASSWORD.toCharArray());
    }
    return ((X509Certificate) ks.getCertificate("probe")).getNotAfter().toInstant().getEpochSecond();
  }
}
