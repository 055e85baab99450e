package io.lookout.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Multiline stack traces, JSON and logfmt attributes and redaction, end to end through the server. */
class FeaturesIT {
  @TempDir Path tmp;

  @Test
  void stackTracesJsonLogfmtAndRedactionReachLookout() throws Exception {
    Path logs = Files.createDirectories(tmp.resolve("logs"));
    Files.writeString(logs.resolve("java.log"), """
        2026-01-02 10:00:00 INFO started
        2026-01-02 10:00:01 ERROR request failed
        java.lang.IllegalStateException: boom
        \tat com.example.Shop.checkout(Shop.java:42)
        \tat com.example.Api.handle(Api.java:7)
        Caused by: java.io.IOException: disk full
        \t... 2 more
        2026-01-02 10:00:02 INFO recovered
        """);
    String ts = java.time.Instant.now().minusSeconds(60).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    Files.writeString(logs.resolve("app.json"),
        "{\"ts\":\"" + ts + "\",\"level\":\"warn\",\"msg\":\"slow query\",\"db\":{\"table\":\"orders\"},\"ms\":1234}\n");
    Files.writeString(logs.resolve("app.logfmt"),
        "level=info msg=\"login ok password=hunter2\" user=alice token=abc123\n");
    try (ServerProcess server = new ServerProcess(tmp.resolve("server")).start()) {
      String yaml = """
          endpoint: %1$s
          data_dir: %2$s
          batch: {timeout: 100ms}
          files:
            - paths: ["%3$s/*.log"]
              service: javaapp
              multiline: {timeout: 300ms}
            - paths: ["%3$s/*.json"]
              service: jsonapp
              parser: json
              timestamp: {format: rfc3339}
            - paths: ["%3$s/*.logfmt"]
              service: logfmtapp
              parser: logfmt
              attributes: {env: test}
              redact: [{pattern: 'password=\\S+', replacement: 'password=***'}, {pattern: '(?<=^|\\s)abc123'}]
          host_metrics: {interval: 1s}
          otlp_receiver: {grpc_port: 0, http_port: 0}
          """.formatted(server.otlpHttp(), tmp.resolve("agent-data"), logs);
      try (AgentProcess agent = new AgentProcess(tmp.resolve("agent"), yaml, Map.of()).start()) {
        Http.await("records in Lookout", Duration.ofSeconds(60), () -> Http.logs(server.api(), "service:javaapp").size() >= 3
            && !Http.logs(server.api(), "service:jsonapp").isEmpty()
            && !Http.logs(server.api(), "service:logfmtapp").isEmpty());

        List<JsonNode> java = Http.logs(server.api(), "service:javaapp");
        assertThat(java).hasSize(3);
        JsonNode error = java.stream().filter(h -> h.get("severity_text").asText().equals("ERROR")).findFirst().orElseThrow();
        assertThat(error.get("body").asText()).startsWith("2026-01-02 10:00:01 ERROR request failed\n")
            .contains("\tat com.example.Shop.checkout(Shop.java:42)").endsWith("\t... 2 more");
        assertThat(error.at("/attributes/log.file.name").asText()).isEqualTo("java.log");
        assertThat(error.at("/resource/host.name").asText()).isNotEmpty();

        JsonNode json = Http.logs(server.api(), "service:jsonapp").get(0);
        assertThat(json.get("body").asText()).isEqualTo("slow query");
        assertThat(json.get("severity_text").asText()).isEqualTo("WARN");
        assertThat(json.get("timestamp").asText()).startsWith(ts.substring(0, 19));
        assertThat(json.at("/attributes/db.table").asText()).isEqualTo("orders");
        assertThat(json.at("/attributes/ms").asLong()).isEqualTo(1234);

        JsonNode logfmt = Http.logs(server.api(), "service:logfmtapp").get(0);
        assertThat(logfmt.get("body").asText()).isEqualTo("login ok password=***");
        assertThat(logfmt.toString()).doesNotContain("hunter2").doesNotContain("abc123");
        assertThat(logfmt.at("/attributes/user").asText()).isEqualTo("alice");
        assertThat(logfmt.at("/attributes/token").asText()).isEqualTo("***");
        assertThat(logfmt.at("/attributes/env").asText()).isEqualTo("test");

        Http.await("host metrics sent", Duration.ofSeconds(30),
            () -> agent.metrics().contains("lookout_agent_upload_items_total{signal=\"metrics\"}"));
        String metrics = agent.metrics();
        assertThat(Http.metric(metrics, "lookout_agent_files_watched")).isEqualTo(3);
        assertThat(Http.metric(metrics, "lookout_agent_upload_items_total")).isGreaterThanOrEqualTo(5);
        assertThat(Http.get(agent.base() + "/healthz").body()).contains("\"status\":\"ok\"");
      }
    }
  }

  @Test
  void badConfigExitsTwoNamingFileLineAndColumn() throws Exception {
    Path cfg = tmp.resolve("bad.yaml");
    Files.writeString(cfg, "endpoint: http://127.0.0.1:1\nfiles:\n  - paths: [x]\n    parsr: json\n");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-jar", AgentProcess.jar().toString(), cfg.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).isEqualTo(2);
    assertThat(out).contains(cfg + ":4:5: unknown key 'parsr' in files[0] (allowed: ");
  }
}
