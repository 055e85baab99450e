package io.lookout.server;

import static io.lookout.server.Http.data;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Lines pushed through the server process's Loki push API come back through Loki's query API as
 * Grafana's Loki data source asks for them: query_range (log and metric queries), labels and label
 * values, and the live tail (a WebSocket), each only for the X-Scope-OrgID tenant.
 */
class LokiQueryIT {

  private static JsonNode range(ServerProcess server, String query, String tenant, String extra) {
    return data(Http.get(server.api() + "/loki/api/v1/query_range?query=" + Http.enc(query) + extra, tenant));
  }

  private static List<String> lines(JsonNode data) {
    List<String> out = new ArrayList<>();
    data.get("result").forEach(s -> s.get("values").forEach(v -> out.add(v.get(1).asText())));
    return out;
  }

  /** Opens Loki's tail on a WebSocket; every text message is added to {@code messages}. */
  private static WebSocket tail(ServerProcess server, String query, String tenant,
      List<String> messages) {
    URI uri = URI.create(server.api().replaceFirst("^http", "ws")
        + "/loki/api/v1/tail?query=" + Http.enc(query));
    return Http.CLIENT.newWebSocketBuilder().header("X-Scope-OrgID", tenant)
        .buildAsync(uri, new WebSocket.Listener() {
          private final StringBuilder partial = new StringBuilder();

          @Override
          public CompletionStage<?> onText(WebSocket w, CharSequence data,
              boolean last) {
            partial.append(data);
            if (last) {
              messages.add(partial.toString());
              partial.setLength(0);
            }
            w.request(1);
            return null;
          }
        }).orTimeout(15, TimeUnit.SECONDS).join();
  }

  @Test
  void pushedLinesAreQueryableThroughLokisQueryApi() throws Exception {
    Path dataDir = Files.createTempDirectory("lookout-loki-query-");
    try (ServerProcess server = new ServerProcess(dataDir, Map.of()).start()) {
      String svc = "shop" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
      long now = System.currentTimeMillis() * 1_000_000L;
      String body = "{\"streams\":[{\"stream\":{\"service_name\":\"" + svc + "\",\"env\":\"test\"},\"values\":["
          + "[\"" + (now - 3_000_000_000L) + "\",\"level=info msg=started\"],"
          + "[\"" + (now - 2_000_000_000L) + "\",\"level=error msg=\\\"payment failed\\\"\",{\"order_id\":\"42\"}],"
          + "[\"" + (now - 1_000_000_000L) + "\",\"level=error msg=timeout\"]]}]}";
      assertThat(Http.post(server.api() + "/loki/api/v1/push", "application/json",
          body.getBytes(StandardCharsets.UTF_8), "X-Scope-OrgID", "acme").statusCode()).isEqualTo(204);

      String selector = "{service_name=\"" + svc + "\"}";
      String window = "&start=" + (now - 60_000_000_000L) + "&end=" + (now + 60_000_000_000L);
      Http.await("3 lines queryable", Duration.ofSeconds(15),
          () -> lines(range(server, selector, "acme", window)).size() == 3);

      JsonNode logs = range(server, selector + " |= \"error\" | logfmt | msg=~\"pay.*\"", "acme", window);
      assertThat(logs.get("resultType").asText()).isEqualTo("streams");
      assertThat(lines(logs)).containsExactly("level=error msg=\"payment failed\"");
      JsonNode stream = logs.get("result").get(0).get("stream");
      assertThat(stream.get("service_name").asText()).isEqualTo(svc);
      assertThat(stream.get("env").asText()).isEqualTo("test");
      assertThat(stream.get("msg").asText()).isEqualTo("payment failed");
      assertThat(lines(range(server, selector + " | order_id=\"42\"", "acme", window))).hasSize(1);

      JsonNode metric = range(server, "sum by (level) (count_over_time(" + selector + " | logfmt [5m]))", "acme",
          "&start=" + (now / 1_000_000_000L + 1) + "&end=" + (now / 1_000_000_000L + 1) + "&step=15s");
      assertThat(metric.get("resultType").asText()).isEqualTo("matrix");
      assertThat(metric.get("result")).hasSize(2);
      for (JsonNode s : metric.get("result")) {
        String expected = s.get("metric").get("level").asText().equals("error") ? "2" : "1";
        assertThat(s.get("values").get(0).get(1).asText()).isEqualTo(expected);
      }

      JsonNode labels = data(Http.get(server.api() + "/loki/api/v1/labels?start=" + (now - 60_000_000_000L), "acme"));
      assertThat(labels.toString()).contains("\"service_name\"", "\"env\"");
      JsonNode values = data(Http.get(server.api() + "/loki/api/v1/label/service_name/values?since=1h", "acme"));
      assertThat(values.toString()).contains("\"" + svc + "\"");
      JsonNode env = data(Http.get(server.api() + "/loki/api/v1/label/env/values?since=1h", "acme"));
      assertThat(env.toString()).contains("\"test\"");

      // another tenant sees none of it
      assertThat(lines(range(server, selector, "other", window))).isEmpty();
      assertThat(data(Http.get(server.api() + "/loki/api/v1/label/service_name/values", "other")).toString())
          .doesNotContain(svc);

      // live tail (Grafana's live mode): a line pushed after the WebSocket opened arrives, filtered
      List<String> tailed = new CopyOnWriteArrayList<>();
      WebSocket ws = tail(server, selector + " |= \"tail\"", "acme", tailed);
      try {
        long t = System.currentTimeMillis() * 1_000_000L;
        String live = "{\"streams\":[{\"stream\":{\"service_name\":\"" + svc + "\",\"env\":\"test\"},\"values\":["
            + "[\"" + t + "\",\"tail me\"],[\"" + (t + 1) + "\",\"not this one\"]]}]}";
        assertThat(Http.post(server.api() + "/loki/api/v1/push", "application/json",
            live.getBytes(StandardCharsets.UTF_8), "X-Scope-OrgID", "acme").statusCode()).isEqualTo(204);
        Http.await("the pushed line on the tail", Duration.ofSeconds(15), () -> !tailed.isEmpty());
        JsonNode message = Http.json(tailed.get(0));
        JsonNode s0 = message.get("streams").get(0);
        assertThat(s0.get("stream").get("service_name").asText()).isEqualTo(svc);
        assertThat(s0.get("values").get(0).get(0).asText()).isEqualTo(Long.toString(t));
        assertThat(s0.get("values").get(0).get(1).asText()).isEqualTo("tail me");
        assertThat(s0.get("values")).hasSize(1);
        assertThat(message.get("dropped_entries").isNull()).isTrue();
      } finally {
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "").join();
      }
      var metricTail = Http.get(server.api() + "/loki/api/v1/tail?query="
          + Http.enc("count_over_time(" + selector + "[1m])"), "acme");
      assertThat(metricTail.statusCode()).isEqualTo(400);

      // Loki's error envelope
      var bad = Http.get(server.api() + "/loki/api/v1/query_range?query=" + Http.enc("{a=\"b\""), "acme");
      assertThat(bad.statusCode()).isEqualTo(400);
      assertThat(Http.json(bad.body()).get("errorType").asText()).isEqualTo("bad_data");
      var unsupported = Http.get(server.api() + "/loki/api/v1/query_range?query="
          + Http.enc(selector + " | line_format \"x\""), "acme");
      assertThat(unsupported.statusCode()).isEqualTo(422);
    }
  }
}
