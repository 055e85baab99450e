package io.lookout.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The audit trail written by {@link AuthHandler}, {@link TokenStore} and {@link AuditLog}: one JSON
 * line per admin request or editor change (and refused attempt), on response end, with who, what,
 * outcome and time, never a credential; reads are not audited.
 */
class AuditLogTest {
  static final String EDITOR = "acme-editor-secret-1";
  static final String VIEWER = "acme-viewer-secret-2";
  static final String ADMIN = "acme-admin-secret-3";

  private final Vertx vertx = Vertx.vertx();
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
  private final Logger logger = (Logger) LoggerFactory.getLogger(AuditLog.LOGGER);
  private Path tokensFile;
  private TokenStore tokens;
  private AuditLog audit;
  private HttpServer server;

  @BeforeEach
  void start() throws Exception {
    lines.start();
    logger.addAppender(lines);
    tokensFile = Files.createTempFile("tokens-", ".yaml");
    Files.writeString(tokensFile, table(EDITOR, VIEWER, ADMIN));
    PrometheusRegistry registry = new PrometheusRegistry();
    audit = new AuditLog(java.time.Clock.systemUTC(), registry);
    AuthConfig config = AuthConfig.fromEnv(Map.of("LOOKOUT_AUTH", "token", "LOOKOUT_TOKENS_FILE", tokensFile.toString()));
    tokens = new TokenStore(config, registry, audit);
    Authenticator authenticator = new Authenticator(tokens, null, null, registry);
    Router router = Router.router(vertx);
    router.route().order(Integer.MIN_VALUE).handler(new AuthHandler(AccessPolicy.standard(Role.VIEWER), authenticator,
        false, audit));
    String base = "/api/v1/alerting";
    router.get(base + "/rules").handler(ctx -> ctx.response().end("{}"));
    router.post(base + "/rules").handler(BodyHandler.create()).handler(ctx -> ctx.response().setStatusCode(201).end());
    router.put(base + "/rules/:group").handler(BodyHandler.create())
        .handler(ctx -> ctx.response().setStatusCode(400).end("{\"status\":\"error\"}"));
    router.delete(base + "/rules/:group").handler(ctx -> {
      if (ctx.pathParam("group").equals("missing")) {
        ctx.fail(404);
      } else {
        ctx.response().setStatusCode(204).end();
      }
    });
    router.route(base + "/*").failureHandler(ctx -> ctx.response().setStatusCode(ctx.statusCode()).end());
    router.get("/api/v1/admin/routes").handler(ctx -> ctx.response().end("{}"));
    server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    logger.detachAppender(lines);
    tokens.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static String table(String... secrets) {
    String[] roles = {"editor", "viewer", "admin"};
    StringBuilder b = new StringBuilder("tokens:\n");
    for (int i = 0; i < secrets.length; i++) {
      b.append("  - {tenant: acme, role: ").append(roles[i]).append(", name: ").append(roles[i]).append("-token")
          .append(", sha256: \"").append(TokenTable.hash(secrets[i])).append("\"}\n");
    }
    return b.toString();
  }

  private int send(String method, String path, String token, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .header("Content-Type", "application/json").header("Cookie", "lookout_session=cookie-secret-4");
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  private List<JsonObject> awaitLines(int n) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (lines.list.size() < n && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(lines.list).hasSizeGreaterThanOrEqualTo(n);
    return lines.list.stream().map(e -> new JsonObject(e.getFormattedMessage())).toList();
  }

  @Test
  void editorChangesAreWrittenWithWhoWhatOutcomeAndTime() throws Exception {
    assertThat(send("POST", "/api/v1/alerting/rules", EDITOR, "{\"name\":\"checkout\",\"rules\":[]}")).isEqualTo(201);
    assertThat(send("DELETE", "/api/v1/alerting/rules/checkout", EDITOR, null)).isEqualTo(204);
    assertThat(send("PUT", "/api/v1/alerting/rules/payments", EDITOR, "{\"name\":\"payments\"}")).isEqualTo(400);
    assertThat(send("DELETE", "/api/v1/alerting/rules/missing", EDITOR, null)).isEqualTo(404);
    List<JsonObject> out = awaitLines(4);

    JsonObject create = out.get(0);
    assertThat(create.getString("logger")).isEqualTo("io.lookout.audit");
    assertThat(create.getString("event")).isEqualTo("api");
    assertThat(create.getString("outcome")).isEqualTo("success");
    assertThat(create.getInteger("status")).isEqualTo(201);
    assertThat(java.time.Instant.parse(create.getString("time"))).isBeforeOrEqualTo(java.time.Instant.now());
    assertThat(create.getJsonObject("actor").getMap()).containsEntry("name", "editor-token").containsEntry("tenant", "acme")
        .containsEntry("scheme", "token");
    assertThat(create.getJsonObject("actor").getJsonArray("roles").getList()).containsExactly("editor");
    assertThat(create.getJsonObject("action").getMap()).containsEntry("method", "POST")
        .containsEntry("route", "/api/v1/alerting/rules").containsEntry("target", "checkout");

    JsonObject delete = out.get(1);
    assertThat(delete.getJsonObject("action").getMap()).containsEntry("method", "DELETE")
        .containsEntry("route", "/api/v1/alerting/rules/:group").containsEntry("path", "/api/v1/alerting/rules/checkout")
        .containsEntry("target", "checkout");
    assertThat(delete.getInteger("status")).isEqualTo(204);

    JsonObject failed = out.get(2);
    assertThat(failed.getString("outcome")).isEqualTo("failure");
    assertThat(failed.getInteger("status")).isEqualTo(400);
    assertThat(failed.getJsonObject("action").getString("target")).isEqualTo("payments");

    JsonObject viaFailureHandler = out.get(3);
    assertThat(viaFailureHandler.getInteger("status")).isEqualTo(404);
    assertThat(viaFailureHandler.getJsonObject("action").getMap()).containsEntry("route", "/api/v1/alerting/*")
        .containsEntry("target", "missing");
    assertNoSecrets();
  }

  @Test
  void refusedAttemptsAreWrittenAsDenied() throws Exception {
    assertThat(send("DELETE", "/api/v1/alerting/rules/checkout", VIEWER, null)).isEqualTo(403);
    assertThat(send("POST", "/api/v1/alerting/rules", null, "{\"name\":\"x\"}")).isEqualTo(401);
    assertThat(send("POST", "/api/v1/alerting/rules", "wrong-token-5", "{\"name\":\"x\"}")).isEqualTo(401);
    List<JsonObject> out = awaitLines(3);
    assertThat(out).allSatisfy(l -> assertThat(l.getString("outcome")).isEqualTo("denied"));
    assertThat(out.get(0).getJsonObject("actor").getString("name")).isEqualTo("viewer-token");
    assertThat(out.get(0).getInteger("status")).isEqualTo(403);
    assertThat(out.get(0).getJsonObject("action").getString("route")).isEqualTo("/api/v1/alerting/*");
    assertThat(out.get(1).getJsonObject("actor").getString("name")).isEqualTo("anonymous");
    assertThat(out.get(1).getInteger("status")).isEqualTo(401);
    assertThat(out.get(1).getJsonObject("action").containsKey("target")).isFalse(); // a refused body is not read
    assertNoSecrets();
  }

  @Test
  void readsAreNotAuditedButAdminRequestsAre() throws Exception {
    assertThat(send("GET", "/api/v1/alerting/rules", VIEWER, null)).isEqualTo(200);
    assertThat(send("GET", "/api/v1/alerting/rules", EDITOR, null)).isEqualTo(200);
    assertThat(send("GET", "/api/v1/admin/routes", ADMIN, null)).isEqualTo(200);
    List<JsonObject> out = awaitLines(1);
    assertThat(out).hasSize(1);
    assertThat(out.get(0).getJsonObject("action").getString("route")).isEqualTo("/api/v1/admin/routes");
    assertThat(out.get(0).getJsonObject("actor").getString("name")).isEqualTo("admin-token");
  }

  @Test
  void tokenTableReloadsAreWritten() throws Exception {
    Files.writeString(tokensFile, table(EDITOR, VIEWER));
    tokens.reload();
    Files.writeString(tokensFile, "tokens: [not, a, table");
    tokens.reload();
    List<JsonObject> out = awaitLines(2);
    assertThat(out.get(0).getString("event")).isEqualTo("tokens_reload");
    assertThat(out.get(0).getString("outcome")).isEqualTo("success");
    assertThat(out.get(0).getJsonObject("action").getInteger("tokens")).isEqualTo(2);
    assertThat(out.get(0).getJsonObject("action").getString("source")).isEqualTo(tokensFile.toString());
    assertThat(out.get(1).getString("outcome")).isEqualTo("failure");
    assertThat(out.get(1).getString("reason")).contains("not YAML");
    assertNoSecrets();
  }

  @Test
  void loginsAndLogoutsAreWritten() throws Exception {
    Principal alice = new Principal("alice", "acme", java.util.Set.of(Role.VIEWER), "jwt");
    audit.login(alice, true, null);
    audit.login(null, false, "the token endpoint refused the code (HTTP 400)");
    audit.logout(alice);
    List<JsonObject> out = awaitLines(3);
    assertThat(out).extracting(l -> l.getString("event") + ":" + l.getString("outcome"))
        .containsExactly("login:success", "login:denied", "logout:success");
    assertThat(out.get(0).getJsonObject("actor").getString("name")).isEqualTo("alice");
    assertThat(out.get(1).getString("reason")).contains("HTTP 400");
  }

  private void assertNoSecrets() {
    for (ILoggingEvent e : lines.list) {
      assertThat(e.getFormattedMessage()).doesNotContain(EDITOR, VIEWER, ADMIN, "wrong-token-5", "cookie-secret-4",
          "Bearer", TokenTable.hash(EDITOR));
    }
  }
}
