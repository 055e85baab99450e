package io.lookout.server;

import static io.lookout.server.Http.data;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A second language: the OpenTelemetry JS SDK (Node, OTLP/HTTP JSON, chunked bodies) sends a log
 * and a trace to the server process; both come back with their fields and the log links to the
 * span it was emitted in. Its metrics SDK exports every instrument kind over each OTLP transport.
 * The npm packages are pinned in src/test/node/package-lock.json.
 */
class OtelJsIT {

  private static String run(Path dir, List<String> command) throws IOException, InterruptedException {
    return NodeProject.run(dir, command);
  }

  /** The npm project, installed from the pinned lock file ({@link NodeProject}). */
  private static Path nodeProject() throws IOException, InterruptedException {
    return NodeProject.install();
  }

  @Test
  void nodeSdkLogsAndTracesArrive() throws Exception {
    Path dir = nodeProject();

    Path dataDir = Files.createTempDirectory("lookout-js-");
    try (ServerProcess server = new ServerProcess(dataDir, java.util.Map.of()).start()) {
      String token = "js" + UUID.randomUUID().toString().replace("-", "");
      String[] ids = run(dir, List.of("node", "send.mjs", server.otlpHttp(), token, "acme")).trim().split("\\s+");
      String traceId = ids[ids.length - 3];
      String rootId = ids[ids.length - 2];
      String childId = ids[ids.length - 1];

      String url = server.api() + "/api/v1/logs?query=" + token + "&start=now-1h";
      Http.await("js log searchable", Duration.ofSeconds(10), () -> data(Http.get(url, "acme")).get("hits").size() == 1);
      JsonNode hit = data(Http.get(url, "acme")).get("hits").get(0);
      assertThat(hit.get("body").asText()).isEqualTo("cart lookup failed " + token);
      assertThat(hit.get("severity_number").asInt()).isEqualTo(17);
      assertThat(hit.get("service").asText()).isEqualTo("node-checkout");
      assertThat(hit.get("trace_id").asText()).isEqualTo(traceId);
      assertThat(hit.get("span_id").asText()).isEqualTo(childId);
      assertThat(hit.get("attributes").get("cart.items").asLong()).isEqualTo(3);
      assertThat(hit.get("attributes").get("cart.total").asDouble()).isEqualTo(42.5);
      assertThat(hit.get("attributes").get("user.vip").asBoolean()).isTrue();
      assertThat(hit.get("attributes").get("cart.skus").get(0).asText()).isEqualTo("a1");
      // Tenant isolation: the default tenant does not see acme's record.
      assertThat(data(Http.get(url)).get("hits")).isEmpty();

      JsonNode spans = data(Http.get(server.api() + "/api/v1/traces/" + traceId, "acme")).get("spans");
      assertThat(spans).hasSize(2);
      JsonNode child = spans.get(0).get("span_id").asText().equals(childId) ? spans.get(0) : spans.get(1);
      assertThat(child.get("parent_span_id").asText()).isEqualTo(rootId);
      assertThat(child.get("kind").asText()).isEqualTo("SPAN_KIND_CLIENT");
      assertThat(child.get("status").get("code").asText()).isEqualTo("STATUS_CODE_ERROR");
      assertThat(child.get("events").get(0).get("attributes").get("db.ms").asDouble()).isEqualTo(120.5);
      assertThat(Http.get(server.api() + "/api/v1/traces/" + traceId).statusCode()).isEqualTo(404);
    }
  }

  /**
   * The JS metrics SDK over each OTLP transport (HTTP JSON, HTTP protobuf, gRPC) and both
   * temporalities: counter, up-down counter, observable gauge, explicit-bucket and exponential
   * histogram, exported twice, arrive translated as the OTLP-to-Prometheus rules say, with delta
   * points accumulated into the same cumulative values. metrics.mjs records the values asserted here.
   */
  @Test
  void nodeSdkMetricsArriveOverEveryTransport() throws Exception {
    Path dir = nodeProject();
    Path dataDir = Files.createTempDirectory("lookout-js-metrics-");
    try (ServerProcess server = new ServerProcess(dataDir, java.util.Map.of()).start()) {
      List<String> instances = new java.util.ArrayList<>();
      for (String protocol : List.of("http/json", "http/protobuf", "grpc")) {
        String endpoint = protocol.equals("grpc") ? server.otlpGrpc() : server.otlpHttp();
        for (String temporality : List.of("cumulative", "delta")) {
          String instance = protocol + "-" + temporality;
          String out = run(dir, List.of("node", "metrics.mjs", protocol, endpoint, "acme", instance, temporality));
          assertThat(out).as("metrics.mjs %s", instance).contains("ok");
          instances.add(instance);
        }
      }
      String prom = server.api() + "/prometheus/api/v1/query?query=";
      for (String instance : instances) {
        String sel = "{job=\"js-shop\",instance=\"" + instance + "\"}";
        // the second export is the last one stored: wait for it, then check every family
        Http.await(instance + " exported twice", Duration.ofSeconds(10),
            () -> value(server, "js_temperature_celsius" + sel) == 19.25);
        assertThat(value(server, "js_requests_total{job=\"js-shop\",instance=\"" + instance + "\",route=\"/cart\"}"))
            .as("%s counter /cart", instance).isEqualTo(8);
        assertThat(value(server, "js_requests_total{job=\"js-shop\",instance=\"" + instance + "\",route=\"/pay\"}"))
            .as("%s counter /pay", instance).isEqualTo(2);
        assertThat(value(server, "js_queue_depth" + sel)).as("%s up-down counter", instance).isEqualTo(5);
        for (String[] le : new String[][] {{"10", "1"}, {"100", "2"}, {"1000", "3"}, {"+Inf", "4"}}) {
          assertThat(value(server, "js_latency_milliseconds_bucket{job=\"js-shop\",instance=\"" + instance
              + "\",le=\"" + le[0] + "\"}")).as("%s bucket le=%s", instance, le[0]).isEqualTo(Double.parseDouble(le[1]));
        }
        assertThat(value(server, "js_latency_milliseconds_sum" + sel)).as("%s histogram sum", instance).isEqualTo(5555);
        assertThat(value(server, "js_latency_milliseconds_count" + sel)).as("%s histogram count", instance).isEqualTo(4);
        assertThat(value(server, "histogram_count(js_payload_size_bytes" + sel + ")")).as("%s exp. histogram count", instance)
            .isEqualTo(3);
        assertThat(value(server, "histogram_sum(js_payload_size_bytes" + sel + ")")).as("%s exp. histogram sum", instance)
            .isEqualTo(7);
        assertThat(value(server, "target_info{job=\"js-shop\",instance=\"" + instance
            + "\",deployment_environment=\"test\"}")).as("%s target_info", instance).isEqualTo(1);
        JsonNode series = data(Http.get(prom + Http.enc("js_requests_total" + sel), "acme")).get("result");
        assertThat(series.get(0).get("metric").get("otel_scope_name").asText()).isEqualTo("lookout-js-metrics");
        assertThat(series.get(0).get("metric").get("otel_scope_version").asText()).isEqualTo("1.2.3");
      }
      // tenant isolation: the default tenant sees none of acme's series
      assertThat(data(Http.get(prom + Http.enc("js_requests_total"))).get("result")).isEmpty();
    }
  }

  /** The value of a one-series instant query for tenant acme; NaN when it returns no series. */
  private static double value(ServerProcess server, String promql) {
    JsonNode result = data(Http.get(server.api() + "/prometheus/api/v1/query?query=" + Http.enc(promql), "acme"))
        .get("result");
    if (result.isEmpty()) {
      return Double.NaN;
    }
    assertThat(result).as("series of %s", promql).hasSize(1);
    return Double.parseDouble(result.get(0).get("value").get(1).asText());
  }
}
