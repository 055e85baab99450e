package io.lookout.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lookout.model.LogRecord;
import io.lookout.model.limits.Limits;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LokiTailApiTest {
  private static final long S = 1_000_000_000L;
  private static final long NOW = TestServer.NOW_NANOS;
  private TestServer t;
  private WebSocketClient ws;

  @BeforeEach
  void start() {
    t = new TestServer(QueryConfig.defaults(),
        new LogTailConfig(2, 100, Duration.ofMillis(20), 1000, Duration.ofSeconds(10)), Limits.none());
    ws = t.vertx.createWebSocketClient();
  }

  @AfterEach
  void stop() {
    t.close();
  }

  private static LogRecord rec(long ts, String body, String service, String host) {
    return new LogRecord(ts, ts, 0, "", body, service, "", "", Map.of(),
        Map.of("service.name", service, "host.name", host), "");
  }

  /** An open tail: every message received so far. */
  private record Tail(WebSocket socket, List<JsonObject> messages) {
    List<String> lines() {
      List<String> out = new ArrayList<>();
      for (JsonObject m : messages) {
        JsonArray streams = m.getJsonArray("streams");
        for (int i = 0; i < streams.size(); i++) {
          JsonArray values = streams.getJsonObject(i).getJsonArray("values");
          for (int j = 0; j < values.size(); j++) {
            out.add(values.getJsonArray(j).getString(1));
          }
        }
      }
      return out;
    }
  }

  private Tail open(String query, String extra, String tenant) {
    WebSocketConnectOptions o = new WebSocketConnectOptions().setHost("localhost").setPort(t.server.actualPort())
        .setURI("/loki/api/v1/tail?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8) + extra);
    if (tenant != null) {
      o.addHeader("X-Scope-OrgID", tenant);
    }
    List<JsonObject> messages = new CopyOnWriteArrayList<>();
    WebSocket s = TestServer.await(ws.connect(o).map(w -> {
      w.textMessageHandler(m -> messages.add(new JsonObject(m)));
      return w;
    }));
    return new Tail(s, messages);
  }

  private static void waitFor(BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 20s");
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  @Test
  void linesAppendedAfterOpeningArriveOnceFilteredAsLokiJson() {
    t.store.addLogs("default", rec(NOW - 60 * S, "error: before the tail", "checkout", "web-1"));
    Tail tail = open("{service_name=\"checkout\"} |= \"error\"", "", null);
    t.store.addLogs("default",
        rec(NOW + S, "error: first", "checkout", "web-1"),
        rec(NOW + S + 1, "all fine", "checkout", "web-1"),
        rec(NOW + S + 2, "error: other service", "cart", "web-1"));
    waitFor(() -> tail.lines().contains("error: first"));
    t.store.addLogs("default", rec(NOW + 2 * S, "error: second", "checkout", "web-2"));
    waitFor(() -> tail.lines().contains("error: second"));

    // later polls read "error: first" again (lookback) but never send it twice
    assertThat(tail.lines()).containsExactly("error: first", "error: second");
    JsonObject first = tail.messages().get(0);
    assertThat(first.containsKey("dropped_entries")).isTrue();
    assertThat(first.getValue("dropped_entries")).isNull();
    JsonObject stream = first.getJsonArray("streams").getJsonObject(0);
    assertThat(stream.getJsonObject("stream").getMap())
        .isEqualTo(Map.of("host_name", "web-1", "service_name", "checkout"));
    assertThat(stream.getJsonArray("values")).isEqualTo(new JsonArray()
        .add(new JsonArray().add(Long.toString(NOW + S)).add("error: first")));
  }

  @Test
  void startReplaysAndLimitSplitsMessagesGroupedByStreamOldestFirst() {
    t.store.addLogs("default",
        rec(NOW - 3 * S, "a", "checkout", "web-1"),
        rec(NOW - 2 * S, "b", "checkout", "web-2"),
        rec(NOW - S, "c", "checkout", "web-1"),
        rec(NOW - 20 * S, "too old", "checkout", "web-1"));
    Tail tail = open("{host_name=~\"web-.*\"}", "&limit=2&start=" + (NOW - 5 * S), null);
    waitFor(() -> tail.lines().size() == 3);

    assertThat(tail.lines()).containsExactly("a", "b", "c");
    assertThat(tail.messages()).hasSize(2);
    JsonArray streams = tail.messages().get(0).getJsonArray("streams");
    assertThat(streams).hasSize(2);
    assertThat(streams.getJsonObject(0).getJsonObject("stream").getString("host_name")).isEqualTo("web-1");
    assertThat(tail.messages().get(1).getJsonArray("streams").getJsonObject(0)
        .getJsonArray("values").getJsonArray(0).getString(1)).isEqualTo("c");
  }

  @Test
  void parsersAndLabelFiltersApply() {
    Tail tail = open("{service_name=\"checkout\"} | logfmt | status >= 500", "", null);
    t.store.addLogs("default",
        rec(NOW + S, "status=200 path=/a", "checkout", "web-1"),
        rec(NOW + S + 1, "status=503 path=/b", "checkout", "web-1"),
        rec(NOW + S + 2, "status=504 path=/c", "checkout", "web-1"));
    waitFor(() -> tail.lines().size() == 2);
    assertThat(tail.lines()).containsExactly("status=503 path=/b", "status=504 path=/c");
    assertThat(tail.messages().get(0).getJsonArray("streams").getJsonObject(0).getJsonObject("stream")
        .getString("path")).isEqualTo("/b");
  }

  @Test
  void tenantsAreIsolated() {
    Tail acme = open("{service_name=\"checkout\"}", "", "acme");
    Tail other = open("{service_name=\"checkout\"}", "", "other");
    t.store.addLogs("acme", rec(NOW + S, "acme line", "checkout", "web-1"));
    t.store.addLogs("other", rec(NOW + 2 * S, "other line", "checkout", "web-1"));
    waitFor(() -> acme.lines().contains("acme line") && other.lines().contains("other line"));
    t.store.addLogs("acme", rec(NOW + 3 * S, "acme again", "checkout", "web-1"));
    waitFor(() -> acme.lines().contains("acme again"));
    assertThat(acme.lines()).containsExactly("acme line", "acme again");
    assertThat(other.lines()).containsExactly("other line");
  }

  @Test
  void metricQueriesAndBadParametersAreRefusedBeforeTheUpgrade() {
    TestServer.Resp metric = t.get("/loki/api/v1/tail?query="
        + URLEncoder.encode("count_over_time({a=\"b\"}[1m])", StandardCharsets.UTF_8));
    assertThat(metric.status()).isEqualTo(400);
    assertThat(metric.errorType()).isEqualTo("bad_data");
    assertThat(metric.error()).contains("live tail needs a log query");
    TestServer.Resp delay = t.get("/loki/api/v1/tail?delay_for=6&query="
        + URLEncoder.encode("{a=\"b\"}", StandardCharsets.UTF_8));
    assertThat(delay.status()).isEqualTo(400);
    assertThat(delay.error()).contains("delay_for").contains("0 to 5");
    TestServer.Resp plain = t.get("/loki/api/v1/tail?query=" + URLEncoder.encode("{a=\"b\"}", StandardCharsets.UTF_8));
    assertThat(plain.status()).isEqualTo(400);
    assertThat(plain.error()).contains("WebSocket");
    assertThatThrownBy(() -> open("sum(rate({a=\"b\"}[1m]))", "", null))
        .hasRootCauseInstanceOf(UpgradeRejectedException.class);
  }

  @Test
  void perTenantCapRefusesAndClosingFreesTheSlot() {
    Tail a = open("{service_name=\"checkout\"}", "", "acme");
    open("{service_name=\"checkout\"}", "", "acme");
    assertThatThrownBy(() -> open("{service_name=\"checkout\"}", "", "acme"))
        .rootCause().isInstanceOfSatisfying(UpgradeRejectedException.class, e -> assertThat(e.getStatus()).isEqualTo(429));
    open("{service_name=\"checkout\"}", "", "other"); // another tenant still gets one
    TestServer.await(a.socket().close());
    waitFor(() -> {
      try {
        open("{service_name=\"checkout\"}", "", "acme");
        return true;
      } catch (AssertionError e) {
        return false;
      }
    });
  }
}
