package io.lookout.alerting.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lookout.alerting.Alert;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NotifierTest extends Harness {
  @TempDir Path dir;

  @BeforeEach
  void setUp() throws Exception {
    setUpHarness();
  }

  @AfterEach
  void tearDown() throws Exception {
    tearDownHarness();
  }

  private String oncall(String extraRoute) {
    return """
        receivers:
          - name: oncall
            webhook: {url: "%s", secret: "s3cret", headers: {X-Team: pay}}
        route:
          receiver: oncall
          group_by: [alertname]
          group_wait: 10s
          group_interval: 1m
          repeat_interval: 4h
        %s
        """.formatted(hook.url("/hook"), extraRoute);
  }

  @Test
  void sendsExactlyOneFiringAndOneResolvedPerIncident() throws Exception {
    Notifier n = start(options(dir), config(oncall("")));
    Alert a = firing(clock.instant(), "alertname", "CheckoutDown", "service", "checkout");
    for (int i = 0; i < 300; i++) { // five minutes of evaluations every second
      n.send("default", List.of(a));
      step(n, Duration.ofSeconds(1));
    }
    settle(n);
    Alert r = resolved(a, clock.instant());
    for (int i = 0; i < 300; i++) {
      n.send("default", List.of(r));
      step(n, Duration.ofSeconds(1));
    }
    settle(n);

    List<TestWebhook.Request> got = hook.at("/hook");
    assertThat(got).hasSize(2);
    JsonNode first = json(got.get(0));
    JsonNode second = json(got.get(1));
    assertV4Shape(first);
    assertV4Shape(second);
    assertThat(first.get("status").asText()).isEqualTo("firing");
    assertThat(first.at("/alerts/0/endsAt").asText()).isEqualTo("0001-01-01T00:00:00Z");
    assertThat(first.at("/alerts/0/fingerprint").asText()).isEqualTo(a.fingerprint());
    assertThat(first.at("/groupLabels").toString()).isEqualTo("{\"alertname\":\"CheckoutDown\"}");
    assertThat(first.at("/commonLabels/service").asText()).isEqualTo("checkout");
    assertThat(first.at("/commonAnnotations/summary").asText()).isEqualTo("it broke");
    assertThat(first.get("groupKey").asText()).isEqualTo("{}:{alertname=\"CheckoutDown\"}");
    assertThat(first.get("receiver").asText()).isEqualTo("oncall");
    assertThat(first.get("truncatedAlerts").asInt()).isZero();
    assertThat(second.get("status").asText()).isEqualTo("resolved");
    assertThat(second.at("/alerts/0/status").asText()).isEqualTo("resolved");
    assertThat(second.at("/alerts/0/endsAt").asText()).isEqualTo(r.endsAt().toString());
    for (TestWebhook.Request req : got) {
      assertThat(req.header("X-Lookout-Signature"))
          .isEqualTo("sha256=" + hmacHex("s3cret", req.body()));
      assertThat(req.header("X-Team")).isEqualTo("pay");
      assertThat(req.header("Content-Type")).startsWith("application/json");
    }
    assertThat(got.get(0).header("X-Lookout-Notification-Id"))
        .isNotEqualTo(got.get(1).header("X-Lookout-Notification-Id"));
  }

  @Test
  void retriesServerErrorsWithGrowingBackoffAndTheSameId() throws Exception {
    hook.answer(500, 500, 500);
    Notifier n = start(options(dir), config(oncall("")));
    n.send("default", List.of(firing(clock.instant(), "alertname", "A")));
    step(n, Duration.ofSeconds(10));
    for (int i = 0; i < 4; i++) {
      settle(n);
      step(n, Duration.ofSeconds(30)); // the largest backoff bound: every retry is due
    }
    settle(n);
    List<TestWebhook.Request> got = hook.at("/hook");
    assertThat(got).hasSize(4);
    assertThat(got.stream().map(r -> r.header("X-Lookout-Notification-Id")).collect(Collectors.toSet()))
        .hasSize(1);
    assertThat(got.stream().map(r -> new String(r.body(), StandardCharsets.UTF_8)).collect(Collectors.toSet()))
        .hasSize(1);
    Outbox.Entry e = n.call(() -> n.outbox().newestFirst().get(0)).get(5, TimeUnit.SECONDS);
    assertThat(e.state).isEqualTo("delivered");
    assertThat(e.attempts).isEqualTo(4);
    List<Outbox.Attempt> attempts = List.copyOf(e.recent);
    assertThat(attempts).extracting(Outbox.Attempt::status).containsExactly(500, 500, 500, 200);
    assertThat(attempts.subList(0, 3)).extracting(Outbox.Attempt::backoffCapMs).containsExactly(1000L, 2000L, 4000L);
    for (Outbox.Attempt a : attempts.subList(0, 3)) {
      assertThat(a.nextAt() - a.at()).isBetween(0L, a.backoffCapMs());
    }
  }

  @Test
  void honoursRetryAfterOn429AndFailsPermanentlyOnOther4xx() throws Exception {
    hook.script.add(new TestWebhook.Answer(429, "20"));
    Notifier n = start(options(dir), config(oncall("")));
    n.send("default", List.of(firing(clock.instant(), "alertname", "A")));
    step(n, Duration.ofSeconds(10));
    settle(n);
    step(n, Duration.ofSeconds(19));
    settle(n);
    assertThat(hook.at("/hook")).hasSize(1); // Retry-After: 20 not yet elapsed
    step(n, Duration.ofSeconds(1));
    settle(n);
    assertThat(hook.at("/hook")).hasSize(2);

    hook.answer(400);
    n.send("default", List.of(firing(clock.instant(), "alertname", "B")));
    step(n, Duration.ofSeconds(10));
    settle(n);
    step(n, Duration.ofMinutes(2)); // within the resolve timeout of A: only B could be retried
    settle(n);
    assertThat(hook.at("/hook")).hasSize(3);
    Outbox.Entry e = n.call(() -> n.outbox().newestFirst().get(0)).get(5, TimeUnit.SECONDS);
    assertThat(e.state).isEqualTo("failed");
    assertThat(e.reason).contains("status 400");
  }

  @Test
  void restartResendsAPendingNotificationWithTheSameIdAndNeverNotifiesTwice() throws Exception {
    hook.defaultStatus = 503;
    Alert a = firing(clock.instant(), "alertname", "CheckoutDown");
    Notifier first = start(options(dir), config(oncall("")));
    first.send("default", List.of(a));
    step(first, Duration.ofSeconds(10));
    await(() -> hook.at("/hook").size() == 1, "first attempt");
    settle(first);
    first.close();
    notifiers.remove(first);

    hook.defaultStatus = 200;
    Notifier second = start(options(dir), config(oncall("")));
    step(second, Duration.ofSeconds(30));
    settle(second);
    for (int i = 0; i < 120; i++) { // the rule engine keeps sending the same alert after the restart
      second.send("default", List.of(a));
      step(second, Duration.ofSeconds(1));
    }
    settle(second);
    List<TestWebhook.Request> got = hook.at("/hook");
    assertThat(got).hasSizeGreaterThanOrEqualTo(2);
    assertThat(got.stream().map(r -> r.header("X-Lookout-Notification-Id")).collect(Collectors.toSet()))
        .hasSize(1);
    assertThat(got.getLast().bodyText()).isEqualTo(got.getFirst().bodyText());

    // a third start after delivery: still nothing new for the same incident
    second.close();
    notifiers.remove(second);
    Notifier third = start(options(dir), config(oncall("")));
    for (int i = 0; i < 120; i++) {
      third.send("default", List.of(a));
      step(third, Duration.ofSeconds(1));
    }
    settle(third);
    assertThat(hook.at("/hook")).hasSize(got.size());
    // and the resolution is still sent once
    for (int i = 0; i < 120; i++) {
      third.send("default", List.of(resolved(a, clock.instant())));
      step(third, Duration.ofSeconds(1));
    }
    settle(third);
    assertThat(hook.at("/hook")).hasSize(got.size() + 1);
    assertThat(json(hook.at("/hook").getLast()).get("status").asText()).isEqualTo("resolved");
  }

  @Test
  void repeatsAnUnchangedFiringGroupAfterRepeatInterval() throws Exception {
    Notifier n = start(options(dir), config(oncall("").replace("repeat_interval: 4h", "repeat_interval: 10m")));
    Alert a = firing(clock.instant(), "alertname", "A");
    for (int i = 0; i < 25; i++) {
      n.send("default", List.of(a));
      step(n, Duration.ofMinutes(1));
    }
    settle(n);
    // first at ~10s, then every 10 minutes (checked at group_interval ticks)
    assertThat(hook.at("/hook")).hasSize(3);
  }

  @Test
  void routesByMatchersWithContinueAndGroupsByLabels() throws Exception {
    String yaml = """
        receivers:
          - name: default
            webhook: {url: "%s"}
          - name: pager
            webhook: {url: "%s"}
          - name: db
            webhook: {url: "%s"}
        route:
          receiver: default
          group_by: [alertname, service]
          group_wait: 5s
          routes:
            - matchers: ['severity="page"']
              receiver: pager
              continue: true
            - matchers: ['team=~"db.*"', 'env!="dev"']
              receiver: db
              group_by: [team]
        """.formatted(hook.url("/default"), hook.url("/pager"), hook.url("/db"));
    Notifier n = start(options(dir), config(yaml));
    Instant t = clock.instant();
    n.send("default", List.of(
        firing(t, "alertname", "Slow", "service", "a", "severity", "page", "team", "dba"),
        firing(t, "alertname", "Slow", "service", "a", "severity", "page", "team", "web"),
        firing(t, "alertname", "Slow", "service", "b", "severity", "ticket"),
        firing(t, "alertname", "Slow", "service", "b", "severity", "ticket", "host", "h2"),
        firing(t, "alertname", "Disk", "service", "c", "team", "dbx", "env", "dev")));
    step(n, Duration.ofSeconds(5));
    settle(n);

    List<TestWebhook.Request> pager = hook.at("/pager");
    assertThat(pager).hasSize(1); // both page alerts share alertname + service
    assertThat(json(pager.get(0)).get("alerts")).hasSize(2);
    List<TestWebhook.Request> db = hook.at("/db");
    assertThat(db).hasSize(1); // the page alert of team dba continued to the db route
    assertThat(json(db.get(0)).at("/groupLabels").toString()).isEqualTo("{\"team\":\"dba\"}");
    assertThat(json(db.get(0)).get("groupKey").asText()).isEqualTo("{}/{team=~\"db.*\",env!=\"dev\"}/1:{team=\"dba\"}");
    List<TestWebhook.Request> dflt = hook.at("/default");
    assertThat(dflt).hasSize(2); // service b (two alerts) and the dev Disk alert, grouped apart
    Set<String> groupLabels = dflt.stream().map(r -> {
      try {
        return json(r).at("/groupLabels").toString();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }).collect(Collectors.toSet());
    assertThat(groupLabels).containsExactlyInAnyOrder("{\"alertname\":\"Slow\",\"service\":\"b\"}",
        "{\"alertname\":\"Disk\",\"service\":\"c\"}");
  }

  @Test
  void neverMixesTenantsInAGroup() throws Exception {
    Notifier n = start(options(dir), config(oncall("")));
    Instant t = clock.instant();
    n.send("acme", List.of(firing(t, "alertname", "A")));
    n.send("globex", List.of(firing(t, "alertname", "A")));
    step(n, Duration.ofSeconds(10));
    settle(n);
    List<TestWebhook.Request> got = hook.at("/hook");
    assertThat(got).hasSize(2);
    assertThat(got.stream().map(r -> r.header("X-Lookout-Tenant")).collect(Collectors.toSet()))
        .containsExactlyInAnyOrder("acme", "globex");
    for (TestWebhook.Request r : got) {
      assertThat(json(r).get("alerts")).hasSize(1);
    }
  }

  @Test
  void routesByTenantWhichAnAlertLabelCannotOverride() throws Exception {
    String yaml = """
        receivers:
          - name: ops
            webhook: {url: "%s"}
          - name: acme-team
            webhook: {url: "%s"}
        route:
          receiver: ops
          group_wait: 5s
          routes:
            - matchers: ['tenant="acme"']
              receiver: acme-team
        """.formatted(hook.url("/ops"), hook.url("/acme"));
    Notifier n = start(options(dir), config(yaml));
    Instant t = clock.instant();
    n.send("acme", List.of(firing(t, "alertname", "A")));
    // a globex rule that labels its alert tenant="acme" still goes to globex's route
    n.send("globex", List.of(firing(t, "alertname", "B", "tenant", "acme")));
    step(n, Duration.ofSeconds(5));
    settle(n);
    List<TestWebhook.Request> acme = hook.at("/acme");
    assertThat(acme).hasSize(1);
    assertThat(acme.get(0).header("X-Lookout-Tenant")).isEqualTo("acme");
    assertThat(json(acme.get(0)).at("/alerts/0/labels/alertname").asText()).isEqualTo("A");
    List<TestWebhook.Request> ops = hook.at("/ops");
    assertThat(ops).hasSize(1);
    assertThat(ops.get(0).header("X-Lookout-Tenant")).isEqualTo("globex");
    assertThat(json(ops.get(0)).at("/alerts/0/labels/alertname").asText()).isEqualTo("B");
    // the alert keeps its own labels in the payload
    assertThat(json(ops.get(0)).at("/alerts/0/labels/tenant").asText()).isEqualTo("acme");
  }

  @Test
  void aNewAlertInANotifiedGroupWaitsForGroupInterval() throws Exception {
    Notifier n = start(options(dir), config(oncall("")));
    Instant t = clock.instant();
    Alert a = firing(t, "alertname", "A", "host", "1");
    Alert b = firing(t, "alertname", "A", "host", "2");
    n.send("default", List.of(a));
    step(n, Duration.ofSeconds(10));
    settle(n);
    assertThat(hook.at("/hook")).hasSize(1);
    n.send("default", List.of(a, b));
    step(n, Duration.ofSeconds(30));
    settle(n);
    assertThat(hook.at("/hook")).hasSize(1);
    n.send("default", List.of(a, b));
    step(n, Duration.ofSeconds(30)); // one group_interval after the first notification
    settle(n);
    assertThat(hook.at("/hook")).hasSize(2);
    assertThat(json(hook.at("/hook").get(1)).get("alerts")).hasSize(2);
  }

  @Test
  void aFiringAlertNotResentForResolveTimeoutIsResolved() throws Exception {
    Notifier n = start(options(dir).withResolveTimeout(Duration.ofMinutes(2)), config(oncall("")));
    n.send("default", List.of(firing(clock.instant(), "alertname", "A")));
    step(n, Duration.ofSeconds(10));
    settle(n);
    for (int i = 0; i < 5; i++) {
      step(n, Duration.ofMinutes(1));
    }
    settle(n);
    assertThat(hook.at("/hook")).hasSize(2);
    assertThat(json(hook.at("/hook").get(1)).get("status").asText()).isEqualTo("resolved");
  }

  @Test
  void emptyConfigKeepsAlertsAndSendsNothingUntilConfigured() throws Exception {
    Notifier n = start(options(dir), NotifyConfig.empty());
    n.send("default", List.of(firing(clock.instant(), "alertname", "A")));
    step(n, Duration.ofMinutes(1));
    settle(n);
    assertThat(hook.requests).isEmpty();
    n.configure(config(oncall("")));
    step(n, Duration.ofSeconds(10));
    settle(n);
    assertThat(hook.at("/hook")).hasSize(1);
  }

  static String hmacHex(String secret, byte[] body) throws Exception {
    javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
    mac.init(new javax.crypto.spec.SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return java.util.HexFormat.of().formatHex(mac.doFinal(body));
  }
}
