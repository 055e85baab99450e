package io.lookout.server;

import static io.lookout.server.Http.data;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Alerting end to end with the server jar as a process: a probe rule on a real HTTP service, a
 * real webhook receiver, kill -9 while pending, log and trace rules on ingested data, heartbeat.
 */
class AlertingIT {
  private static final String SECRET = "it-secret";

  /** A webhook request as the receiver got it. */
  record Hook(String body, Map<String, List<String>> headers) {
    JsonNode json() {
      return Http.json(body);
    }
  }

  HttpServer service;
  HttpServer receiver;
  final AtomicInteger serviceStatus = new AtomicInteger(200);
  final List<Hook> hooks = new CopyOnWriteArrayList<>();

  @BeforeEach
  void startServices() throws Exception {
    service = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    service.createContext("/health", ex -> {
      byte[] b = "ok".getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(serviceStatus.get(), b.length);
      ex.getResponseBody().write(b);
      ex.close();
    });
    service.start();
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext("/hook", ex -> {
      String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      hooks.add(new Hook(body, Map.copyOf(ex.getRequestHeaders())));
      ex.sendResponseHeaders(200, -1);
      ex.close();
    });
    receiver.start();
  }

  @AfterEach
  void stopServices() {
    service.stop(0);
    receiver.stop(0);
  }

  String rules(String forDuration) {
    return """
        groups:
          - name: health
            interval: 1s
            rules:
              - alert: CheckoutDown
                expr: probe_success{probe="checkout"} == 0
                for: %s
                labels: {severity: page}
                annotations: {summary: "{{ $labels.probe }} is down"}
        probes:
          - name: checkout
            url: http://127.0.0.1:%d/health
            interval: 1s
            timeout: 900ms
            expect_status: 200
        receivers:
          - name: oncall
            webhook: {url: "http://127.0.0.1:%d/hook", secret: "%s", headers: {X-Team: pay}}
        route:
          receiver: oncall
          group_by: [alertname]
          group_wait: 1s
          group_interval: 1s
          repeat_interval: 4h
        """.formatted(forDuration, service.getAddress().getPort(), receiver.getAddress().getPort(), SECRET);
  }

  static Path rulesDir(String yaml) throws Exception {
    Path dir = Files.createTempDirectory("lookout-rules-");
    Files.writeString(dir.resolve("alerts.yml"), yaml);
    return dir;
  }

  static Map<String, String> env(Path rulesDir, String heartbeat) {
    return ServerProcess.env("LOOKOUT_RULES_DIR", rulesDir.toString(), "LOOKOUT_ALERTING_EVAL_INTERVAL", "1s",
        "LOOKOUT_HEARTBEAT_THRESHOLD", heartbeat, "LOOKOUT_RULES_RELOAD_INTERVAL", "1s",
        "LOOKOUT_NOTIFY_BACKOFF_INITIAL", "200ms");
  }

  List<Hook> hooks(String status) {
    return hooks.stream().filter(h -> status.equals(h.json().path("status").asText())).toList();
  }

  static void assertSigned(Hook h) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    String expected = "sha256=" + HexFormat.of().formatHex(mac.doFinal(h.body().getBytes(StandardCharsets.UTF_8)));
    assertThat(header(h, "X-Lookout-Signature")).isEqualTo(expected);
    assertThat(header(h, "X-Lookout-Notification-Id")).isNotBlank();
    assertThat(header(h, "X-Team")).isEqualTo("pay");
  }

  static String header(Hook h, String name) {
    for (var e : h.headers().entrySet()) {
      if (e.getKey().equalsIgnoreCase(name)) {
        return e.getValue().get(0);
      }
    }
    return null;
  }

  static void assertV4(JsonNode p, String status) {
    assertThat(p.get("version").asText()).isEqualTo("4");
    assertThat(p.get("status").asText()).isEqualTo(status);
    assertThat(p.get("receiver").asText()).isEqualTo("oncall");
    for (String f : List.of("groupKey", "groupLabels", "commonLabels", "commonAnnotations", "externalURL",
        "truncatedAlerts", "alerts")) {
      assertThat(p.has(f)).as("field " + f + " in " + p).isTrue();
    }
    JsonNode a = p.at("/alerts/0");
    assertThat(a.get("status").asText()).isEqualTo(status);
    assertThat(a.at("/labels/alertname").asText()).isEqualTo("CheckoutDown");
    assertThat(a.at("/labels/probe").asText()).isEqualTo("checkout");
    assertThat(a.at("/annotations/summary").asText()).isEqualTo("checkout is down");
    for (String f : List.of("startsAt", "endsAt", "generatorURL", "fingerprint")) {
      assertThat(a.has(f)).as("alert field " + f).isTrue();
    }
  }

  @Test
  void failingServiceFiresOnceAndRecoveryResolvesOnce() throws Exception {
    Path dataDir = Files.createTempDirectory("lookout-alerting-");
    try (ServerProcess lookout = new ServerProcess(dataDir, env(rulesDir(rules("0s")), "0")).start()) {
      Http.await("probe up", Duration.ofSeconds(30), () -> "up".equals(
          data(Http.get(lookout.api() + "/api/v1/alerting/probes")).at("/probes/0/status").asText()));
      serviceStatus.set(503);
      Http.await("firing webhook", Duration.ofSeconds(30), () -> !hooks("firing").isEmpty());
      JsonNode rules = data(Http.get(lookout.api() + "/prometheus/api/v1/rules"));
      assertThat(rules.findValuesAsText("state")).contains("firing");
      serviceStatus.set(200);
      Http.await("resolved webhook", Duration.ofSeconds(30), () -> !hooks("resolved").isEmpty());
      // a few more evaluation and notification rounds: nothing else may arrive
      long rounds = evaluationsOf(lookout) + 3;
      Http.await("three more evaluations", Duration.ofSeconds(30), () -> evaluationsOf(lookout) >= rounds);
      assertThat(hooks("firing")).hasSize(1);
      assertThat(hooks("resolved")).hasSize(1);
      assertV4(hooks("firing").get(0).json(), "firing");
      assertV4(hooks("resolved").get(0).json(), "resolved");
      assertSigned(hooks("firing").get(0));
      assertSigned(hooks("resolved").get(0));
      JsonNode history = data(Http.get(lookout.api() + "/api/v1/alerting/history?alertname=CheckoutDown"));
      assertThat(history.get("entries").findValuesAsText("to")).contains("firing", "inactive");
    }
  }

  static long evaluationsOf(ServerProcess p) {
    String metrics = Http.get(p.api() + "/metrics").body();
    return metrics.lines().filter(l -> l.startsWith("lookout_alerting_rule_evaluations_total{kind=\"promql\"}"))
        .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }

  @Test
  void pendingAlertSurvivesKill9AndFiresOnTime() throws Exception {
    Path dataDir = Files.createTempDirectory("lookout-alerting-");
    Path rules = rulesDir(rules("20s"));
    Instant activeAt;
    try (ServerProcess first = new ServerProcess(dataDir, env(rules, "0")).start()) {
      Http.await("probe up", Duration.ofSeconds(30), () -> "up".equals(
          data(Http.get(first.api() + "/api/v1/alerting/probes")).at("/probes/0/status").asText()));
      serviceStatus.set(500);
      Http.await("pending", Duration.ofSeconds(30), () -> data(Http.get(first.api()
          + "/api/v1/alerting/alerts?state=pending")).get("alerts").size() == 1);
      activeAt = Instant.parse(data(Http.get(first.api() + "/api/v1/alerting/alerts?state=pending"))
          .at("/alerts/0/activeAt").asText());
      first.kill9();
    }
    try (ServerProcess second = new ServerProcess(dataDir, env(rules, "0")).start()) {
      JsonNode pending = data(Http.get(second.api() + "/api/v1/alerting/alerts"));
      if (pending.get("alerts").size() > 0) {
        assertThat(Instant.parse(pending.at("/alerts/0/activeAt").asText())).isEqualTo(activeAt);
      }
      Http.await("firing webhook after restart", Duration.ofSeconds(60), () -> !hooks("firing").isEmpty());
      Instant arrived = Instant.now();
      JsonNode alert = hooks("firing").get(0).json().at("/alerts/0");
      // the pending timer kept its start across the crash: the alert fired 20s after it, not 20s after restart
      assertThat(Instant.parse(alert.get("startsAt").asText())).isEqualTo(activeAt);
      assertThat(arrived).isAfterOrEqualTo(activeAt.plusSeconds(20));
      JsonNode firing = data(Http.get(second.api() + "/api/v1/alerting/alerts?state=firing")).at("/alerts/0");
      assertThat(Instant.parse(firing.get("firedAt").asText())).isBefore(activeAt.plusSeconds(20 + 3));
      assertThat(hooks("firing")).hasSize(1);
    }
  }

  @Test
  void logTraceAndHeartbeatRulesFireOnIngestedData() throws Exception {
    Path dataDir = Files.createTempDirectory("lookout-alerting-");
    Path rules = rulesDir("""
        groups:
          - name: signals
            interval: 1s
            rules:
              - alert: CheckoutErrors
                logs: {query: 'severity:ERROR AND service:checkout', window: 1m, threshold: 5, group_by: [resource.host.name]}
                annotations: {summary: "{{ $value }} errors on {{ $labels.resource_host_name }}"}
              - alert: PaymentsFailing
                traces: {service: payments, signal: error_rate, window: 1m, threshold: "10%"}
        """);
    try (ServerProcess lookout = new ServerProcess(dataDir, env(rules, "3s")).start()) {
      post(lookout, "/v1/logs", logs("checkout", "web-1", 6, SeverityNumber.SEVERITY_NUMBER_ERROR).toByteArray());
      post(lookout, "/v1/logs", logs("checkout", "web-2", 2, SeverityNumber.SEVERITY_NUMBER_ERROR).toByteArray());
      post(lookout, "/v1/logs", logs("checkout", "web-3", 9, SeverityNumber.SEVERITY_NUMBER_INFO).toByteArray());
      post(lookout, "/v1/traces", spans("payments", 10, 3).toByteArray());
      // a tenant with no rules at all: only its data makes the heartbeat watch it
      var acme = Http.post(lookout.otlpHttp() + "/v1/logs", "application/x-protobuf",
          logs("billing", "bill-1", 1, SeverityNumber.SEVERITY_NUMBER_INFO).toByteArray(), "X-Scope-OrgID", "acme");
      assertThat(acme.statusCode()).isEqualTo(200);

      Http.await("log and trace alerts firing", Duration.ofSeconds(30), () -> {
        JsonNode a = data(Http.get(lookout.api() + "/api/v1/alerting/alerts?state=firing")).get("alerts");
        return a.findValuesAsText("alertname").containsAll(List.of("CheckoutErrors", "PaymentsFailing"));
      });
      JsonNode firing = data(Http.get(lookout.api() + "/api/v1/alerting/alerts?state=firing")).get("alerts");
      List<JsonNode> checkout = stream(firing).filter(a -> a.at("/labels/alertname").asText().equals("CheckoutErrors"))
          .toList();
      assertThat(checkout).singleElement().satisfies(a -> {
        assertThat(a.at("/labels/resource_host_name").asText()).isEqualTo("web-1");
        assertThat(a.get("value").asDouble()).isEqualTo(6);
        assertThat(a.at("/annotations/summary").asText()).isEqualTo("6 errors on web-1");
      });
      JsonNode payments = stream(firing).filter(a -> a.at("/labels/alertname").asText().equals("PaymentsFailing"))
          .findFirst().orElseThrow();
      assertThat(payments.get("value").asDouble()).isEqualTo(0.3);
      assertThat(payments.at("/labels/service").asText()).isEqualTo("payments");

      // heartbeat: every service above went silent; nothing was configured for it
      Http.await("ServiceSilent for checkout", Duration.ofSeconds(30), () -> data(Http.get(lookout.api()
          + "/api/v1/alerting/alerts?state=firing&alertname=ServiceSilent")).get("alerts")
          .findValuesAsText("service").containsAll(List.of("checkout", "payments")));
      Http.await("ServiceSilent for billing of tenant acme", Duration.ofSeconds(30), () -> data(Http.get(lookout.api()
          + "/api/v1/alerting/alerts?state=firing&alertname=ServiceSilent", "acme")).get("alerts")
          .findValuesAsText("service").contains("billing"));
      assertThat(data(Http.get(lookout.api() + "/api/v1/alerting/alerts?alertname=ServiceSilent", "acme"))
          .get("alerts").findValuesAsText("service")).containsOnly("billing");
      assertThat(data(Http.get(lookout.api() + "/api/v1/alerting/alerts?alertname=ServiceSilent")).get("alerts")
          .findValuesAsText("service")).doesNotContain("billing");
      // a service that sends again resolves
      post(lookout, "/v1/logs", logs("checkout", "web-1", 1, SeverityNumber.SEVERITY_NUMBER_INFO).toByteArray());
      Http.await("ServiceSilent for checkout resolved", Duration.ofSeconds(30), () -> !data(Http.get(lookout.api()
          + "/api/v1/alerting/alerts?state=firing&alertname=ServiceSilent")).get("alerts")
          .findValuesAsText("service").contains("checkout"));
    }
  }

  static java.util.stream.Stream<JsonNode> stream(JsonNode array) {
    return java.util.stream.StreamSupport.stream(array.spliterator(), false);
  }

  static void post(ServerProcess p, String path, byte[] body) {
    var r = Http.post(p.otlpHttp() + path, "application/x-protobuf", body);
    assertThat(r.statusCode()).as(path).isEqualTo(200);
  }

  static ExportLogsServiceRequest logs(String service, String host, int n, SeverityNumber severity) {
    long now = System.currentTimeMillis() * 1_000_000L;
    ScopeLogs.Builder scope = ScopeLogs.newBuilder();
    for (int i = 0; i < n; i++) {
      scope.addLogRecords(LogRecord.newBuilder().setTimeUnixNano(now).setObservedTimeUnixNano(now)
          .setSeverityNumber(severity).setSeverityText(severity == SeverityNumber.SEVERITY_NUMBER_ERROR ? "ERROR" : "INFO")
          .setBody(AnyValue.newBuilder().setStringValue("payment failed " + i)));
    }
    return ExportLogsServiceRequest.newBuilder().addResourceLogs(ResourceLogs.newBuilder()
        .setResource(Resource.newBuilder().addAttributes(OtlpRequests.kv("service.name", service))
            .addAttributes(OtlpRequests.kv("host.name", host)))
        .addScopeLogs(scope)).build();
  }

  static ExportTraceServiceRequest spans(String service, int n, int errors) {
    long now = System.currentTimeMillis() * 1_000_000L;
    ScopeSpans.Builder scope = ScopeSpans.newBuilder();
    for (int i = 0; i < n; i++) {
      byte[] trace = new byte[16];
      byte[] span = new byte[8];
      ThreadLocalRandom.current().nextBytes(trace);
      ThreadLocalRandom.current().nextBytes(span);
      scope.addSpans(Span.newBuilder().setTraceId(ByteString.copyFrom(trace)).setSpanId(ByteString.copyFrom(span))
          .setName("charge").setKind(Span.SpanKind.SPAN_KIND_SERVER)
          .setStartTimeUnixNano(now - 5_000_000).setEndTimeUnixNano(now)
          .setStatus(Status.newBuilder().setCode(i < errors ? Status.StatusCode.STATUS_CODE_ERROR
              : Status.StatusCode.STATUS_CODE_OK)));
    }
    return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
        .setResource(Resource.newBuilder().addAttributes(OtlpRequests.kv("service.name", service)))
        .addScopeSpans(scope)).build();
  }
}
