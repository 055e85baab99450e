package io.lookout.query;

import static io.lookout.query.TestServer.NOW_NANOS;
import static org.assertj.core.api.Assertions.assertThat;

import io.lookout.model.LogRecord;
import io.lookout.model.spi.Direction;
import io.lookout.model.spi.LogQuery;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LogsApiTest {
  private static final long MINUTE = 60_000_000_000L;
  private final TestServer t = new TestServer();

  @AfterEach
  void stop() {
    t.close();
  }

  private static LogRecord record(long ts, String body, String service) {
    return new LogRecord(ts, ts + 5, 9, "INFO", body, service, "", "", Map.of(), Map.of(), "");
  }

  @Test
  void logHitIsRenderedFieldByFieldWithTypedAttributes() {
    Map<String, Object> attrs = new LinkedHashMap<>();
    attrs.put("http.method", "GET");
    attrs.put("http.status_code", 500L);
    attrs.put("ratio", 0.25);
    attrs.put("retry", true);
    attrs.put("tags", List.of("a", 2L));
    attrs.put("nested", Map.of("k", "v"));
    long ts = NOW_NANOS - MINUTE + 123_456_789;
    t.store.addLogs("default", new LogRecord(ts, ts + 1, 17, "ERROR", "payment failed", "checkout",
        "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", attrs, Map.of("host.name", "web-1"), "io.lookout.test"));

    TestServer.Resp r = t.get("/api/v1/logs?query=payment");

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.headers().get("Content-Type")).isEqualTo("application/json");
    JsonObject data = r.data();
    assertThat(data.fieldNames()).containsExactlyInAnyOrder("hits", "next_cursor");
    assertThat(data.getValue("next_cursor")).isNull();
    JsonObject hit = data.getJsonArray("hits").getJsonObject(0);
    assertThat(hit.fieldNames()).containsExactly("timestamp", "observed_timestamp", "severity_text",
        "severity_number", "body", "service", "trace_id", "span_id", "attributes", "resource", "scope");
    assertThat(hit.getString("timestamp")).isEqualTo("2026-01-02T14:59:00.123456789Z");
    assertThat(hit.getString("observed_timestamp")).isEqualTo("2026-01-02T14:59:00.123456790Z");
    assertThat(hit.getString("severity_text")).isEqualTo("ERROR");
    assertThat(hit.getInteger("severity_number")).isEqualTo(17);
    assertThat(hit.getString("body")).isEqualTo("payment failed");
    assertThat(hit.getString("service")).isEqualTo("checkout");
    assertThat(hit.getString("trace_id")).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(hit.getString("span_id")).isEqualTo("00f067aa0ba902b7");
    assertThat(hit.getString("scope")).isEqualTo("io.lookout.test");
    assertThat(hit.getJsonObject("resource").getMap()).isEqualTo(Map.of("host.name", "web-1"));
    JsonObject a = hit.getJsonObject("attributes");
    assertThat(a.getValue("http.method")).isEqualTo("GET");
    assertThat(a.getValue("http.status_code")).isEqualTo(500);
    assertThat(a.getValue("ratio")).isEqualTo(0.25);
    assertThat(a.getValue("retry")).isEqualTo(true);
    assertThat(a.getJsonArray("tags")).isEqualTo(new JsonArray().add("a").add(2));
    assertThat(a.getJsonObject("nested")).isEqualTo(new JsonObject().put("k", "v"));
  }

  @Test
  void missingObservedTimestampIsNull() {
    t.store.addLogs("default", new LogRecord(NOW_NANOS - MINUTE, 0, 0, "", "x", null, null, null, null, null, null));

    JsonObject hit = t.get("/api/v1/logs").data().getJsonArray("hits").getJsonObject(0);

    assertThat(hit.containsKey("observed_timestamp")).isTrue();
    assertThat(hit.getValue("observed_timestamp")).isNull();
    assertThat(hit.getString("service")).isEqualTo("unknown_service");
  }

  @Test
  void logsDefaultsToLastHourNewestFirstHundredHits() {
    TestServer.Resp r = t.get("/api/v1/logs");

    assertThat(r.status()).isEqualTo(200);
    LogQuery q = t.store.lastQuery;
    assertThat(q.tenant()).isEqualTo("default");
    assertThat(q.query()).isEmpty();
    assertThat(q.endNanos()).isEqualTo(NOW_NANOS);
    assertThat(q.startNanos()).isEqualTo(NOW_NANOS - 60 * MINUTE);
    assertThat(q.limit()).isEqualTo(100);
    assertThat(q.direction()).isEqualTo(Direction.BACKWARD);
    assertThat(q.cursor()).isNull();
    assertThat(q.timeoutMillis()).isEqualTo(30_000);
  }

  @Test
  void storageRunsOnTheQueryWorkerPoolNotTheEventLoop() {
    t.get("/api/v1/logs");

    assertThat(t.store.lastThread).startsWith("lookout-query-");
  }

  @Test
  void logsOrdersByDirectionAndPagesWithCursor() {
    for (int i = 0; i < 5; i++) {
      t.store.addLogs("default", record(NOW_NANOS - (10 - i) * MINUTE, "line " + i, "svc"));
    }

    JsonObject first = t.get("/api/v1/logs?limit=2").data();
    assertThat(first.getJsonArray("hits").stream().map(h -> ((JsonObject) h).getString("body")))
        .containsExactly("line 4", "line 3");
    assertThat(first.getString("next_cursor")).isEqualTo("2");

    JsonObject second = t.get("/api/v1/logs?limit=2&cursor=2").data();
    assertThat(t.store.lastQuery.cursor()).isEqualTo("2");
    assertThat(second.getJsonArray("hits").stream().map(h -> ((JsonObject) h).getString("body")))
        .containsExactly("line 2", "line 1");

    JsonObject forward = t.get("/api/v1/logs?limit=2&direction=FORWARD").data();
    assertThat(t.store.lastQuery.direction()).isEqualTo(Direction.FORWARD);
    assertThat(forward.getJsonArray("hits").stream().map(h -> ((JsonObject) h).getString("body")))
        .containsExactly("line 0", "line 1");
  }

  @Test
  void timeParametersAcceptRfc3339UnixSecondsAndRelativeTimes() {
    assertThat(t.get("/api/v1/logs?start=2026-01-02T10:00:00.5Z&end=2026-01-02T12:00:00%2B01:00").status())
        .isEqualTo(200);
    assertThat(t.store.lastQuery.startNanos()).isEqualTo(1767348000_500_000_000L);
    assertThat(t.store.lastQuery.endNanos()).isEqualTo(1767351600_000_000_000L);

    t.get("/api/v1/logs?start=1767348000.25&end=1767351600");
    assertThat(t.store.lastQuery.startNanos()).isEqualTo(1767348000_250_000_000L);
    assertThat(t.store.lastQuery.endNanos()).isEqualTo(1767351600_000_000_000L);

    t.get("/api/v1/logs?start=now-15m&end=now");
    assertThat(t.store.lastQuery.startNanos()).isEqualTo(NOW_NANOS - 15 * MINUTE);
    assertThat(t.store.lastQuery.endNanos()).isEqualTo(NOW_NANOS);

    t.get("/api/v1/logs?end=now-1h");
    assertThat(t.store.lastQuery.endNanos()).isEqualTo(NOW_NANOS - 60 * MINUTE);
    assertThat(t.store.lastQuery.startNanos()).isEqualTo(NOW_NANOS - 120 * MINUTE);
  }

  @Test
  void unknownParametersAreIgnoredAndBlankOnesTakeTheDefault() {
    TestServer.Resp r = t.get("/api/v1/logs?foo=bar&limit=&direction=");

    assertThat(r.status()).isEqualTo(200);
    assertThat(t.store.lastQuery.limit()).isEqualTo(100);
  }

  @Test
  void invalidLimitNamesTheMaximumAndItsVariable() {
    for (String limit : List.of("0", "5001", "abc", "-3")) {
      TestServer.Resp r = t.get("/api/v1/logs?limit=" + limit);
      assertThat(r.status()).isEqualTo(400);
      assertThat(r.errorType()).isEqualTo("bad_data");
      assertThat(r.error()).isEqualTo("invalid limit '" + limit
          + "': use an integer from 1 to 5000 (the maximum is set by LOOKOUT_QUERY_MAX_LIMIT)");
    }
    assertThat(t.get("/api/v1/logs?limit=5000").status()).isEqualTo(200);
  }

  @Test
  void invalidDirectionSaysWhatIsAllowed() {
    TestServer.Resp r = t.get("/api/v1/logs?direction=sideways");

    assertThat(r.status()).isEqualTo(400);
    assertThat(r.error()).isEqualTo(
        "invalid direction 'sideways': use 'backward' (newest first, the default) or 'forward' (oldest first)");
  }

  @Test
  void invalidTimeNamesTheParameterAndTheFormats() {
    TestServer.Resp r = t.get("/api/v1/logs?start=yesterday");

    assertThat(r.status()).isEqualTo(400);
    assertThat(r.error()).startsWith("invalid start 'yesterday': use RFC 3339");
    assertThat(t.get("/api/v1/logs?end=tomorrow").error()).startsWith("invalid end 'tomorrow'");
  }

  @Test
  void longInvalidValuesAreAbbreviated() {
    String big = "x".repeat(500);

    TestServer.Resp r = t.get("/api/v1/logs?direction=" + big);

    assertThat(r.status()).isEqualTo(400);
    assertThat(r.error()).contains("'" + "x".repeat(64) + "...'").hasSizeLessThan(200);
  }

  @Test
  void startAfterEndIsRejected() {
    TestServer.Resp r = t.get("/api/v1/logs?start=now&end=now-1h");

    assertThat(r.status()).isEqualTo(400);
    assertThat(r.error()).isEqualTo("invalid range: start 2026-01-02T15:00:00.000000000Z is after end"
        + " 2026-01-02T14:00:00.000000000Z: use a start before the end");
  }

  @Test
  void postWithFormParametersWorksLikeGet() {
    TestServer.Resp r = t.send(HttpMethod.POST, "/api/v1/logs",
        Buffer.buffer("query=needle&limit=7&direction=forward&start=now-5m"),
        "Content-Type", "application/x-www-form-urlencoded");

    assertThat(r.status()).isEqualTo(200);
    assertThat(t.store.lastQuery.query()).isEqualTo("needle");
    assertThat(t.store.lastQuery.limit()).isEqualTo(7);
    assertThat(t.store.lastQuery.direction()).isEqualTo(Direction.FORWARD);
    assertThat(t.store.lastQuery.startNanos()).isEqualTo(NOW_NANOS - 5 * MINUTE);

    TestServer.Resp h = t.send(HttpMethod.POST, "/api/v1/logs/histogram", Buffer.buffer("step=1m"),
        "Content-Type", "application/x-www-form-urlencoded");
    assertThat(h.data().getInteger("step_seconds")).isEqualTo(60);
  }

  @Test
  void postWithAnotherContentTypeIs415() {
    TestServer.Resp r = t.send(HttpMethod.POST, "/api/v1/logs", Buffer.buffer("{\"query\":\"x\"}"),
        "Content-Type", "application/json");

    assertThat(r.status()).isEqualTo(415);
    assertThat(r.errorType()).isEqualTo("bad_data");
    assertThat(r.error()).isEqualTo("unsupported content type 'application/json':"
        + " send parameters as application/x-www-form-urlencoded or use GET");
  }

  @Test
  void postBodyOverTheLimitIs413() {
    TestServer.Resp r = t.send(HttpMethod.POST, "/api/v1/logs",
        Buffer.buffer("query=" + "a".repeat((int) QueryApi.MAX_FORM_BYTES + 10)),
        "Content-Type", "application/x-www-form-urlencoded");

    assertThat(r.status()).isEqualTo(413);
    assertThat(r.errorType()).isEqualTo("too_large");
  }

  @Test
  void histogramRendersStepAndBuckets() {
    t.store.addLogs("default",
        record(NOW_NANOS - 3 * MINUTE + 1, "a", "s"),
        record(NOW_NANOS - 3 * MINUTE + 2, "b", "s"),
        record(NOW_NANOS - MINUTE, "c", "s"));

    JsonObject data = t.get("/api/v1/logs/histogram?start=now-5m&end=now-1s&step=1m").data();

    assertThat(t.store.lastStep).isEqualTo(MINUTE);
    assertThat(data.fieldNames()).containsExactlyInAnyOrder("step_seconds", "buckets");
    assertThat(data.getValue("step_seconds")).isEqualTo(60);
    JsonArray buckets = data.getJsonArray("buckets");
    assertThat(buckets).hasSize(5);
    assertThat(buckets.getJsonObject(0)).isEqualTo(
        new JsonObject().put("start", "2026-01-02T14:55:00.000000000Z").put("count", 0));
    assertThat(buckets.getJsonObject(2)).isEqualTo(
        new JsonObject().put("start", "2026-01-02T14:57:00.000000000Z").put("count", 2));
    assertThat(buckets.getJsonObject(4).getInteger("count")).isEqualTo(1);
  }

  @Test
  void histogramChoosesStepFromTheLadder() {
    t.get("/api/v1/logs/histogram");
    assertThat(t.store.lastStep).isEqualTo(30_000_000_000L);

    t.get("/api/v1/logs/histogram?start=now-5m");
    assertThat(t.store.lastStep).isEqualTo(5_000_000_000L);

    t.get("/api/v1/logs/histogram?start=now-7d");
    assertThat(t.store.lastStep).isEqualTo(60 * MINUTE);

    JsonObject data = t.get("/api/v1/logs/histogram?start=now-30d").data();
    assertThat(data.getValue("step_seconds")).isEqualTo(6 * 3600);
  }

  @Test
  void histogramFractionalStepIsADecimalNumber() {
    JsonObject data = t.get("/api/v1/logs/histogram?start=now-1s&step=250ms").data();

    assertThat(data.getValue("step_seconds")).isEqualTo(0.25);
  }

  @Test
  void histogramWithTooManyBucketsAsksForALargerStep() {
    TestServer.Resp r = t.get("/api/v1/logs/histogram?start=now-1d&step=1s");

    assertThat(r.status()).isEqualTo(400);
    assertThat(r.error()).isEqualTo("step '1s' gives 86401 buckets over the range, more than the limit of 11000:"
        + " increase step or shorten the range");
  }

  @Test
  void histogramRejectsInvalidAndZeroSteps() {
    assertThat(t.get("/api/v1/logs/histogram?step=soon").error())
        .startsWith("invalid step 'soon': use a duration such as 250ms");
    assertThat(t.get("/api/v1/logs/histogram?step=0s").error())
        .isEqualTo("invalid step '0s': use a positive duration such as 1m");
  }

  @Test
  void fieldsListsNames() {
    t.store.addLogs("default", new LogRecord(NOW_NANOS - MINUTE, 0, 9, "INFO", "x", "svc", "", "",
        Map.of("http.method", "GET"), Map.of("host.name", "h"), ""));

    TestServer.Resp r = t.get("/api/v1/logs/fields?start=now-2h&end=now-30s");

    assertThat(r.json().getJsonArray("data")).containsExactly(
        "attributes.http.method", "body", "resource.host.name", "service", "severity");
    assertThat(t.store.lastRange).containsExactly(NOW_NANOS - 120 * MINUTE, NOW_NANOS - 30_000_000_000L);
  }

  @Test
  void fieldValuesRendersCountsAndPassesQueryAndLimit() {
    t.store.addLogs("default",
        record(NOW_NANOS - MINUTE, "error a", "checkout"),
        record(NOW_NANOS - MINUTE, "error b", "checkout"),
        record(NOW_NANOS - MINUTE, "error c", "cart"),
        record(NOW_NANOS - MINUTE, "fine", "cart"));

    JsonObject data = t.get("/api/v1/logs/fields/service/values?query=error").data();

    assertThat(t.store.lastField).isEqualTo("service");
    assertThat(t.store.lastFieldLimit).isEqualTo(10);
    assertThat(t.store.lastQuery.query()).isEqualTo("error");
    assertThat(data).isEqualTo(new JsonObject()
        .put("field", "service")
        .put("values", new JsonArray()
            .add(new JsonObject().put("value", "checkout").put("count", 2))
            .add(new JsonObject().put("value", "cart").put("count", 1)))
        .put("matched", 3)
        .put("scanned", 3)
        .put("sampled", false));

    t.get("/api/v1/logs/fields/attributes.http.method/values?limit=1000");
    assertThat(t.store.lastField).isEqualTo("attributes.http.method");
    assertThat(t.store.lastFieldLimit).isEqualTo(1000);
  }

  @Test
  void fieldValuesLimitIsAtMostAThousand() {
    TestServer.Resp r = t.get("/api/v1/logs/fields/service/values?limit=1001");

    assertThat(r.status()).isEqualTo(400);
    assertThat(r.error()).isEqualTo("invalid limit '1001': use an integer from 1 to 1000");
  }

  @Test
  void malformedQueryStringIsBadData() {
    TestServer.Resp r = t.get("/api/v1/logs?query=%zz");

    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().getString("status")).isEqualTo("error");
    assertThat(r.error()).isEqualTo("malformed query string 'query=%zz': use percent-encoding (RFC 3986) for special characters");
  }
}
