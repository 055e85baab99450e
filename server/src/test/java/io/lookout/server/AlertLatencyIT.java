package io.lookout.server;

import static io.lookout.server.Http.data;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * A measurement, not a check (runs only with {@code -Dlookout.measure=true}): the time from a
 * service starting to fail to the firing webhook arriving, and from its recovery to the resolved
 * webhook, through the server jar as a process. Probe interval 1s, evaluation interval 1s,
 * group_wait 0s, group_interval 1s. Prints every round, the median and the maximum.
 *
 * <pre>
 * ./mvnw -o -B -pl server verify -Dit.test=AlertLatencyIT -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dlookout.measure=true [-Dlookout.measure.rounds=20]
 * </pre>
 */
@EnabledIfSystemProperty(named = "lookout.measure", matches = "true")
class AlertLatencyIT {

  record Arrival(long nanos, String status) {}

  @Test
  void failingEventToWebhook() throws Exception {
    int rounds = Integer.getInteger("lookout.measure.rounds", 20);
    AtomicInteger status = new AtomicInteger(200);
    List<Arrival> arrivals = new CopyOnWriteArrayList<>();
    HttpServer service = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    service.createContext("/health", ex -> {
      ex.sendResponseHeaders(status.get(), -1);
      ex.close();
    });
    service.start();
    HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext("/hook", ex -> {
      long at = System.nanoTime();
      JsonNode body = Http.json(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      arrivals.add(new Arrival(at, body.path("status").asText()));
      ex.sendResponseHeaders(200, -1);
      ex.close();
    });
    receiver.start();
    Path rules = AlertingIT.rulesDir("""
        groups:
          - name: health
            interval: 1s
            rules:
              - alert: CheckoutDown
                expr: probe_success{probe="checkout"} == 0
        probes:
          - name: checkout
            url: http://127.0.0.1:%d/health
            interval: 1s
            timeout: 500ms
        receivers:
          - name: oncall
            webhook: {url: "http://127.0.0.1:%d/hook"}
        route:
          receiver: oncall
          group_by: [alertname]
          group_wait: 0s
          group_interval: 1s
          repeat_interval: 4h
        """.formatted(service.getAddress().getPort(), receiver.getAddress().getPort()));
    List<Double> firing = new ArrayList<>();
    List<Double> resolved = new ArrayList<>();
    try (ServerProcess lookout = new ServerProcess(Files.createTempDirectory("lookout-latency-"),
        ServerProcess.env("LOOKOUT_RULES_DIR", rules.toString(), "LOOKOUT_HEARTBEAT_THRESHOLD", "0")).start()) {
      Http.await("probe up", Duration.ofSeconds(30), () -> "up".equals(
          data(Http.get(lookout.api() + "/api/v1/alerting/probes")).at("/probes/0/status").asText()));
      for (int i = 0; i < rounds; i++) {
        int before = arrivals.size();
        long t0 = System.nanoTime();
        status.set(503);
        Http.await("firing webhook", Duration.ofSeconds(30), () -> arrivals.size() > before);
        Arrival f = arrivals.get(before);
        assertThat(f.status()).isEqualTo("firing");
        firing.add((f.nanos() - t0) / 1e9);
        long t1 = System.nanoTime();
        status.set(200);
        Http.await("resolved webhook", Duration.ofSeconds(30), () -> arrivals.size() > before + 1);
        Arrival r = arrivals.get(before + 1);
        assertThat(r.status()).isEqualTo("resolved");
        resolved.add((r.nanos() - t1) / 1e9);
        // start the next round at a random phase of the probe and evaluation timers
        long pause = System.nanoTime() + (long) (Math.random() * 1e9);
        Http.await("pause", Duration.ofSeconds(5), () -> System.nanoTime() >= pause);
      }
    } finally {
      service.stop(0);
      receiver.stop(0);
    }
    System.out.println("alert latency, " + rounds + " rounds: failing event -> firing webhook " + summary(firing)
        + "; recovery -> resolved webhook " + summary(resolved));
  }

  static String summary(List<Double> values) {
    List<Double> s = new ArrayList<>(values);
    Collections.sort(s);
    StringBuilder all = new StringBuilder();
    for (double v : values) {
      all.append(all.isEmpty() ? "" : " ").append(String.format(Locale.ROOT, "%.2f", v));
    }
    return String.format(Locale.ROOT, "p50 %.2fs max %.2fs min %.2fs [%s]", s.get(s.size() / 2), s.get(s.size() - 1),
        s.get(0), all);
  }
}
