package io.lookout.server;

import static io.lookout.server.Http.data;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Real Loki clients from npm ship logs to the server process's Loki push API unchanged: pino-loki
 * (JSON, structured metadata) and winston-loki (its default protobuf + snappy mode, and its JSON
 * mode). The lines come back through /api/v1/logs with service, resource attributes, severity and
 * structured metadata mapped as DESIGN.md says, only for the X-Scope-OrgID tenant. The npm packages
 * are pinned in src/test/node/package-lock.json; the script is src/test/node/loki.mjs.
 */
class LokiPushIT {

  static JsonNode hits(ServerProcess server, String query, String tenant) {
    return data(Http.get(server.api() + "/api/v1/logs?limit=100&start=now-1h&end=now%2B1h&query="
        + Http.enc(query), tenant)).get("hits");
  }

  static JsonNode one(ServerProcess server, String query, String tenant) {
    JsonNode hits = hits(server, query, tenant);
    assertThat(hits).as("hits of %s", query).hasSize(1);
    return hits.get(0);
  }

  @Test
  void pinoLokiAndWinstonLokiLinesAreSearchableAsMapped() throws Exception {
    Path dir = NodeProject.install();
    Path dataDir = Files.createTempDirectory("lookout-loki-");
    try (ServerProcess server = new ServerProcess(dataDir, Map.of()).start()) {
      String token = "loki" + UUID.randomUUID().toString().replace("-", "");
      String out = NodeProject.run(dir, List.of("node", "loki.mjs", server.api(), token, "acme"));
      assertThat(out).contains("ok");
      // snappy installs from npm prebuilt binaries on linux-x64; winston-loki then speaks protobuf
      assertThat(out).contains("winston-loki default mode: protobuf, json mode: json");

      Http.await("all 7 lines searchable", Duration.ofSeconds(15),
          () -> hits(server, token, "acme").size() == 7);

      // pino-loki, JSON: labels app/env/level/hostname; the line is pino's JSON log
      JsonNode info = one(server, token + " AND body:placed", "acme");
      assertThat(info.get("service").asText()).isEqualTo("pino-shop");
      assertThat(info.get("severity_number").asInt()).isEqualTo(9);
      assertThat(info.get("severity_text").asText()).isEqualTo("INFO");
      assertThat(info.get("resource").get("app").asText()).isEqualTo("pino-shop");
      assertThat(info.get("resource").get("env").asText()).isEqualTo("test");
      assertThat(info.get("resource").get("level").asText()).isEqualTo("info");
      assertThat(info.get("resource").has("hostname")).isTrue();
      assertThat(Http.JSON.readTree(info.get("body").asText()).get("msg").asText())
          .isEqualTo("pino order placed " + token);

      JsonNode error = one(server, token + " AND body:payment", "acme");
      assertThat(error.get("severity_number").asInt()).isEqualTo(17);
      assertThat(error.get("attributes").get("order_id").asText()).isEqualTo("42");
      assertThat(error.get("trace_id").asText()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");

      JsonNode fatal = one(server, token + " AND body:memory", "acme");
      assertThat(fatal.get("severity_number").asInt()).as("pino-loki sends fatal as critical").isEqualTo(21);
      assertThat(fatal.get("severity_text").asText()).isEqualTo("FATAL");

      // winston-loki, protobuf + snappy: labels level/job/container; container wins over job
      JsonNode warn = one(server, token + " AND body:protobuf AND body:disk", "acme");
      assertThat(warn.get("service").asText()).isEqualTo("winston-default");
      assertThat(warn.get("severity_number").asInt()).isEqualTo(13);
      assertThat(warn.get("resource").get("job").asText()).isEqualTo("winston-job");
      assertThat(warn.get("body").asText()).startsWith("winston disk almost full " + token + " protobuf");
      JsonNode debug = one(server, token + " AND body:protobuf AND body:cache", "acme");
      assertThat(debug.get("severity_number").asInt()).isEqualTo(5);
      assertThat(debug.get("severity_text").asText()).isEqualTo("DEBUG");

      // winston-loki, JSON: winston's meta arrives as structured metadata
      JsonNode jsonWarn = one(server, token + " AND body:json AND body:disk", "acme");
      assertThat(jsonWarn.get("service").asText()).isEqualTo("winston-json");
      assertThat(jsonWarn.get("attributes").get("disk").asText()).isEqualTo("sda1");
      assertThat(one(server, "attributes.disk:sda1 AND service:winston-json", "acme").get("body").asText())
          .contains(token);

      // tenant isolation: another tenant sees nothing of acme's lines
      assertThat(hits(server, token, "default")).isEmpty();
      assertThat(hits(server, token, "other")).isEmpty();

      // the receiver answers bad input with the error envelope, and counts in the ingest metrics
      HttpResponse<byte[]> bad = Http.post(server.api() + "/loki/api/v1/push", "application/json",
          "{\"streams\":[{\"stream\":{\"a\":\"b\"},\"values\":[[\"soon\",\"x\"]]}]}".getBytes(StandardCharsets.UTF_8));
      assertThat(bad.statusCode()).isEqualTo(400);
      JsonNode envelope = Http.JSON.readTree(bad.body());
      assertThat(envelope.get("errorType").asText()).isEqualTo("bad_data");
      assertThat(envelope.get("error").asText()).contains("invalid timestamp 'soon' of entry 0 of stream 0");
      String metrics = Http.get(server.api() + "/metrics").body();
      assertThat(metrics).containsPattern("lookout_ingest_records_total\\{signal=\"logs\",transport=\"loki\"} 7(\\.0)?\n");
    }
  }
}
