package io.lookout.alerting.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lookout.alerting.rules.QueryPoint;
import io.lookout.alerting.rules.RuleSpec;
import io.lookout.model.metrics.Labels;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AlertingRoutesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path tmp;
  Vertx vertx = Vertx.vertx();
  MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
  HttpClient http = HttpClient.newHttpClient();
  RuleEngine engine;
  HttpServer server;

  @AfterEach
  void tearDown() {
    if (engine != null) {
      engine.close();
    }
    vertx.close();
  }

  void start() throws Exception {
    Path rules = Files.createDirectories(tmp.resolve("rules"));
    Files.writeString(rules.resolve("file.yml"), """
        groups:
          - name: from-file
            rules:
              - alert: FileAlert
                expr: vector(1)
        """);
    engine = new RuleEngine(new RuleEngine.Options(tmp.resolve("data"), rules, Duration.ofSeconds(15), Duration.ZERO,
        Duration.ofSeconds(1), "", 1000, 1, 1000),
        (tenant, q, ts) -> q instanceof RuleSpec.Promql ? List.of(new QueryPoint(Labels.of("job", "x"), 1.5)) : List.of(),
        null, (t, a) -> { }, c -> { }, vertx, new PrometheusRegistry(), clock);
    engine.start(false);
    Router router = Router.router(vertx);
    new AlertingRoutes(vertx, engine, clock).mount(router);
    server = vertx.createHttpServer().requestHandler(router).listen(0).toCompletionStage().toCompletableFuture().get();
  }

  HttpResponse<String> call(String method, String path, String body, String tenant) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (tenant != null) {
      b.header("X-Scope-OrgID", tenant);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode json(HttpResponse<String> r) throws Exception {
    return JSON.readTree(r.body());
  }

  static final String GROUP = """
      {"name": "api-group", "interval": "30s", "rules": [
        {"alert": "ApiAlert", "expr": "up == 0", "for": "1m", "labels": {"severity": "page"},
         "annotations": {"summary": "value {{ $value }}"}}]}
      """;

  @Test
  void createListUpdateDeleteAndPersistApiRules() throws Exception {
    start();
    HttpResponse<String> created = call("POST", "/api/v1/alerting/rules", GROUP, "acme");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(json(created).at("/data/name").asText()).isEqualTo("api-group");
    assertThat(call("POST", "/api/v1/alerting/rules", GROUP, "acme").statusCode()).isEqualTo(409);
    // another tenant does not see it
    assertThat(json(call("GET", "/api/v1/alerting/rules", null, "other")).at("/data/groups").findValuesAsText("name"))
        .doesNotContain("api-group");

    engine.evaluateAllNow();
    JsonNode list = json(call("GET", "/api/v1/alerting/rules", null, "acme"));
    JsonNode group = list.at("/data/groups/0");
    assertThat(group.get("name").asText()).isEqualTo("api-group");
    JsonNode rule = group.at("/rules/0");
    assertThat(rule.get("state").asText()).isEqualTo("pending");
    assertThat(rule.get("health").asText()).isEqualTo("ok");
    assertThat(rule.at("/alerts/0/annotations/summary").asText()).isEqualTo("value 1.5");

    HttpResponse<String> updated = call("PUT", "/api/v1/alerting/rules/api-group", GROUP.replace("30s", "1m"), "acme");
    assertThat(updated.statusCode()).isEqualTo(200);
    assertThat(json(updated).at("/data/interval").asDouble()).isEqualTo(60);
    // state of the unchanged rule survives the update
    assertThat(json(updated).at("/data/rules/0/alerts/0/state").asText()).isEqualTo("pending");

    // persisted: a new engine on the same data dir has the group
    engine.close();
    server.close();
    start();
    assertThat(json(call("GET", "/api/v1/alerting/rules/api-group", null, "acme")).at("/data/interval").asDouble())
        .isEqualTo(60);
    assertThat(call("DELETE", "/api/v1/alerting/rules/api-group", null, "acme").statusCode()).isEqualTo(200);
    assertThat(call("GET", "/api/v1/alerting/rules/api-group", null, "acme").statusCode()).isEqualTo(404);
  }

  @Test
  void fileRulesAreReadOnlyAndBadBodiesAre400() throws Exception {
    start();
    HttpResponse<String> put = call("PUT", "/api/v1/alerting/rules/from-file",
        "{\"name\": \"from-file\", \"rules\": []}", null);
    assertThat(put.statusCode()).isEqualTo(409);
    assertThat(json(put).get("error").asText()).contains("file.yml").contains("read-only");
    assertThat(call("DELETE", "/api/v1/alerting/rules/from-file", null, null).statusCode()).isEqualTo(409);

    HttpResponse<String> bad = call("POST", "/api/v1/alerting/rules",
        "{\"name\": \"x\", \"rules\": [{\"alert\": \"A\", \"expr\": \"sum(\"}]}", null);
    assertThat(bad.statusCode()).isEqualTo(400);
    JsonNode err = json(bad);
    assertThat(err.get("status").asText()).isEqualTo("error");
    assertThat(err.get("errorType").asText()).isEqualTo("bad_data");
    assertThat(err.get("error").asText()).contains("rules[0].expr: invalid PromQL");
    assertThat(call("POST", "/api/v1/alerting/rules", "name: [", null).statusCode()).isEqualTo(400);
  }

  @Test
  void prometheusCompatibleRulesAndAlerts() throws Exception {
    start();
    engine.evaluateAllNow();
    JsonNode rules = json(call("GET", "/prometheus/api/v1/rules", null, null));
    assertThat(rules.get("status").asText()).isEqualTo("success");
    JsonNode g = rules.at("/data/groups/0");
    assertThat(g.get("name").asText()).isEqualTo("from-file");
    assertThat(g.get("file").asText()).endsWith("file.yml");
    assertThat(g.get("interval").asDouble()).isEqualTo(15);
    JsonNode r = g.at("/rules/0");
    assertThat(r.get("type").asText()).isEqualTo("alerting");
    assertThat(r.get("state").asText()).isEqualTo("firing");
    assertThat(r.get("duration").asDouble()).isZero();
    assertThat(r.get("query").asText()).isEqualTo("vector(1)");
    assertThat(r.at("/alerts/0/value").asText()).isEqualTo("1.5e+00");
    assertThat(r.at("/alerts/0/activeAt").asText()).isEqualTo("2026-03-01T10:00:00Z");
    assertThat(r.get("lastEvaluation").asText()).isEqualTo("2026-03-01T10:00:00Z");
    assertThat(json(call("GET", "/prometheus/api/v1/rules?type=record", null, null)).at("/data/groups")).isEmpty();

    JsonNode alerts = json(call("GET", "/prometheus/api/v1/alerts", null, null));
    assertThat(alerts.at("/data/alerts/0/labels/alertname").asText()).isEqualTo("FileAlert");
    assertThat(alerts.at("/data/alerts/0/state").asText()).isEqualTo("firing");

    JsonNode history = json(call("GET", "/api/v1/alerting/history?alertname=FileAlert&state=firing", null, null));
    assertThat(history.at("/data/entries/0/to").asText()).isEqualTo("firing");
    assertThat(call("GET", "/api/v1/alerting/history?limit=0", null, null).statusCode()).isEqualTo(400);
    JsonNode current = json(call("GET", "/api/v1/alerting/alerts?state=firing", null, null));
    assertThat(current.at("/data/alerts/0/fingerprint").asText()).hasSize(16);
  }

  @Test
  void deeplyNestedRuleBodiesAreRefusedWith400InJsonAndYaml() throws Exception {
    start();
    String deepJson = "{\"name\": \"g\", \"rules\": " + "[".repeat(500) + "]".repeat(500) + "}";
    HttpResponse<String> json = call("POST", "/api/v1/alerting/rules", deepJson, "acme");
    assertThat(json.statusCode()).isEqualTo(400);
    assertThat(json(json).get("error").asText()).contains("deeper than 64 levels");
    StringBuilder yaml = new StringBuilder("name: g\nrules:\n");
    for (int i = 0; i < 200; i++) {
      yaml.append("  ".repeat(i + 1)).append("a:\n");
    }
    HttpResponse<String> deepYaml = call("POST", "/api/v1/alerting/rules", yaml.toString(), "acme");
    assertThat(deepYaml.statusCode()).isEqualTo(400);
    assertThat(json(deepYaml).get("error").asText()).contains("deeper than 64 levels");
    assertThat(call("POST", "/api/v1/alerting/rules", GROUP, "acme").statusCode()).isEqualTo(201);
  }
}
