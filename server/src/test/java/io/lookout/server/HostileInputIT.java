package io.lookout.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Per-tenant limits, security headers, hostile regexes and fuzzed query parameters through the
 * real server (router, receivers, Lucene storage).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileInputIT {
  private InProcessServer s;
  private Path limitsFile;

  @BeforeAll
  void start() throws Exception {
    limitsFile = Files.createTempFile("lookout-limits-", ".yml");
    Files.writeString(limitsFile, """
        tenants:
          greedy: {ingest_records_per_second: 0.001, max_query_range: 1h}
        """);
    s = new InProcessServer(Map.of("LOOKOUT_LIMITS_FILE", limitsFile.toString()));
  }

  @AfterAll
  void stop() throws Exception {
    s.close();
    Files.deleteIfExists(limitsFile);
  }

  private HttpResponse<byte[]> sendLogs(String tenant, String body) {
    return Http.post(s.otlpHttp() + "/v1/logs", "application/x-protobuf",
        OtlpRequests.logs("svc", List.of(body)).toByteArray(), "X-Scope-OrgID", tenant);
  }

  @Test
  void tenantOverItsLimitsGets429And422WhileAnotherTenantIsUnaffected() {
    sendLogs("greedy", "first"); // takes the bucket's only token
    HttpResponse<byte[]> refused = sendLogs("greedy", "second");
    assertThat(refused.statusCode()).isEqualTo(429);
    assertThat(refused.headers().firstValue("retry-after")).isPresent();
    assertThat(new String(refused.body(), StandardCharsets.UTF_8)).contains("ingest_records_per_second");
    for (int i = 0; i < 3; i++) {
      assertThat(sendLogs("modest", "fine " + i).statusCode()).isEqualTo(200);
    }

    HttpResponse<String> q = Http.get(s.api() + "/api/v1/logs?start=now-1d", "greedy");
    assertThat(q.statusCode()).isEqualTo(422);
    assertThat(q.body()).contains("max_query_range").contains("LOOKOUT_LIMITS_FILE");
    Http.await("modest's logs searchable", Duration.ofSeconds(30), () -> {
      HttpResponse<String> r = Http.get(s.api() + "/api/v1/logs?start=now-1d&query=fine", "modest");
      return r.statusCode() == 200 && Http.data(r).path("hits").size() == 3;
    });

    String metrics = Http.get(s.api() + "/metrics").body();
    assertThat(metrics).contains("lookout_limits_exceeded_total{limit=\"ingest_records_per_second\",tenant=\"greedy\"}")
        .contains("lookout_limits_exceeded_total{limit=\"max_query_range\",tenant=\"greedy\"}")
        .doesNotContain("tenant=\"modest\"");
  }

  @Test
  void apiResponsesCarrySecurityHeadersAndNoCors() {
    for (String path : List.of("/healthz", "/api/v1/logs", "/api/v1/nope", "/prometheus/api/v1/query?query=(")) {
      HttpResponse<String> r = Http.get(s.api() + path);
      assertThat(r.headers().firstValue("content-security-policy")).hasValue("default-src 'self'; frame-ancestors 'none'");
      assertThat(r.headers().firstValue("x-content-type-options")).hasValue("nosniff");
      assertThat(r.headers().firstValue("x-frame-options")).hasValue("DENY");
      assertThat(r.headers().firstValue("referrer-policy")).hasValue("no-referrer");
      assertThat(r.headers().map().keySet()).noneMatch(k -> k.startsWith("access-control-"));
    }
  }

  @Test
  @Timeout(value = 60, unit = java.util.concurrent.TimeUnit.SECONDS) // hang detector
  void catastrophicRegexInALogQueryAnswersQuickly() {
    String longAs = "a".repeat(200) + "!";
    assertThat(sendLogs("regex", longAs).statusCode()).isEqualTo(200);
    assertThat(sendLogs("regex", "aaaa").statusCode()).isEqualTo(200);
    Http.await("logs searchable", Duration.ofSeconds(30), () ->
        Http.data(Http.get(s.api() + "/api/v1/logs?start=now-1d", "regex")).path("hits").size() == 2);
    // Lucene regexes match whole terms with an automaton ('$' is a literal there): linear, never backtracking
    HttpResponse<String> r = Http.get(s.api() + "/api/v1/logs?start=now-1d&query=" + Http.enc("/(a+)+/"), "regex");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(Http.data(r).path("hits").size()).isEqualTo(2);
    r = Http.get(s.api() + "/api/v1/logs?start=now-1d&query=" + Http.enc("/(a+)+$/"), "regex");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(Http.data(r).path("hits").size()).isZero();
    r = Http.get(s.api() + "/api/v1/logs?start=now-1d&query=" + Http.enc("body:/(((a|aa)+)+b|.*.*.*.*.*.*x)*/"), "regex");
    assertThat(r.statusCode()).isIn(200, 400);
  }

  /** Random and mutated query strings never produce a 5xx. Seeded: the same inputs every run. */
  @Test
  @Timeout(value = 120, unit = java.util.concurrent.TimeUnit.SECONDS)
  void fuzzedQueryParametersNeverAnswer5xx() {
    Random random = new Random(20261126L);
    String[] seeds = {"sum(rate(http_requests_total{job=~\"a.*\"}[5m])) by (job)", "up offset 5m @ 100",
        "histogram_quantile(0.9, sum by (le) (rate(x_bucket[1m])))", "label_replace(up,\"a\",\"$1\",\"b\",\"(.*)\")",
        "service:checkout AND severity:ERROR", "\"connection refused\" OR body:/tim.*/", "attributes.x:[1 TO 5]",
        "now-15m", "2026-01-02T15:04:05Z", "1767366245.5", "1h30m"};
    String alphabet = "(){}[]\"'\\/:*?~^!+-=<>@,.|&$#%09azAZ_ \n\t\u00e9\u0000";
    for (int i = 0; i < 150; i++) {
      String input = mutate(random, seeds[random.nextInt(seeds.length)], alphabet);
      String e = Http.enc(input);
      for (String url : List.of(
          "/api/v1/logs?query=" + e,
          "/api/v1/logs/histogram?query=" + e + "&start=" + e,
          "/prometheus/api/v1/query?query=" + e,
          "/prometheus/api/v1/query_range?query=up&start=" + e + "&end=now&step=" + e,
          "/prometheus/api/v1/series?match[]=" + e)) {
        HttpResponse<String> r = Http.get(s.api() + url, "fuzz");
        assertThat(r.statusCode()).as("%s -> %s", url, r.body()).isLessThan(500);
      }
    }
  }

  private static String mutate(Random random, String seed, String alphabet) {
    StringBuilder sb = new StringBuilder(seed);
    int edits = 1 + random.nextInt(6);
    for (int k = 0; k < edits; k++) {
      int pos = sb.isEmpty() ? 0 : random.nextInt(sb.length() + 1);
      switch (random.nextInt(4)) {
        case 0 -> sb.insert(pos, alphabet.charAt(random.nextInt(alphabet.length())));
        case 1 -> {
          if (!sb.isEmpty() && pos < sb.length()) {
            sb.deleteCharAt(pos);
          }
        }
        case 2 -> sb.insert(pos, seed, 0, random.nextInt(seed.length() + 1));
        default -> {
          if (!sb.isEmpty() && pos < sb.length()) {
            sb.setCharAt(pos, alphabet.charAt(random.nextInt(alphabet.length())));
          }
        }
      }
    }
    return sb.toString();
  }
}
