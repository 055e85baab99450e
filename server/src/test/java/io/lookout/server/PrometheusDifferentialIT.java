package io.lookout.server;

import static io.lookout.server.Http.enc;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Differential test against a real Prometheus 2.42: Prometheus scrapes Lookout's own /metrics
 * every second and remote-writes every sample to Lookout, so both hold the same data. Every query
 * of src/test/resources/promql-corpus.txt then runs on both, as an instant query and as a range
 * query, and the results must be equal (floating-point tolerance only). promtool talks to Lookout
 * as to any Prometheus.
 */
class PrometheusDifferentialIT {
  private static final Pattern T_OFFSET = Pattern.compile("\\$\\{T-(\\d+)}");
  private static ServerProcess lookout;
  private static PrometheusProcess prometheus;
  private static long t;
  /** A second scrape target whose series {@code churn{k="b"}} disappears mid-run: staleness. */
  private static com.sun.net.httpserver.HttpServer churn;
  private static volatile boolean churnB = true;
  /** Comparisons where Prometheus returned data (not an empty vector or matrix, not an error). */
  private static final java.util.concurrent.atomic.AtomicInteger WITH_DATA = new java.util.concurrent.atomic.AtomicInteger();

  @BeforeAll
  static void feedBoth() throws Exception {
    boolean installed = PrometheusProcess.installed();
    if (System.getenv("CI") != null) {
      assertThat(installed).as("prometheus and promtool must be installed in CI (.ci/run installs them)").isTrue();
    }
    assumeTrue(installed, "Debian package prometheus (with promtool) not installed");
    lookout = new ServerProcess(Files.createTempDirectory("lookout-promdiff-"), Map.of()).start();
    churn = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
    churn.createContext("/metrics", ex -> {
      String body = "# TYPE churn gauge\nchurn{k=\"a\"} 1\n" + (churnB ? "churn{k=\"b\"} 2\n" : "");
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4");
      ex.sendResponseHeaders(200, bytes.length);
      ex.getResponseBody().write(bytes);
      ex.close();
    });
    churn.start();
    prometheus = new PrometheusProcess("""
        global: {scrape_interval: 1s, evaluation_interval: 1s}
        scrape_configs:
          - job_name: lookout
            static_configs: [{targets: ['127.0.0.1:%d']}]
          - job_name: churn
            static_configs: [{targets: ['127.0.0.1:%d']}]
        remote_write:
          - url: %s/prometheus/api/v1/write
            queue_config: {batch_send_deadline: 500ms, max_samples_per_send: 2000}
        """.formatted(lookout.httpPort, churn.getAddress().getPort(), lookout.api()));
    // 40 s of scrapes, with queries against Lookout so that its query histograms move.
    long until = System.currentTimeMillis() + 40_000;
    Http.await("40 s of scrapes", Duration.ofSeconds(90), () -> {
      // After 20 s churn{k="b"} disappears: Prometheus writes a staleness marker for it, and
      // remote-writes the marker to Lookout.
      churnB = System.currentTimeMillis() < until - 20_000;
      Http.get(lookout.api() + "/api/v1/logs?query=x&start=now-5m");
      Http.get(lookout.api() + "/api/v1/logs/histogram?query=*&start=now-5m");
      return System.currentTimeMillis() > until;
    });
    t = System.currentTimeMillis() / 1000 - 5;
    // Wait until Lookout has received every sample Prometheus scraped up to T.
    String probe = "count_over_time(up[45s])";
    Http.await("remote write caught up", Duration.ofSeconds(30), () -> {
      JsonNode p = instant(prometheus.url() + "/api/v1/query", probe);
      JsonNode l = instant(lookout.api() + "/prometheus/api/v1/query", probe);
      return p != null && l != null && p.toString().equals(l.toString());
    });
  }

  @AfterAll
  static void stop() throws Exception {
    if (churn != null) {
      churn.stop(0);
    }
    if (lookout != null) {
      // The corpus must exercise real data, not mostly compare empty answers.
      System.out.println("PrometheusDifferentialIT: comparisons with data: " + WITH_DATA.get());
      assertThat(WITH_DATA.get()).as("comparisons where Prometheus returned data").isGreaterThanOrEqualTo(200);
    }
    if (prometheus != null) {
      prometheus.close();
    }
    if (lookout != null) {
      lookout.close();
    }
  }

  private static JsonNode instant(String url, String query) {
    var r = Http.get(url + "?query=" + enc(query) + "&time=" + t);
    return r.statusCode() == 200 ? Http.json(r.body()).get("data") : null;
  }

  private static List<String> corpus() throws IOException {
    Path p = Path.of("src", "test", "resources", "promql-corpus.txt");
    return Files.readAllLines(p, StandardCharsets.UTF_8).stream()
        .filter(l -> !l.isBlank() && !l.startsWith("#"))
        .toList();
  }

  private static String expand(String q) {
    Matcher m = T_OFFSET.matcher(q);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(sb, Long.toString(t - Long.parseLong(m.group(1))));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  @TestFactory
  Stream<DynamicTest> everyCorpusQueryAnswersAsPrometheusDoes() throws IOException {
    List<DynamicTest> tests = new ArrayList<>();
    for (String line : corpus()) {
      boolean ordered = line.startsWith("ordered:");
      String q = expand(ordered ? line.substring("ordered:".length()) : line);
      tests.add(DynamicTest.dynamicTest("instant " + q, () -> compare(q, "/query", "&time=" + t, ordered)));
      tests.add(DynamicTest.dynamicTest("range " + q, () ->
          compare(q, "/query_range", "&start=" + (t - 30) + "&end=" + t + "&step=3", false)));
    }
    assertThat(tests).hasSizeGreaterThanOrEqualTo(200);
    return tests.stream();
  }

  private static void compare(String query, String endpoint, String params, boolean ordered) {
    var p = Http.get(prometheus.url() + "/api/v1" + endpoint + "?query=" + enc(query) + params);
    var l = Http.get(lookout.api() + "/prometheus/api/v1" + endpoint + "?query=" + enc(query) + params);
    if (p.statusCode() != 200) {
      assertThat(l.statusCode()).as("lookout answered %s: %s (prometheus: %s)", query, l.body(), p.body())
          .isEqualTo(p.statusCode());
      assertThat(Http.json(l.body()).get("errorType").asText())
          .isEqualTo(Http.json(p.body()).get("errorType").asText());
      return;
    }
    assertThat(l.statusCode()).as("lookout answered %s: %s", query, l.body()).isEqualTo(200);
    JsonNode pd = Http.json(p.body()).get("data");
    JsonNode ld = Http.json(l.body()).get("data");
    if (!pd.get("result").isArray() || !pd.get("result").isEmpty()) {
      WITH_DATA.incrementAndGet();
    }
    assertThat(ld.get("resultType").asText()).isEqualTo(pd.get("resultType").asText());
    switch (pd.get("resultType").asText()) {
      case "scalar", "string" -> assertSample(query, pd.get("result"), ld.get("result"));
      case "vector" -> {
        if (ordered) {
          List<Double> pv = new ArrayList<>();
          List<Double> lv = new ArrayList<>();
          pd.get("result").forEach(s -> pv.add(value(s.get("value"))));
          ld.get("result").forEach(s -> lv.add(value(s.get("value"))));
          assertThat(lv).as("order of %s", query).hasSameSizeAs(pv);
          for (int i = 0; i < pv.size(); i++) {
            assertClose(query, pv.get(i), lv.get(i));
          }
        }
        Map<String, JsonNode> pm = bySeries(pd.get("result"));
        Map<String, JsonNode> lm = bySeries(ld.get("result"));
        assertThat(lm.keySet()).as("series of %s", query).isEqualTo(pm.keySet());
        pm.forEach((k, v) -> assertSample(query + " " + k, v.get("value"), lm.get(k).get("value")));
      }
      case "matrix" -> {
        Map<String, JsonNode> pm = bySeries(pd.get("result"));
        Map<String, JsonNode> lm = bySeries(ld.get("result"));
        assertThat(lm.keySet()).as("series of %s", query).isEqualTo(pm.keySet());
        pm.forEach((k, v) -> {
          JsonNode lv = lm.get(k).get("values");
          assertThat(lv.size()).as("points of %s %s", query, k).isEqualTo(v.get("values").size());
          for (int i = 0; i < lv.size(); i++) {
            assertSample(query + " " + k, v.get("values").get(i), lv.get(i));
          }
        });
      }
      default -> throw new AssertionError("unknown result type " + pd);
    }
  }

  private static Map<String, JsonNode> bySeries(JsonNode result) {
    Map<String, JsonNode> m = new TreeMap<>();
    result.forEach(s -> m.put(new TreeMap<>(Http.JSON.convertValue(s.get("metric"), Map.class)).toString(), s));
    return m;
  }

  private static double value(JsonNode sample) {
    return Double.parseDouble(sample.get(1).asText().replace("Inf", "Infinity"));
  }

  private static void assertSample(String what, JsonNode expected, JsonNode actual) {
    assertThat(actual.get(0).asDouble()).as("timestamp of %s", what).isEqualTo(expected.get(0).asDouble());
    if (expected.get(1).isTextual() && !expected.get(1).asText().matches("[-+0-9.eE]+|[-+]?Inf|NaN")) {
      assertThat(actual.get(1).asText()).as(what).isEqualTo(expected.get(1).asText());
      return;
    }
    assertClose(what, value(expected), value(actual));
  }

  private static void assertClose(String what, double expected, double actual) {
    if (Double.isNaN(expected)) {
      assertThat(actual).as(what).isNaN();
      return;
    }
    if (Double.isInfinite(expected)) {
      assertThat(actual).as(what).isEqualTo(expected);
      return;
    }
    double tolerance = 1e-9 * Math.max(Math.abs(expected), Math.abs(actual)) + 1e-12;
    assertThat(Math.abs(expected - actual)).as("%s: expected %s, got %s", what, expected, actual)
        .isLessThanOrEqualTo(tolerance);
  }

  @Test
  void aSeriesThatDisappearedIsStaleOnBothNotCarriedForwardByTheLookback() {
    for (String url : List.of(prometheus.url() + "/api/v1/query", lookout.api() + "/prometheus/api/v1/query")) {
      assertThat(Http.json(Http.get(url + "?query=" + enc("churn{k=\"b\"}") + "&time=" + t).body())
          .get("data").get("result")).as("stale at T on %s", url).isEmpty();
      JsonNode before = Http.json(Http.get(url + "?query=" + enc("churn{k=\"b\"}") + "&time=" + (t - 25)).body())
          .get("data").get("result");
      assertThat(before).as("present before it disappeared, on %s", url).hasSize(1);
      assertThat(before.get(0).get("value").get(1).asText()).isEqualTo("2");
    }
  }

  @Test
  void promtoolQueriesLookoutAsAPrometheus() throws Exception {
    Process p = new ProcessBuilder(PrometheusProcess.PROMTOOL, "query", "instant",
        "--time=" + t, lookout.api() + "/prometheus", "sum by (job) (up)")
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).contains("{job=\"lookout\"} => 1 @[" + t);

    Process r = new ProcessBuilder(PrometheusProcess.PROMTOOL, "query", "range",
        "--start=" + (t - 10), "--end=" + t, "--step=5s", lookout.api() + "/prometheus", "up")
        .redirectErrorStream(true).start();
    String rout = new String(r.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(r.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(r.exitValue()).as(rout).isZero();
    assertThat(rout).contains("up{instance=").contains("1 @[" + t);
  }
}
