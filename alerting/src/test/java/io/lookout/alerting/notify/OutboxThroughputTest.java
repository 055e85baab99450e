package io.lookout.alerting.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.lookout.alerting.Alert;
import io.vertx.core.http.HttpServer;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Measures notifications per second through the outbox to a local receiver (one group per alert,
 * so every alert is one notification). Run with
 * {@code ./mvnw -B -q -o -pl alerting test -Dtest=OutboxThroughputTest -Dlookout.bench=true}.
 */
@EnabledIfSystemProperty(named = "lookout.bench", matches = "true")
class OutboxThroughputTest extends Harness {
  @TempDir Path dir;
  private HttpServer receiver;
  private final AtomicInteger received = new AtomicInteger();

  @BeforeEach
  void setUp() throws Exception {
    setUpHarness();
    receiver = vertx.createHttpServer().requestHandler(req -> req.body().onComplete(b -> {
          received.incrementAndGet();
          req.response().setStatusCode(200).end();
        }))
        .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void tearDown() throws Exception {
    receiver.close();
    tearDownHarness();
  }

  @Test
  void notificationsPerSecond() throws Exception {
    int n = Integer.getInteger("lookout.bench.n", 20_000);
    for (int run = 0; run < 3; run++) {
      received.set(0);
      Path d = dir.resolve("run" + run);
      Notifier notifier = start(options(d), config("""
          receivers: [{name: r, webhook: {url: "http://127.0.0.1:%d/hook", secret: "k"}}]
          route: {receiver: r, group_by: [alertname], group_wait: 0s}
          """.formatted(receiver.actualPort())));
      List<Alert> alerts = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        alerts.add(firing(clock.instant(), "alertname", "A" + i, "service", "s" + (i % 50)));
      }
      var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      long cpu0 = os.getProcessCpuTime();
      long t0 = System.nanoTime();
      notifier.send("default", alerts);
      notifier.tickNow().get(60, TimeUnit.SECONDS);
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
      while (received.get() < n && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      settle(notifier);
      long wall = System.nanoTime() - t0;
      long cpu = os.getProcessCpuTime() - cpu0;
      System.out.printf("outbox run %d: %d notifications in %.2f s wall = %.0f/s; process CPU %.2f s = %.0f"
          + " notifications per CPU-second (receiver in the same process)%n", run, n, wall / 1e9, n / (wall / 1e9),
          cpu / 1e9, n / (cpu / 1e9));
      assertThat(received.get()).isEqualTo(n);
      notifier.close();
      notifiers.remove(notifier);
    }
  }
}
