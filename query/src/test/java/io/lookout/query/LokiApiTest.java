package io.lookout.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.lookout.model.LogRecord;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LokiApiTest {
  private static final long S = 1_000_000_000L;
  private static final long NOW = TestServer.NOW_NANOS;
  private TestServer t;

  @BeforeEach
  void start() {
    t = new TestServer();
    t.store.addLogs("default",
        rec(NOW - 50 * S, "GET /a status=200 took=5", "checkout", "web-1", Map.of("level", "info")),
        rec(NOW - 40 * S, "error: payment declined", "checkout", "web-1", Map.of("level", "error")),
        rec(NOW - 30 * S, "{\"status\":500,\"user\":{\"id\":\"u1\"},\"tags\":[1]}", "checkout", "web-2", Map.of()),
        rec(NOW - 20 * S, "error: timeout", "checkout", "web-2", Map.of("level", "error")),
        rec(NOW - 10 * S, "error: in cart", "cart", "web-1", Map.of()));
    t.store.addLogs("other", rec(NOW - 10 * S, "error: other tenant", "checkout", "web-9", Map.of()));
  }

  @AfterEach
  void stop() {
    t.close();
  }

  private static LogRecord rec(long ts, String body, String service, String host, Map<String, Object> attrs) {
    return new LogRecord(ts, ts, 0, "", body, service, "", "", attrs,
        Map.of("service.name", service, "host.name", host), "");
  }

  private static String q(String query) {
    return URLEncoder.encode(query, StandardCharsets.UTF_8);
  }

  private TestServer.Resp range(String query, String extra, String... headers) {
    return t.get("/loki/api/v1/query_range?query=" + q(query) + extra, headers);
  }

  @Test
  void logQueryReturnsStreamsNewestFirstAndNarrowsOnTheService() {
    TestServer.Resp r = range("{service_name=\"checkout\"} |= \"error\"", "");
    assertThat(r.status()).isEqualTo(200);
    JsonObject data = r.data();
    assertThat(data.getString("resultType")).isEqualTo("streams");
    assertThat(data.getJsonObject("stats")).isEqualTo(new JsonObject());
    JsonArray result = data.getJsonArray("result");
    assertThat(result).hasSize(2);
    JsonObject s1 = result.getJsonObject(0);
    assertThat(s1.getJsonObject("stream").getMap())
        .isEqualTo(Map.of("host_name", "web-1", "service_name", "checkout"));
    assertThat(s1.getJsonArray("values")).isEqualTo(new JsonArray().add(new JsonArray()
        .add(Long.toString(NOW - 40 * S)).add("error: payment declined")));
    assertThat(result.getJsonObject(1).getJsonArray("values").getJsonArray(0).getString(1)).isEqualTo("error: timeout");
    assertThat(t.store.lastQuery.query()).isEqualTo("service:\"checkout\"");
    assertThat(t.store.lastQuery.endNanos()).isEqualTo(NOW - 1); // end is exclusive
  }

  @Test
  void limitAndDirectionPickTheFirstLinesInThatOrder() {
    JsonArray back = range("{host_name=~\"web-.*\"}", "&limit=2").data().getJsonArray("result");
    assertThat(lines(back)).containsExactlyInAnyOrder("error: in cart", "error: timeout");
    JsonArray fwd = range("{host_name=~\"web-.*\"}", "&limit=2&direction=forward").data().getJsonArray("result");
    assertThat(lines(fwd)).containsExactly("GET /a status=200 took=5", "error: payment declined");
    JsonArray window = range("{service_name=\"checkout\"}",
        "&start=" + (NOW - 45 * S) + "&end=" + (NOW - 20 * S)).data().getJsonArray("result");
    assertThat(lines(window)).containsExactlyInAnyOrder("error: payment declined",
        "{\"status\":500,\"user\":{\"id\":\"u1\"},\"tags\":[1]}");
    JsonArray since = range("{service_name=\"checkout\"}", "&since=25s").data().getJsonArray("result");
    assertThat(lines(since)).containsExactly("error: timeout");
  }

  private static List<String> lines(JsonArray result) {
    List<String> out = new java.util.ArrayList<>();
    for (int i = 0; i < result.size(); i++) {
      JsonArray v = result.getJsonObject(i).getJsonArray("values");
      for (int j = 0; j < v.size(); j++) {
        out.add(v.getJsonArray(j).getString(1));
      }
    }
    return out;
  }

  @Test
  void parsersExtractLabelsIntoTheStreamAndFiltersUseThem() {
    JsonArray json = range("{service_name=\"checkout\"} | json | status >= 500", "").data().getJsonArray("result");
    assertThat(json).hasSize(1);
    assertThat(json.getJsonObject(0).getJsonObject("stream").getMap()).isEqualTo(Map.of(
        "host_name", "web-2", "service_name", "checkout", "status", "500", "user_id", "u1"));
    JsonArray errors = range("{service_name=\"checkout\"} | json | __error__=\"JSONParserErr\"", "")
        .data().getJsonArray("result");
    assertThat(lines(errors)).hasSize(3);
    JsonArray logfmt = range("{service_name=\"checkout\"} |= \"GET\" | logfmt | took < 10", "")
        .data().getJsonArray("result");
    assertThat(logfmt.getJsonObject(0).getJsonObject("stream").getMap())
        .containsEntry("status", "200").containsEntry("took", "5");
    JsonArray meta = range("{service_name=~\"c.*\"} | level=\"error\"", "").data().getJsonArray("result");
    assertThat(lines(meta)).containsExactlyInAnyOrder("error: payment declined", "error: timeout");
    JsonArray notMeta = range("{service_name=\"checkout\"} | level!=\"error\" !~ \"^\\\\{\"", "")
        .data().getJsonArray("result");
    assertThat(lines(notMeta)).containsExactly("GET /a status=200 took=5");
  }

  @Test
  void metricRangeQueryCountsPerWindow() {
    TestServer.Resp r = range("sum by (host_name) (count_over_time({service_name=~\".+\"} |= \"error\" [30s]))",
        "&start=" + (NOW - 40 * S) + "&end=" + NOW + "&step=20s");
    JsonObject data = r.data();
    assertThat(data.getString("resultType")).isEqualTo("matrix");
    JsonArray result = data.getJsonArray("result");
    assertThat(result).hasSize(2);
    assertThat(result.getJsonObject(0).getJsonObject("metric").getMap()).isEqualTo(Map.of("host_name", "web-1"));
    long t0 = (NOW - 40 * S) / S;
    // web-1 errors at -40 (checkout) and -10 (cart); windows (t-30s, t]
    assertThat(result.getJsonObject(0).getJsonArray("values")).isEqualTo(new JsonArray()
        .add(new JsonArray().add(t0).add("1")).add(new JsonArray().add(t0 + 20).add("1"))
        .add(new JsonArray().add(t0 + 40).add("1")));
    // web-2: error at -20 -> steps -20 and 0
    assertThat(result.getJsonObject(1).getJsonArray("values")).isEqualTo(new JsonArray()
        .add(new JsonArray().add(t0 + 20).add("1")).add(new JsonArray().add(t0 + 40).add("1")));
  }

  @Test
  void sampleTimesAreMillisecondAlignedSecondsAsPrometheusPrintsThem() {
    // start and end are truncated to milliseconds: steps at start, start + step, ... <= end
    TestServer.Resp r = range("sum(count_over_time({service_name=~\".+\"}[1m]))",
        "&start=" + (NOW - 40 * S + 123_456_789) + "&end=" + (NOW + 999_999) + "&step=20s");
    long t0 = (NOW - 40 * S) / S;
    assertThat(r.body()).contains("[" + t0 + ".123,\"", "[" + (t0 + 20) + ".123,\"")
        .doesNotContain((t0 + 40) + ".123").doesNotContain("456789");
    TestServer.Resp tenths = range("sum(count_over_time({service_name=~\".+\"}[1m]))",
        "&start=" + (NOW - 40 * S + 100_000_000) + "&end=" + NOW + "&step=20s");
    assertThat(tenths.body()).contains("[" + t0 + ".1,\"");
    TestServer.Resp instant = t.get("/loki/api/v1/query?time=" + (NOW + 7_654_321) + "&query="
        + q("count(count_over_time({service_name=~\".+\"}[1m]))"));
    assertThat(instant.body()).contains("[" + NOW / S + ".007,\"3\"]");
  }

  @Test
  void rateBytesAndTopkWork() {
    String end = "&start=" + NOW + "&end=" + NOW + "&step=1s";
    JsonArray rate = range("rate({service_name=\"checkout\"}[1m])", end).data().getJsonArray("result");
    assertThat(rate).hasSize(2);
    assertThat(rate.getJsonObject(0).getJsonArray("values").getJsonArray(0).getString(1)).isEqualTo("0.03333333333333333");
    JsonArray bytes = range("sum(bytes_over_time({service_name=\"cart\"}[1m]))", end).data().getJsonArray("result");
    assertThat(bytes.getJsonObject(0).getJsonArray("values").getJsonArray(0).getString(1)).isEqualTo("14");
    JsonArray top = range("topk(1, count_over_time({host_name=~\"web-.*\"}[1m]))", end).data().getJsonArray("result");
    assertThat(top).hasSize(1);
    assertThat(top.getJsonObject(0).getJsonObject("metric").getMap())
        .isEqualTo(Map.of("host_name", "web-1", "service_name", "checkout"));
    JsonArray without = range("max without (host_name) (count_over_time({host_name=~\"web-.*\"}[1m]))", end)
        .data().getJsonArray("result");
    assertThat(without.getJsonObject(0).getJsonObject("metric").getMap()).isEqualTo(Map.of("service_name", "cart"));
  }

  @Test
  void instantMetricQueryReturnsAVector() {
    TestServer.Resp r = t.get("/loki/api/v1/query?query=" + q("count(count_over_time({service_name=~\".+\"}[1m]))"));
    JsonObject data = r.data();
    assertThat(data.getString("resultType")).isEqualTo("vector");
    assertThat(data.getJsonArray("result").getJsonObject(0).getJsonArray("value"))
        .isEqualTo(new JsonArray().add(NOW / S).add("3"));
    TestServer.Resp log = t.get("/loki/api/v1/query?query=" + q("{a=\"b\"}"));
    assertThat(log.status()).isEqualTo(400);
    assertThat(log.error()).contains("log queries are not supported as an instant query");
  }

  @Test
  void postFormWorks() {
    TestServer.Resp r = t.send(HttpMethod.POST, "/loki/api/v1/query_range",
        Buffer.buffer("query=" + q("{service_name=\"cart\"}")), "Content-Type", "application/x-www-form-urlencoded");
    assertThat(lines(r.data().getJsonArray("result"))).containsExactly("error: in cart");
  }

  @Test
  void labelsLabelValuesAndSeries() {
    assertThat(t.get("/loki/api/v1/labels").json().getJsonArray("data"))
        .isEqualTo(new JsonArray().add("host_name").add("service_name"));
    assertThat(t.get("/loki/api/v1/label/host_name/values").json().getJsonArray("data"))
        .isEqualTo(new JsonArray().add("web-1").add("web-2"));
    assertThat(t.get("/loki/api/v1/label/service_name/values").json().getJsonArray("data"))
        .isEqualTo(new JsonArray().add("cart").add("checkout"));
    assertThat(t.get("/loki/api/v1/label/host_name/values?query=" + q("{service_name=\"cart\"}"))
        .json().getJsonArray("data")).isEqualTo(new JsonArray().add("web-1"));
    assertThat(t.get("/loki/api/v1/labels?query=" + q("{service_name=\"cart\"}")).json().getJsonArray("data"))
        .isEqualTo(new JsonArray().add("host_name").add("service_name"));
    JsonArray series = t.get("/loki/api/v1/series?match[]=" + q("{service_name=\"checkout\"}")).json()
        .getJsonArray("data");
    assertThat(series).isEqualTo(new JsonArray()
        .add(new JsonObject().put("host_name", "web-1").put("service_name", "checkout"))
        .add(new JsonObject().put("host_name", "web-2").put("service_name", "checkout")));
    assertThat(t.get("/loki/api/v1/series").status()).isEqualTo(400);
  }

  @Test
  void tenantsAreIsolated() {
    JsonArray other = range("{service_name=\"checkout\"}", "", "X-Scope-OrgID", "other").data().getJsonArray("result");
    assertThat(lines(other)).containsExactly("error: other tenant");
    assertThat(t.get("/loki/api/v1/label/host_name/values", "X-Scope-OrgID", "other").json().getJsonArray("data"))
        .isEqualTo(new JsonArray().add("web-9"));
  }

  @Test
  void errorsUseLokisEnvelope() {
    TestServer.Resp bad = range("{a=\"b\"", "");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().getString("status")).isEqualTo("error");
    assertThat(bad.errorType()).isEqualTo("bad_data");
    assertThat(bad.error()).startsWith("parse error at line 1, col 7");
    TestServer.Resp unsupported = range("{a=\"b\"} | line_format \"x\"", "");
    assertThat(unsupported.status()).isEqualTo(422);
    assertThat(unsupported.error()).startsWith("unsupported in Lookout's LogQL: line_format");
    TestServer.Resp pipelineError = range("count_over_time({service_name=\"checkout\"} | json [1m])", "");
    assertThat(pipelineError.status()).isEqualTo(400);
    assertThat(pipelineError.error()).contains("__error__");
    assertThat(range("rate({a=\"b\"}[1m])", "&start=0&end=" + NOW + "&step=1s").error())
        .contains("maximum resolution of 11,000 points");
    assertThat(range("{a=\"b\"}", "&limit=99999999").status()).isEqualTo(400);
    assertThat(t.get("/loki/api/v1/label/bad-name/values").status()).isEqualTo(400);
    assertThat(range("{a=\"b\"}", "&interval=10s").status()).isEqualTo(422);
  }

  @Test
  void aQueryScanningPastTheCapIsRefusedNamingIt() {
    t.close();
    t = new TestServer(new QueryConfig(Duration.ofSeconds(30), 5000, QueryConfig.DEFAULT_RANGE, 100, 2, 8,
        QueryConfig.DEFAULT_PROMQL_MAX_SAMPLES, QueryConfig.DEFAULT_PROMQL_MAX_SERIES,
        QueryConfig.DEFAULT_PROMQL_LOOKBACK_DELTA, 3));
    for (int i = 0; i < 5; i++) {
      t.store.addLogs("default", rec(NOW - (i + 1) * S, "line " + i, "svc", "h", Map.of()));
    }
    TestServer.Resp r = range("{service_name=\"svc\"} |= \"nothing\"", "");
    assertThat(r.status()).isEqualTo(422);
    assertThat(r.error()).contains("more than 3 log lines").contains("LOOKOUT_LOKI_MAX_SCANNED_LINES");
    assertThat(range("{service_name=\"svc\"}", "&limit=2").status()).isEqualTo(200);
  }
}
