package io.lookout.alerting.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hostile input on the notification API: catastrophic regexes run in linear time, deep JSON is refused. */
class HostileInputTest extends Harness {
  /** Exponential for a backtracking engine on a non-matching subject. */
  private static final String CATASTROPHIC = "(a|aa)+(a|aa)+(a|aa)+b";
  private static final String SUBJECT = "a".repeat(5_000);
  /** A hang detector, not a speed assertion: a backtracking engine would take years. */
  private static final Duration HANG = Duration.ofSeconds(30);

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
          group_wait: 10s
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

  private HttpResponse<String> post(String path, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + path))
        .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json").build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void matchersAreFullyAnchored() {
    AlertMatcher m = AlertMatcher.parse("service=~\"check.*\"").get(0);
    assertThat(m.matches(Map.of("service", "checkout"))).isTrue();
    assertThat(m.matches(Map.of("service", "my-checkout"))).isFalse();
    assertThat(AlertMatcher.parse("service=~\"out\"").get(0).matches(Map.of("service", "checkout"))).isFalse();
    assertThat(AlertMatcher.parse("service=~\"a|b\"").get(0).matches(Map.of("service", "ab"))).isFalse();
    assertThat(AlertMatcher.parse("service!~\"a|b\"").get(0).matches(Map.of("service", "ab"))).isTrue();
    assertThat(AlertMatcher.parse("msg=~\"x.y\"").get(0).matches(Map.of("msg", "x\ny"))).isTrue(); // dot-all
  }

  @Test
  void aCatastrophicMatcherReturnsInLinearTime() {
    AlertMatcher m = AlertMatcher.parse("service=~\"" + CATASTROPHIC + "\"").get(0);
    boolean matched = assertTimeoutPreemptively(HANG, () -> m.matches(Map.of("service", SUBJECT)));
    assertThat(matched).isFalse();
  }

  @Test
  void aCatastrophicSilenceFromTheApiDoesNotHangTheNotifier() throws Exception {
    HttpResponse<String> created = post("/api/v1/alerting/silences", """
        {"matchers": ["service=~\\"%s\\""], "duration": "1h", "createdBy": "ann", "comment": "x"}
        """.formatted(CATASTROPHIC));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
    assertTimeoutPreemptively(HANG, () -> {
      n.send("default", List.of(firing(clock.instant(), "alertname", "A", "service", SUBJECT)));
      step(n, Duration.ofSeconds(10));
      settle(n);
    });
    assertThat(hook.at("/hook")).hasSize(1); // not silenced: the pattern does not match
  }

  @Test
  void anInvalidRegexIsRefusedWithTheReason() throws Exception {
    HttpResponse<String> r = post("/api/v1/alerting/silences", """
        {"matchers": ["service=~\\"(a\\""], "duration": "1h", "createdBy": "ann", "comment": "x"}
        """);
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("invalid regular expression for label 'service'");
  }

  @Test
  void nestedCountedRepetitionsAreRefusedBeforeCompiling() throws Exception {
    HttpResponse<String> r = post("/api/v1/alerting/silences", """
        {"matchers": ["service=~\\"((a{1000}){1000}){1000}\\""], "duration": "1h", "createdBy": "ann", "comment": "x"}
        """);
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("invalid repeat count");
  }

  @Test
  void deeplyNestedJsonIsRefusedWith400() throws Exception {
    String deep = "[".repeat(1000) + "]".repeat(1000);
    HttpResponse<String> r = post("/api/v1/alerting/silences", "{\"matchers\": " + deep + "}");
    assertThat(r.statusCode()).isEqualTo(400);
    JsonNode body = JSON.readTree(r.body());
    assertThat(body.get("errorType").asText()).isEqualTo("bad_data");
    assertThat(body.get("error").asText()).contains("deeper than 64 levels");
    // a normal body still works
    HttpResponse<String> ok = post("/api/v1/alerting/silences", """
        {"matchers": ["alertname=\\"A\\""], "duration": "1h", "createdBy": "ann", "comment": "x"}
        """);
    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
  }

  @Test
  void anOversizedBodyIsRefused() throws Exception {
    String big = "{\"comment\": \"" + "x".repeat(200 * 1024) + "\"}";
    assertThat(post("/api/v1/alerting/silences", big).statusCode()).isEqualTo(413);
  }
}
