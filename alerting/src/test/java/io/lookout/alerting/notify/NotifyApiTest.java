package io.lookout.alerting.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lookout.alerting.Alert;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NotifyApiTest extends Harness {
  @TempDir Path dir;
  private final HttpClient http = HttpClient.newHttpClient();
  private HttpServer server;
  private Notifier n;

  @BeforeEach
  void setUp() throws Exception {
    setUpHarness();
    n = start(options(dir), config("""
        receivers:
          - name: oncall
            webhook: {url: "%s"}
        route:
          receiver: oncall
          group_by: [alertname]
          group_wait: 10s
          group_interval: 1m
          repeat_interval: 5m
        """.formatted(hook.url("/hook"))));
    Router router = Router.router(vertx);
    n.mount(router);
    server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void tearDown() throws Exception {
    server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    tearDownHarness();
  }

  private HttpResponse<String> call(String method, String path, String tenant, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .header("Content-Type", "application/json");
    if (tenant != null) {
      b.header("X-Scope-OrgID", tenant);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode body(HttpResponse<String> r) throws Exception {
    return JSON.readTree(r.body());
  }

  @Test
  void aSilencedAlertSendsNothingAndNotifiesWhenTheSilenceEnds() throws Exception {
    HttpResponse<String> created = call("POST", "/api/v1/alerting/silences", null, """
        {"matchers": ["alertname=\\"CheckoutDown\\""], "duration": "1h", "createdBy": "ann", "comment": "deploy"}
        """);
    assertThat(created.statusCode()).isEqualTo(200);
    String id = body(created).at("/data/silenceID").asText();

    Alert a = firing(clock.instant(), "alertname", "CheckoutDown");
    for (int i = 0; i < 10; i++) {
      n.send("default", List.of(a));
      step(n, Duration.ofSeconds(15));
    }
    settle(n);
    assertThat(hook.requests).isEmpty();

    JsonNode list = body(call("GET", "/api/v1/alerting/silences", null, null));
    assertThat(list.at("/data/0/id").asText()).isEqualTo(id);
    assertThat(list.at("/data/0/status/state").asText()).isEqualTo("active");
    assertThat(list.at("/data/0/matchers/0").asText()).isEqualTo("alertname=\"CheckoutDown\"");

    assertThat(call("DELETE", "/api/v1/alerting/silences/" + id, null, null).statusCode()).isEqualTo(200);
    for (int i = 0; i < 5; i++) {
      n.send("default", List.of(a));
      step(n, Duration.ofSeconds(15));
    }
    settle(n);
    assertThat(hook.at("/hook")).hasSize(1);
    assertThat(json(hook.at("/hook").get(0)).get("status").asText()).isEqualTo("firing");
    assertThat(body(call("GET", "/api/v1/alerting/silences?state=expired", null, null)).at("/data/0/id").asText())
        .isEqualTo(id);
  }

  @Test
  void anAcknowledgedAlertStopsRepeatingButStillSendsItsResolution() throws Exception {
    Alert a = firing(clock.instant(), "alertname", "CheckoutDown");
    for (int i = 0; i < 24; i++) { // 6 minutes: the first notification and one repeat after 5m
      n.send("default", List.of(a));
      step(n, Duration.ofSeconds(15));
    }
    settle(n);
    assertThat(hook.at("/hook")).hasSize(2);

    HttpResponse<String> ack = call("POST", "/api/v1/alerting/acks", null,
        "{\"fingerprint\": \"" + a.fingerprint() + "\", \"createdBy\": \"bob\", \"comment\": \"on it\"}");
    assertThat(ack.statusCode()).isEqualTo(200);
    assertThat(body(ack).at("/data/0/labels/alertname").asText()).isEqualTo("CheckoutDown");
    assertThat(body(call("GET", "/api/v1/alerting/acks", null, null)).at("/data/0/fingerprint").asText())
        .isEqualTo(a.fingerprint());

    for (int i = 0; i < 120; i++) { // 30 minutes: no repeats while acknowledged
      n.send("default", List.of(a));
      step(n, Duration.ofSeconds(15));
    }
    settle(n);
    assertThat(hook.at("/hook")).hasSize(2);

    for (int i = 0; i < 10; i++) {
      n.send("default", List.of(resolved(a, clock.instant())));
      step(n, Duration.ofSeconds(15));
    }
    settle(n);
    assertThat(hook.at("/hook")).hasSize(3);
    assertThat(json(hook.at("/hook").get(2)).get("status").asText()).isEqualTo("resolved");
    // the ack ended with the incident
    assertThat(body(call("GET", "/api/v1/alerting/acks", null, null)).at("/data").size()).isZero();
  }

  @Test
  void unAcknowledgingResumesRepeats() throws Exception {
    Alert a = firing(clock.instant(), "alertname", "A");
    n.send("default", List.of(a));
    step(n, Duration.ofSeconds(10));
    settle(n);
    call("POST", "/api/v1/alerting/acks", null, "{\"matchers\": [\"alertname=A\"], \"createdBy\": \"bob\"}");
    for (int i = 0; i < 8; i++) {
      n.send("default", List.of(a));
      step(n, Duration.ofMinutes(1));
    }
    settle(n);
    assertThat(hook.at("/hook")).hasSize(1);
    assertThat(call("DELETE", "/api/v1/alerting/acks/" + a.fingerprint(), null, null).statusCode()).isEqualTo(200);
    n.send("default", List.of(a));
    step(n, Duration.ofMinutes(1));
    settle(n);
    assertThat(hook.at("/hook")).hasSize(2);
  }

  @Test
  void notificationsListAttemptsNewestFirstFilteredByStateAndReceiver() throws Exception {
    hook.answer(500);
    n.send("default", List.of(firing(clock.instant(), "alertname", "A")));
    step(n, Duration.ofSeconds(10));
    settle(n);
    JsonNode pending = body(call("GET", "/api/v1/alerting/notifications?state=pending", null, null));
    assertThat(pending.at("/data").size()).isEqualTo(1);
    assertThat(pending.at("/data/0/attempts/0/statusCode").asInt()).isEqualTo(500);
    assertThat(pending.at("/data/0/attempts/0/backoffMs").asLong()).isEqualTo(1000);
    step(n, Duration.ofSeconds(1));
    settle(n);
    n.send("default", List.of(firing(clock.instant(), "alertname", "B")));
    step(n, Duration.ofSeconds(10));
    settle(n);

    JsonNode all = body(call("GET", "/api/v1/alerting/notifications?receiver=oncall", null, null));
    assertThat(all.at("/data").size()).isEqualTo(2);
    assertThat(all.at("/data/0/groupKey").asText()).contains("B"); // newest first
    assertThat(all.at("/data/1/state").asText()).isEqualTo("delivered");
    assertThat(all.at("/data/1/attemptCount").asInt()).isEqualTo(2);
    assertThat(body(call("GET", "/api/v1/alerting/notifications?receiver=other", null, null)).at("/data").size())
        .isZero();
    assertThat(body(call("GET", "/api/v1/alerting/notifications", "acme", null)).at("/data").size()).isZero();
  }

  @Test
  void tenantsSeeOnlyTheirOwnSilencesAndAcks() throws Exception {
    String id = body(call("POST", "/api/v1/alerting/silences", "acme",
        "{\"matchers\": [{\"name\": \"alertname\", \"value\": \"A.*\", \"isRegex\": true}], \"duration\": \"1h\","
            + " \"createdBy\": \"ann\"}")).at("/data/silenceID").asText();
    assertThat(body(call("GET", "/api/v1/alerting/silences", "acme", null)).at("/data").size()).isEqualTo(1);
    assertThat(body(call("GET", "/api/v1/alerting/silences", "globex", null)).at("/data").size()).isZero();
    assertThat(call("DELETE", "/api/v1/alerting/silences/" + id, "globex", null).statusCode()).isEqualTo(404);

    n.send("acme", List.of(firing(clock.instant(), "alertname", "X")));
    n.tickNow().get(5, TimeUnit.SECONDS);
    HttpResponse<String> r = call("POST", "/api/v1/alerting/acks", "globex", "{\"matchers\": [\"alertname=X\"]}");
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(body(r).get("status").asText()).isEqualTo("error");
  }

  @Test
  void badInputAnswersTheErrorEnvelope() throws Exception {
    HttpResponse<String> r = call("POST", "/api/v1/alerting/silences", null,
        "{\"matchers\": [\"alertname=~\\\".*\\\"\"], \"duration\": \"1h\", \"createdBy\": \"x\"}");
    assertThat(r.statusCode()).isEqualTo(400);
    JsonNode b = body(r);
    assertThat(b.get("status").asText()).isEqualTo("error");
    assertThat(b.get("errorType").asText()).isEqualTo("bad_data");
    assertThat(b.get("error").asText()).contains("match every alert");

    assertThat(body(call("POST", "/api/v1/alerting/silences", null, "{\"matchers\": [\"a=b\"], \"createdBy\": \"x\"}"))
        .get("error").asText()).contains("endsAt");
    assertThat(call("POST", "/api/v1/alerting/silences", null, "not json").statusCode()).isEqualTo(400);
    assertThat(call("POST", "/api/v1/alerting/silences", null, "{\"matchers\": [\"a==b\"], \"duration\": \"1h\","
        + " \"createdBy\": \"x\"}").statusCode()).isEqualTo(400);
    assertThat(call("GET", "/api/v1/alerting/notifications?state=lost", null, null).statusCode()).isEqualTo(400);
    assertThat(call("GET", "/api/v1/alerting/silences", "bad tenant!", null).statusCode()).isEqualTo(400);
    assertThat(call("DELETE", "/api/v1/alerting/silences/nope", null, null).statusCode()).isEqualTo(404);
    assertThat(call("DELETE", "/api/v1/alerting/acks/nope", null, null).statusCode()).isEqualTo(404);
  }

  @Test
  void silencesAndAcksSurviveARestart() throws Exception {
    call("POST", "/api/v1/alerting/silences", null,
        "{\"matchers\": [\"alertname=A\"], \"duration\": \"1h\", \"createdBy\": \"ann\"}");
    Alert a = firing(clock.instant(), "alertname", "B");
    n.send("default", List.of(a));
    n.tickNow().get(5, TimeUnit.SECONDS);
    call("POST", "/api/v1/alerting/acks", null, "{\"fingerprint\": \"" + a.fingerprint() + "\"}");
    n.close();
    notifiers.remove(n);
    Notifier again = start(options(dir), NotifyConfig.empty());
    assertThat(again.call(() -> again.engine().state().silences.size()).get()).isEqualTo(1);
    assertThat(again.call(() -> again.engine().state().acks.size()).get()).isEqualTo(1);
  }
}
