package io.lookout.alerting.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.lookout.alerting.rules.ProbeSpec;
import io.lookout.model.net.EgressPolicy;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Probes go only where the egress policy allows: the target and every redirect are checked. */
class ProbeEgressTest {
  Vertx vertx;
  RecordingMetricStore store;
  Probes probes;
  final AtomicInteger hits = new AtomicInteger();

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    store = new RecordingMetricStore();
  }

  @AfterEach
  void tearDown() throws Exception {
    if (probes != null) {
      probes.close();
    }
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private void start(Map<String, String> env) {
    AlertingMetrics meters = new AlertingMetrics(new PrometheusRegistry(), () -> new long[3]);
    probes = new Probes(vertx, store, meters, Clock.systemUTC(), Runnable::run, EgressPolicy.fromEnv(env));
  }

  private int serve(String redirectTo) throws Exception {
    HttpServer server = vertx.createHttpServer().requestHandler(req -> {
      hits.incrementAndGet();
      if (redirectTo != null) {
        req.response().setStatusCode(302).putHeader("Location", redirectTo).end();
      } else {
        req.response().end("ok");
      }
    });
    return server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)
        .actualPort();
  }

  private Probes.Result run(String name, String url) throws InterruptedException {
    ProbeSpec spec = new ProbeSpec(name, "default", url, "GET", Duration.ofHours(1), Duration.ofSeconds(5), 0, null,
        Map.of(), false, "test");
    probes.apply(List.of(spec));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      for (var e : probes.status("default")) {
        if (e.getKey().name().equals(name) && e.getValue() != null && store.last("probe_success", name).isPresent()) {
          return e.getValue();
        }
      }
      Thread.sleep(10);
    }
    throw new AssertionError("probe " + name + " did not finish");
  }

  @Test
  void aDeniedLoopbackTargetFailsTheProbeWithoutConnecting() throws Exception {
    start(Map.of(EgressPolicy.DENY_ENV, "127.0.0.0/8"));
    int port = serve(null);
    Probes.Result r = run("local", "http://127.0.0.1:" + port + "/health");
    assertThat(r.success()).isFalse();
    assertThat(r.status()).isZero();
    assertThat(r.error()).startsWith("egress denied:").contains("127.0.0.1").contains(EgressPolicy.ALLOW_ENV);
    assertThat(store.last("probe_success", "local")).hasValue(0);
    assertThat(hits).hasValue(0);
  }

  @Test
  void aMetadataAddressIsDeniedByDefault() throws Exception {
    start(Map.of());
    Probes.Result r = run("metadata", "http://169.254.169.254/latest/meta-data/");
    assertThat(r.success()).isFalse();
    assertThat(r.error()).startsWith("egress denied:").contains("169.254.169.254");
    assertThat(store.last("probe_success", "metadata")).hasValue(0);
  }

  @Test
  void anAllowedLoopbackTargetIsProbed() throws Exception {
    start(Map.of());
    int port = serve(null);
    Probes.Result r = run("allowed", "http://localhost:" + port + "/health");
    assertThat(r.success()).as(r.error()).isTrue();
    assertThat(hits).hasValue(1);
  }

  @Test
  void aRedirectToADeniedAddressIsNotFollowed() throws Exception {
    start(Map.of());
    int port = serve("http://169.254.169.254/latest/meta-data/");
    Probes.Result r = run("redirect", "http://127.0.0.1:" + port + "/");
    assertThat(r.success()).isFalse();
    assertThat(r.error()).startsWith("egress denied:").contains("169.254.169.254");
    assertThat(hits).hasValue(1);
  }
}
