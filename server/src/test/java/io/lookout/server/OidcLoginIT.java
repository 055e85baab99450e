package io.lookout.server;

import static io.lookout.server.Http.data;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lookout.server.auth.TokenTable;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The browser login (authorization code + PKCE) against a real OpenID Connect server,
 * mock-oauth2-server running as its own process, with the real Lookout server process: the test
 * plays the browser, following each redirect by hand and carrying the cookies. The session it
 * ends with searches its own tenant's logs; the issuer's access token works as a bearer JWT;
 * logout ends the session.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OidcLoginIT {
  static final String ISSUER_ID = "lookout";
  static final String CLIENT_ID = "lookout-ui";
  static final String ACME_INGEST = "acme-ingest-oidc-1";
  static final String GLOBEX_INGEST = "globex-ingest-oidc-2";
  /** Every token the issuer hands out says: alice of tenant acme, viewer and editor. */
  static final String MOCK_CONFIG = """
      {"interactiveLogin": false,
       "tokenCallbacks": [{"issuerId": "lookout", "tokenExpiry": 300,
         "requestMappings": [{"requestParam": "client_id", "match": "*",
           "claims": {"sub": "alice", "aud": ["lookout-ui"], "tenant": "acme", "roles": ["viewer", "editor"]}}]}]}
      """;

  /** No redirects followed: the test is the browser. */
  private final HttpClient browser = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
  private MockOidcProcess issuer;
  private ServerProcess server;
  private String marker;

  @BeforeAll
  void start() throws Exception {
    issuer = MockOidcProcess.start(MOCK_CONFIG, ISSUER_ID);
    Path dir = Files.createTempDirectory("lookout-oidc-");
    Path tokens = dir.resolve("tokens.yaml");
    Files.writeString(tokens, "tokens:\n"
        + "  - {tenant: acme, role: ingest, sha256: \"" + TokenTable.hash(ACME_INGEST) + "\"}\n"
        + "  - {tenant: globex, role: ingest, sha256: \"" + TokenTable.hash(GLOBEX_INGEST) + "\"}\n");
    server = new ServerProcess(Files.createDirectory(dir.resolve("data")), ServerProcess.env(
        "LOOKOUT_AUTH", "token,oidc", "LOOKOUT_TOKENS_FILE", tokens.toString(),
        "LOOKOUT_OIDC_ISSUER", issuer.issuer(ISSUER_ID), "LOOKOUT_OIDC_CLIENT_ID", CLIENT_ID,
        "LOOKOUT_RULES_DIR", Files.createDirectory(dir.resolve("rules")).toString())).start();
    marker = "m" + UUID.randomUUID().toString().replace("-", "");
    for (String[] t : new String[][] {{"acme", ACME_INGEST}, {"globex", GLOBEX_INGEST}}) {
      assertThat(Http.post(server.otlpHttp() + "/v1/logs", "application/x-protobuf",
          OtlpRequests.logs(t[0] + "-svc", List.of(t[0] + " log " + marker)).toByteArray(),
          "Authorization", "Bearer " + t[1]).statusCode()).isEqualTo(200);
    }
  }

  @AfterAll
  void stop() throws Exception {
    if (server != null) {
      server.close();
    }
    if (issuer != null) {
      issuer.close();
    }
  }

  @Test
  void browserLoginEndsWithASessionThatSearchesItsTenantsLogs() throws Exception {
    String search = "/api/v1/logs?query=" + marker + "&start=now-1h";
    // 1. a browser without a session asking for a page is sent to the login
    HttpResponse<String> page = get(server.api() + "/logs", null, "Accept", "text/html");
    assertThat(page.statusCode()).isEqualTo(302);
    assertThat(location(page)).startsWith("/auth/login");
    // 2. the login sends it to the issuer with PKCE (S256), state and nonce
    HttpResponse<String> login = get(server.api() + "/auth/login?return_to=" + Http.enc(search), null);
    assertThat(login.statusCode()).isEqualTo(302);
    String authorize = location(login);
    assertThat(authorize).startsWith(issuer.issuer(ISSUER_ID) + "/authorize?")
        .contains("response_type=code", "client_id=" + CLIENT_ID, "code_challenge_method=S256", "code_challenge=",
            "state=", "nonce=");
    // 3. the issuer (no interactive login in this configuration) answers with the code
    HttpResponse<String> code = get(authorize, null);
    assertThat(code.statusCode()).isEqualTo(302);
    String callback = location(code);
    assertThat(callback).startsWith(server.api() + "/auth/callback?").contains("code=");
    // 4. the callback exchanges the code, sets the session cookie and goes back to the search
    HttpResponse<String> done = get(callback, null);
    assertThat(done.statusCode()).as(done.body()).isEqualTo(302);
    assertThat(location(done)).isEqualTo(search);
    String setCookie = done.headers().allValues("Set-Cookie").stream()
        .filter(c -> c.startsWith("lookout_session=")).findFirst().orElseThrow();
    assertThat(setCookie.toLowerCase()).contains("httponly", "samesite=lax", "path=/").doesNotContain("secure");
    String cookie = setCookie.substring(0, setCookie.indexOf(';'));
    // a replayed callback (same state) is refused
    assertThat(get(callback, null).statusCode()).isEqualTo(400);

    // 5. the session searches its tenant's logs, and only those
    Http.await("the session finds its tenant's log", Duration.ofSeconds(30), () ->
        data(get(server.api() + search, cookie)).get("hits").size() > 0);
    JsonNode hits = data(get(server.api() + search, cookie)).get("hits");
    assertThat(hits).hasSize(1);
    assertThat(hits.get(0).toString()).contains("acme log").doesNotContain("globex");
    JsonNode me = data(get(server.api() + "/auth/whoami", cookie));
    assertThat(me.get("subject").asText()).isEqualTo("alice");
    assertThat(me.get("tenant").asText()).isEqualTo("acme");
    assertThat(me.get("scheme").asText()).isEqualTo("session");
    assertThat(me.get("roles").toString()).contains("viewer", "editor");
    // a forged tenant header does not change what the session sees
    assertThat(data(get(server.api() + search, cookie, "X-Scope-OrgID", "globex")).get("hits").toString())
        .contains("acme log").doesNotContain("globex");
    // the session has no admin role
    assertThat(get(server.api() + "/api/v1/admin/routes", cookie).statusCode()).isEqualTo(403);

    // the session is an editor: it creates and deletes a rule group (both audited)
    String group = "{\"name\":\"alice-group\",\"interval\":\"15s\",\"rules\":[{\"alert\":\"A\",\"expr\":\"vector(1)\"}]}";
    assertThat(send("POST", server.api() + "/api/v1/alerting/rules", cookie, group).statusCode()).isEqualTo(201);
    assertThat(send("DELETE", server.api() + "/api/v1/alerting/rules/alice-group", cookie, null).statusCode())
        .isBetween(200, 204);

    // the session survives a restart of the server (sessions are kept, hashed, in the data dir)
    assertThat(server.terminate(Duration.ofSeconds(60))).isZero();
    server.start();
    assertThat(data(get(server.api() + "/auth/whoami", cookie)).get("tenant").asText()).isEqualTo("acme");
    assertThat(data(get(server.api() + search, cookie)).get("hits").size()).isPositive();

    // 6. logout ends the session and clears the cookie
    HttpResponse<String> out = get(server.api() + "/auth/logout", cookie);
    assertThat(out.statusCode()).isEqualTo(302);
    assertThat(out.headers().allValues("Set-Cookie")).anySatisfy(c ->
        assertThat(c).startsWith("lookout_session=;").containsIgnoringCase("max-age=0"));
    HttpResponse<String> after = get(server.api() + search, cookie);
    assertThat(after.statusCode()).isEqualTo(401);

    // 7. the audit trail on stdout has the login and the logout, as JSON lines, without the cookie
    String sessionId = cookie.substring(cookie.indexOf('=') + 1);
    Http.await("login and logout in the audit log", Duration.ofSeconds(10), () -> {
      List<JsonNode> audit = auditLines();
      return audit.stream().anyMatch(l -> l.path("event").asText().equals("login")
              && l.path("outcome").asText().equals("success") && l.path("actor").path("name").asText().equals("alice")
              && l.path("actor").path("tenant").asText().equals("acme"))
          && audit.stream().anyMatch(l -> l.path("event").asText().equals("logout")
              && l.path("actor").path("name").asText().equals("alice"))
          && audit.stream().anyMatch(l -> l.path("event").asText().equals("api")
              && l.path("action").path("method").asText().equals("POST")
              && l.path("action").path("target").asText().equals("alice-group")
              && l.path("actor").path("scheme").asText().equals("session") && l.path("status").asInt() == 201)
          && audit.stream().anyMatch(l -> l.path("event").asText().equals("api")
              && l.path("action").path("method").asText().equals("DELETE")
              && l.path("action").path("route").asText().equals("/api/v1/alerting/rules/:group")
              && l.path("outcome").asText().equals("success"));
    });
    try {
      assertThat(server.log()).doesNotContain(sessionId);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private List<JsonNode> auditLines() {
    try {
      return server.log().lines().filter(l -> l.startsWith("{\"logger\":\"io.lookout.audit\"")).map(Http::json).toList();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void theIssuersAccessTokenWorksAsABearerJwt() throws Exception {
    HttpResponse<String> token = browser.send(HttpRequest.newBuilder(URI.create(issuer.issuer(ISSUER_ID) + "/token"))
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
            "lookout-cli:cli-secret".getBytes(StandardCharsets.UTF_8)))
        .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&scope=openid"))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
    String jwt = Http.json(token.body()).get("access_token").asText();
    Http.await("acme's log searchable with the JWT", Duration.ofSeconds(30), () -> {
      HttpResponse<String> r = get(server.api() + "/api/v1/logs?query=" + marker + "&start=now-1h", null,
          "Authorization", "Bearer " + jwt);
      JsonNode hits = data(r).get("hits");
      return hits.size() == 1 && hits.get(0).toString().contains("acme log");
    });
    // a tampered signature is refused
    String tampered = jwt.substring(0, jwt.length() - 4) + (jwt.endsWith("AAAA") ? "BBBB" : "AAAA");
    assertThat(get(server.api() + "/api/v1/logs?query=x&start=now-1h", null, "Authorization", "Bearer " + tampered)
        .statusCode()).isEqualTo(401);
  }

  private HttpResponse<String> get(String url, String cookie, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET();
    if (cookie != null) {
      b.header("Cookie", cookie);
    }
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    try {
      return browser.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private HttpResponse<String> send(String method, String url, String cookie, String body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).header("Cookie", cookie)
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    try {
      return browser.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String location(HttpResponse<?> r) {
    return r.headers().firstValue("Location").orElseThrow(() -> new AssertionError("no Location: " + r));
  }
}
