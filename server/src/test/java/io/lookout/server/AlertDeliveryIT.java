package io.lookout.server;

import static io.lookout.server.Http.data;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Notification delivery end to end with the server jar as a process: a notification waiting in the
 * outbox survives kill -9 and is delivered once with the id it had before; silences, acknowledgements,
 * retries and forwarding to a real Alertmanager through the running server.
 */
class AlertDeliveryIT {
  private static final Path ALERTMANAGER = Path.of("/usr/bin/prometheus-alertmanager");

  /** One webhook request: path, notification id, payload status, and the HTTP status answered. */
  record Hook(String path, String id, String status, JsonNode body, int answered) {}

  HttpServer service;
  HttpServer receiver;
  /** Status each probed path answers: /a, /b, /c, ... */
  final Map<String, Integer> serviceStatus = new ConcurrentHashMap<>();
  /** Per webhook path: from the number of the request (1-based) to the status to answer. */
  final Map<String, IntUnaryOperator> answers = new ConcurrentHashMap<>();
  final Map<String, AtomicInteger> requestCounts = new ConcurrentHashMap<>();
  final List<Hook> hooks = new CopyOnWriteArrayList<>();
  Process alertmanager;

  @BeforeEach
  void startServices() throws Exception {
    service = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    service.createContext("/", ex -> {
      byte[] b = "ok".getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(serviceStatus.getOrDefault(ex.getRequestURI().getPath(), 200), b.length);
      ex.getResponseBody().write(b);
      ex.close();
    });
    service.start();
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext("/hook/", ex -> {
      String path = ex.getRequestURI().getPath();
      byte[] body = ex.getRequestBody().readAllBytes();
      int n = requestCounts.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
      int status = answers.getOrDefault(path, i -> 200).applyAsInt(n);
      JsonNode json = Http.json(new String(body, StandardCharsets.UTF_8));
      hooks.add(new Hook(path, ex.getRequestHeaders().getFirst("X-Lookout-Notification-Id"),
          json.path("status").asText(), json, status));
      ex.sendResponseHeaders(status, -1);
      ex.close();
    });
    receiver.start();
  }

  @AfterEach
  void stopServices() throws Exception {
    service.stop(0);
    receiver.stop(0);
    if (alertmanager != null) {
      alertmanager.destroy();
      alertmanager.waitFor(10, TimeUnit.SECONDS);
    }
  }

  String hookUrl(String name) {
    return "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook/" + name;
  }

  String probe(String name, String path) {
    return """
          - name: %s
            url: http://127.0.0.1:%d%s
            interval: 1s
            timeout: 900ms
        """.formatted(name, service.getAddress().getPort(), path);
  }

  static String downRule(String alert, String probe) {
    return """
              - alert: %s
                expr: probe_success{probe="%s"} == 0
                labels: {severity: page}
                annotations: {summary: "{{ $labels.probe }} is down"}
        """.formatted(alert, probe);
  }

  List<Hook> hooks(String path) {
    return hooks.stream().filter(h -> h.path().equals("/hook/" + path)).toList();
  }

  List<Hook> hooks(String path, String status) {
    return hooks(path).stream().filter(h -> h.status().equals(status)).toList();
  }

  static JsonNode notifications(ServerProcess p, String query) {
    return data(Http.get(p.api() + "/api/v1/alerting/notifications?" + query));
  }

  static Map<String, String> env(Path rulesDir, String... more) {
    Map<String, String> env = ServerProcess.env("LOOKOUT_RULES_DIR", rulesDir.toString(),
        "LOOKOUT_ALERTING_EVAL_INTERVAL", "1s", "LOOKOUT_HEARTBEAT_THRESHOLD", "0",
        "LOOKOUT_RULES_RELOAD_INTERVAL", "1s", "LOOKOUT_NOTIFY_BACKOFF_INITIAL", "200ms",
        "LOOKOUT_NOTIFY_BACKOFF_MAX", "1s");
    env.putAll(ServerProcess.env(more));
    return env;
  }

  static void awaitProbesUp(ServerProcess p, int n) {
    Http.await(n + " probes up", Duration.ofSeconds(30), () -> {
      JsonNode probes = data(Http.get(p.api() + "/api/v1/alerting/probes")).get("probes");
      return probes.size() == n && probes.findValuesAsText("status").stream().allMatch("up"::equals);
    });
  }

  @Test
  void notificationInTheOutboxSurvivesKill9AndIsDeliveredOnceWithTheSameId() throws Exception {
    Path dataDir = Files.createTempDirectory("lookout-delivery-");
    Path rules = AlertingIT.rulesDir("groups:\n  - name: health\n    interval: 1s\n    rules:\n"
        + downRule("CheckoutDown", "checkout") + "probes:\n" + probe("checkout", "/a") + """
        receivers:
          - name: oncall
            webhook: {url: "%s"}
        route:
          receiver: oncall
          group_by: [alertname]
          group_wait: 0s
          group_interval: 1s
          repeat_interval: 4h
        """.formatted(hookUrl("oncall")));
    answers.put("/hook/oncall", n -> 500); // the receiver is broken while the alert fires
    String id;
    try (ServerProcess first = new ServerProcess(dataDir, env(rules)).start()) {
      awaitProbesUp(first, 1);
      serviceStatus.put("/a", 503);
      Http.await("a pending notification with a failed attempt", Duration.ofSeconds(30), () -> {
        JsonNode n = notifications(first, "state=pending");
        return n.size() == 1 && n.at("/0/attemptCount").asInt() >= 1;
      });
      id = notifications(first, "state=pending").at("/0/id").asText();
      first.kill9();
    }
    int attemptsBeforeKill = hooks("oncall").size();
    assertThat(attemptsBeforeKill).isGreaterThanOrEqualTo(1);
    answers.put("/hook/oncall", n -> 200); // the receiver is healthy again; the service still fails
    try (ServerProcess second = new ServerProcess(dataDir, env(rules)).start()) {
      Http.await("the notification delivered after the restart", Duration.ofSeconds(60),
          () -> hooks("oncall").stream().anyMatch(h -> h.answered() == 200));
      Http.await("the notification recorded as delivered", Duration.ofSeconds(10),
          () -> notifications(second, "state=delivered").size() == 1);
      assertThat(notifications(second, "state=delivered").findValuesAsText("id")).containsExactly(id);
      // the alert keeps firing after the restart: a few more evaluations and group flushes send nothing new
      long rounds = AlertingIT.evaluationsOf(second) + 4;
      Http.await("four more evaluations", Duration.ofSeconds(30), () -> AlertingIT.evaluationsOf(second) >= rounds);
      assertThat(data(Http.get(second.api() + "/api/v1/alerting/alerts?state=firing")).get("alerts")).hasSize(1);
      assertThat(notifications(second, "").size()).isEqualTo(1);
    }
    List<Hook> all = hooks("oncall");
    assertThat(all).hasSizeGreaterThan(attemptsBeforeKill);
    assertThat(all).allSatisfy(h -> {
      assertThat(h.id()).isEqualTo(id);
      assertThat(h.status()).isEqualTo("firing");
    });
    assertThat(all.stream().filter(h -> h.answered() == 200)).hasSize(1);
    assertThat(all.get(all.size() - 1).answered()).isEqualTo(200);
  }

  @Test
  void silencesAcksRetriesAndAlertmanagerForwardingThroughTheServer() throws Exception {
    int amPort = startAlertmanager();
    Path dataDir = Files.createTempDirectory("lookout-delivery-");
    Path rules = AlertingIT.rulesDir("groups:\n  - name: health\n    interval: 1s\n    rules:\n"
        + downRule("QuietDown", "quiet") + downRule("AckDown", "ack") + downRule("RetryDown", "retry")
        + "probes:\n" + probe("quiet", "/quiet") + probe("ack", "/ack") + probe("retry", "/retry") + """
        receivers:
          - name: quiet
            webhook: {url: "%s"}
          - name: ack
            webhook: {url: "%s"}
          - name: retry
            webhook: {url: "%s"}
        route:
          receiver: quiet
          group_by: [alertname]
          group_wait: 0s
          group_interval: 1s
          repeat_interval: 4h
          routes:
            - matchers: ['alertname="AckDown"']
              receiver: ack
              repeat_interval: 2s
            - matchers: ['alertname="RetryDown"']
              receiver: retry
        """.formatted(hookUrl("quiet"), hookUrl("ack"), hookUrl("retry")));
    answers.put("/hook/retry", n -> n <= 3 ? 500 : 200);
    Map<String, String> env = amPort > 0 ? env(rules, "LOOKOUT_ALERTMANAGER_URL", "http://127.0.0.1:" + amPort)
        : env(rules);
    try (ServerProcess lookout = new ServerProcess(dataDir, env).start()) {
      awaitProbesUp(lookout, 3);
      // silence QuietDown before it fires
      JsonNode silence = data(postJson(lookout, "/api/v1/alerting/silences",
          "{\"matchers\":[\"alertname=\\\"QuietDown\\\"\"],\"duration\":\"1h\",\"createdBy\":\"it\"}"));
      assertThat(silence.get("silenceID").asText()).isNotBlank();
      serviceStatus.put("/quiet", 503);
      serviceStatus.put("/ack", 503);
      serviceStatus.put("/retry", 503);

      // retries: 500, 500, 500, then 200 -> delivered once, every attempt with the same id
      Http.await("retry receiver answered 200", Duration.ofSeconds(60),
          () -> hooks("retry").stream().anyMatch(h -> h.answered() == 200));
      List<Hook> retry = hooks("retry");
      assertThat(retry).hasSize(4);
      assertThat(retry.stream().map(Hook::id).distinct()).hasSize(1);
      assertThat(retry).extracting(Hook::answered).containsExactly(500, 500, 500, 200);
      JsonNode retried = notifications(lookout, "receiver=retry");
      assertThat(retried).hasSize(1);
      assertThat(retried.at("/0/state").asText()).isEqualTo("delivered");
      assertThat(retried.at("/0/attemptCount").asInt()).isEqualTo(4);
      assertThat(retried.at("/0/id").asText()).isEqualTo(retry.get(0).id());

      // acknowledgement: AckDown repeats every 2s until acknowledged
      Http.await("AckDown notified and repeated", Duration.ofSeconds(30), () -> hooks("ack", "firing").size() >= 2);
      JsonNode acked = data(postJson(lookout, "/api/v1/alerting/acks",
          "{\"matchers\":[\"alertname=\\\"AckDown\\\"\"],\"createdBy\":\"it\",\"comment\":\"on it\"}"));
      assertThat(acked).hasSize(1);
      int createdBeforeAck = notifications(lookout, "receiver=ack").size();
      long rounds = AlertingIT.evaluationsOf(lookout) + 6; // three repeat intervals
      Http.await("six more evaluations", Duration.ofSeconds(30), () -> AlertingIT.evaluationsOf(lookout) >= rounds);
      assertThat(notifications(lookout, "receiver=ack").size()).isEqualTo(createdBeforeAck);
      serviceStatus.put("/ack", 200);
      Http.await("AckDown resolved", Duration.ofSeconds(30), () -> hooks("ack", "resolved").size() == 1);
      assertThat(hooks("ack", "firing")).hasSize(createdBeforeAck);
      assertThat(data(Http.get(lookout.api() + "/api/v1/alerting/acks"))).isEmpty(); // dropped on resolution

      // the silenced alert fires but sends nothing
      JsonNode quiet = data(Http.get(lookout.api() + "/api/v1/alerting/alerts?state=firing&alertname=QuietDown"));
      assertThat(quiet.get("alerts")).hasSize(1);
      assertThat(hooks("quiet")).isEmpty();
      assertThat(notifications(lookout, "receiver=quiet")).isEmpty();

      if (amPort > 0) {
        Http.await("alerts forwarded to alertmanager", Duration.ofSeconds(30), () -> {
          JsonNode am = Http.json(Http.get("http://127.0.0.1:" + amPort + "/api/v2/alerts").body());
          return am.findValuesAsText("alertname").containsAll(List.of("QuietDown", "RetryDown"));
        });
        JsonNode am = Http.json(Http.get("http://127.0.0.1:" + amPort + "/api/v2/alerts?filter="
            + Http.enc("alertname=\"RetryDown\"")).body());
        assertThat(am).hasSize(1);
        assertThat(am.at("/0/labels/tenant").asText()).isEqualTo("default");
        assertThat(am.at("/0/labels/probe").asText()).isEqualTo("retry");
        assertThat(am.at("/0/annotations/summary").asText()).isEqualTo("retry is down");
        assertThat(am.at("/0/status/state").asText()).isEqualTo("active");
      }
    }
  }

  static java.net.http.HttpResponse<String> postJson(ServerProcess p, String path, String json) {
    return Http.send(HttpRequest.newBuilder(URI.create(p.api() + path)).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build());
  }

  /** Starts the Debian Alertmanager on a free port; 0 when it is not installed. */
  int startAlertmanager() throws Exception {
    if (!Files.isExecutable(ALERTMANAGER)) {
      if ("true".equals(System.getenv("CI"))) {
        throw new AssertionError("prometheus-alertmanager must be installed in CI (.ci/run installs it)");
      }
      return 0;
    }
    Path dir = Files.createTempDirectory("lookout-am-");
    Path cfg = dir.resolve("am.yml");
    Files.writeString(cfg, "route: {receiver: blackhole}\nreceivers: [{name: blackhole}]\n");
    int port = ServerProcess.freePort();
    alertmanager = new ProcessBuilder(ALERTMANAGER.toString(), "--config.file=" + cfg,
        "--storage.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port, "--cluster.listen-address=")
        .redirectErrorStream(true).redirectOutput(dir.resolve("am.log").toFile()).start();
    Http.await("alertmanager ready", Duration.ofSeconds(30), () -> {
      try {
        return Http.get("http://127.0.0.1:" + port + "/-/ready").statusCode() == 200;
      } catch (RuntimeException e) {
        return false;
      }
    });
    return port;
  }
}
