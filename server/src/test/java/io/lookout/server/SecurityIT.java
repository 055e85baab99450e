package io.lookout.server;

import static io.lookout.server.Http.data;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lookout.server.auth.AccessPolicy;
import io.lookout.server.auth.AuthRoutes;
import io.lookout.server.auth.TokenTable;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * LOOKOUT_AUTH=token with the real server process: every route of the API router is in the route
 * table and refuses requests without credentials; roles are enforced; the tenant comes from the
 * token, never from X-Scope-OrgID, on every API.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecurityIT {
  static final String ACME_INGEST = "acme-ingest-7f3a9c";
  static final String ACME_VIEWER = "acme-viewer-5b2e11";
  static final String ACME_EDITOR = "acme-editor-c0ffee";
  static final String ADMIN = "acme-admin-9d8e7f";
  static final String GLOBEX_INGEST = "globex-ingest-1a2b3c";
  static final String GLOBEX_VIEWER = "globex-viewer-4d5e6f";
  static final String GLOBEX_EDITOR = "globex-editor-778899";

  private ServerProcess server;

  @BeforeAll
  void start() throws Exception {
    Path dir = Files.createTempDirectory("lookout-security-");
    Path tokens = dir.resolve("tokens.yaml");
    Files.writeString(tokens, "tokens:\n"
        + entry("acme", "ingest", ACME_INGEST)
        + entry("acme", "viewer", ACME_VIEWER)
        + entry("acme", "editor", ACME_EDITOR)
        + entry("acme", "admin", ADMIN)
        + entry("globex", "ingest", GLOBEX_INGEST)
        + entry("globex", "viewer", GLOBEX_VIEWER)
        + entry("globex", "editor", GLOBEX_EDITOR));
    server = new ServerProcess(Files.createDirectory(dir.resolve("data")), ServerProcess.env(
        "LOOKOUT_AUTH", "token", "LOOKOUT_TOKENS_FILE", tokens.toString(),
        "LOOKOUT_SPANMETRICS_INTERVAL", "1s", "LOOKOUT_RULES_DIR", Files.createDirectory(dir.resolve("rules")).toString()))
        .start();
  }

  @AfterAll
  void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  private static String entry(String tenant, String role, String token) {
    return "  - {tenant: " + tenant + ", role: " + role + ", sha256: \"" + TokenTable.hash(token) + "\"}\n";
  }

  /** A route of the API router as the admin listing reports it. */
  record Listed(String path, boolean anyMethod, Map<String, String> roles) {}

  private List<Listed> routes() {
    JsonNode rows = data(get("/api/v1/admin/routes", ADMIN));
    List<Listed> out = new ArrayList<>();
    for (JsonNode row : rows) {
      Map<String, String> roles = new java.util.TreeMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = row.get("roles").fields(); it.hasNext(); ) {
        var e = it.next();
        roles.put(e.getKey(), e.getValue().isNull() ? null : e.getValue().asText());
      }
      out.add(new Listed(row.get("path").asText(), row.get("anyMethod").asBoolean(), roles));
    }
    return out;
  }

  @Test
  void everyRouteIsInTheRouteTable() {
    List<Listed> routes = routes();
    assertThat(routes).extracting(Listed::path)
        .contains("/healthz", "/api/v1/logs", "/prometheus/api/v1/write", "/api/v1/alerting/rules", "/jaeger/api/traces");
    List<String> missing = new ArrayList<>();
    for (Listed r : routes) {
      if (r.path().endsWith("*")) {
        continue; // catch-all 404 and failure handlers: refused unless a rule covers the request
      }
      if (r.anyMethod()) {
        if (r.roles().values().stream().allMatch(v -> v == null)) {
          missing.add("ANY " + r.path());
        }
      } else {
        r.roles().forEach((m, role) -> {
          if (role == null) {
            missing.add(m + " " + r.path());
          }
        });
      }
    }
    assertThat(missing).as("routes missing from AccessPolicy (add them to the route table)").isEmpty();
  }

  @Test
  void everyNonPublicRouteRefusesRequestsWithoutCredentials() {
    List<String> wrong = new ArrayList<>();
    for (Listed r : routes()) {
      String path = AuthRoutes.sample(r.path());
      r.roles().forEach((method, role) -> {
        if ("public".equals(role)) {
          return;
        }
        HttpResponse<String> resp = send(method, path, null, null, "X-Scope-OrgID", "acme");
        if (resp.statusCode() != 401 || resp.headers().firstValue("WWW-Authenticate").isEmpty()) {
          wrong.add(method + " " + path + " -> " + resp.statusCode());
        }
        HttpResponse<String> bad = send(method, path, "not-a-token");
        if (bad.statusCode() != 401) {
          wrong.add(method + " " + path + " with an invalid token -> " + bad.statusCode());
        }
      });
    }
    assertThat(wrong).isEmpty();
    assertThat(get("/healthz", null).statusCode()).isEqualTo(200);
    assertThat(get("/readyz", null).statusCode()).isEqualTo(200);
  }

  @Test
  void rolesAreEnforcedOnEveryRoute() {
    List<String> wrong = new ArrayList<>();
    int editorRoutes = 0;
    for (Listed r : routes()) {
      String path = AuthRoutes.sample(r.path());
      for (Map.Entry<String, String> e : r.roles().entrySet()) {
        String method = e.getKey();
        String role = e.getValue();
        if (role == null || role.equals("public")) {
          continue;
        }
        String[] tooLow = switch (role) {
          case "ingest" -> new String[] {ACME_VIEWER, ACME_EDITOR};
          case "viewer" -> new String[] {ACME_INGEST};
          case "editor" -> new String[] {ACME_VIEWER, ACME_INGEST};
          case "admin" -> new String[] {ACME_EDITOR, ACME_INGEST};
          default -> throw new AssertionError("unknown role " + role);
        };
        if (role.equals("editor")) {
          editorRoutes++;
        }
        for (String token : tooLow) {
          int status = send(method, path, token).statusCode();
          if (status != 403) {
            wrong.add(method + " " + path + " (" + role + ") with " + token + " -> " + status);
          }
        }
      }
    }
    assertThat(editorRoutes).isPositive();
    assertThat(wrong).isEmpty();
    // a route missing from the table is refused even for admin (default deny)
    assertThat(send("GET", "/api/v1/nonexistent", ADMIN).statusCode()).isEqualTo(403);
    assertThat(send("GET", "/api/v1/logs?query=x&start=now-1h", ACME_VIEWER).statusCode()).isEqualTo(200);
  }

  @Test
  void tenantsNeverSeeEachOthersDataOnAnyApi() throws Exception {
    // each tenant ingests with its own token; acme also forges the other tenant's header
    assertThat(Http.post(server.otlpHttp() + "/v1/logs", "application/x-protobuf",
        OtlpRequests.logs("acme-svc", List.of("acme secret marker")).toByteArray(),
        "Authorization", "Bearer " + ACME_INGEST, "X-Scope-OrgID", "globex").statusCode()).isEqualTo(200);
    assertThat(Http.post(server.otlpHttp() + "/v1/logs", "application/x-protobuf",
        OtlpRequests.logs("globex-svc", List.of("globex secret marker")).toByteArray(),
        "Authorization", "Bearer " + GLOBEX_INGEST).statusCode()).isEqualTo(200);
    assertThat(Http.post(server.otlpHttp() + "/v1/traces", "application/x-protobuf",
        AlertingIT.spans("acme-svc", 3, 0).toByteArray(), "Authorization", "Bearer " + ACME_INGEST).statusCode())
        .isEqualTo(200);
    assertThat(Http.post(server.otlpHttp() + "/v1/traces", "application/x-protobuf",
        AlertingIT.spans("globex-svc", 3, 0).toByteArray(), "Authorization", "Bearer " + GLOBEX_INGEST).statusCode())
        .isEqualTo(200);
    // without a token, or with a reading token, ingest is refused
    assertThat(Http.post(server.otlpHttp() + "/v1/logs", "application/x-protobuf",
        OtlpRequests.logs("x", List.of("anonymous")).toByteArray()).statusCode()).isEqualTo(401);
    assertThat(Http.post(server.otlpHttp() + "/v1/logs", "application/x-protobuf",
        OtlpRequests.logs("x", List.of("reader")).toByteArray(), "Authorization", "Bearer " + ACME_VIEWER).statusCode())
        .isEqualTo(403);

    // rules: each editor creates a group in its own tenant
    String group = "{\"name\":\"%s\",\"interval\":\"15s\",\"rules\":[{\"alert\":\"%s\",\"expr\":\"vector(1)\"}]}";
    assertThat(send("POST", "/api/v1/alerting/rules", ACME_EDITOR, group.formatted("acme-group", "AcmeAlert"),
        "X-Scope-OrgID", "globex").statusCode()).isEqualTo(201);
    assertThat(send("POST", "/api/v1/alerting/rules", GLOBEX_EDITOR, group.formatted("globex-group", "GlobexAlert"))
        .statusCode()).isEqualTo(201);

    Http.await("both tenants' logs searchable", Duration.ofSeconds(30), () ->
        data(get("/api/v1/logs?query=marker&start=now-1h", ACME_VIEWER)).get("hits").size() == 1
            && data(get("/api/v1/logs?query=marker&start=now-1h", GLOBEX_VIEWER)).get("hits").size() == 1);
    Http.await("span metrics of both tenants", Duration.ofSeconds(30), () ->
        data(get("/prometheus/api/v1/label/service/values", ACME_VIEWER)).size() > 0
            && data(get("/prometheus/api/v1/label/service/values", GLOBEX_VIEWER)).size() > 0);

    for (String[] viewer : new String[][] {{ACME_VIEWER, "acme", "globex"}, {GLOBEX_VIEWER, "globex", "acme"}}) {
      String token = viewer[0];
      String own = viewer[1];
      String other = viewer[2];
      // a forged X-Scope-OrgID naming the other tenant is replaced by the token's tenant
      String[] forged = {"X-Scope-OrgID", other};
      List<String> bodies = new ArrayList<>();
      bodies.add(send("GET", "/api/v1/logs?query=marker&start=now-1h", token, null, forged).body());
      bodies.add(send("GET", "/api/v1/logs/fields?start=now-1h", token, null, forged).body());
      bodies.add(send("GET", "/api/v1/logs/fields/service/values?start=now-1h", token, null, forged).body());
      bodies.add(send("GET", "/api/v1/traces?start=now-1h", token, null, forged).body());
      bodies.add(send("GET", "/api/v1/traces/services?start=now-1h", token, null, forged).body());
      bodies.add(send("GET", "/jaeger/api/services", token, null, forged).body());
      bodies.add(send("GET", "/jaeger/api/traces?service=" + other + "-svc&lookback=1h", token, null, forged).body());
      bodies.add(send("GET", "/prometheus/api/v1/label/service/values", token, null, forged).body());
      bodies.add(send("GET", "/prometheus/api/v1/series?match%5B%5D=%7Bservice%3D~%22.%2B%22%7D", token, null, forged).body());
      bodies.add(send("GET", "/prometheus/api/v1/query?query=" + Http.enc("count by (service) ({service=~\".+\"})"), token,
          null, forged).body());
      bodies.add(send("GET", "/prometheus/api/v1/rules", token, null, forged).body());
      bodies.add(send("GET", "/prometheus/api/v1/alerts", token, null, forged).body());
      bodies.add(send("GET", "/api/v1/alerting/rules", token, null, forged).body());
      bodies.add(send("GET", "/api/v1/alerting/alerts", token, null, forged).body());
      String all = String.join("\n", bodies);
      assertThat(all).as("what %s sees", own).contains(own + "-svc").contains(own + "-group")
          .doesNotContain(other + "-svc").doesNotContain(other + " secret").doesNotContain(other + "-group")
          .doesNotContain(capitalize(other) + "Alert");
    }
    // the other tenant's rule group cannot be read, replaced or deleted by name
    assertThat(send("GET", "/api/v1/alerting/rules/globex-group", ACME_EDITOR).statusCode()).isEqualTo(404);
    assertThat(send("DELETE", "/api/v1/alerting/rules/globex-group", ACME_EDITOR).statusCode()).isEqualTo(404);
  }

  private static String capitalize(String s) {
    return Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  private HttpResponse<String> get(String path, String token) {
    return send("GET", path, token);
  }

  private HttpResponse<String> send(String method, String path, String token) {
    return send(method, path, token, null);
  }

  private HttpResponse<String> send(String method, String path, String token, String body, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.api() + path)).timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return Http.send(b.build());
  }

  @SuppressWarnings("unused")
  private static AccessPolicy policy() {
    return AccessPolicy.standard(io.lookout.server.auth.Role.VIEWER);
  }
}
