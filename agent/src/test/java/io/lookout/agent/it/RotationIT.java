package io.lookout.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file written at a steady rate is rotated three times (rename, copy-truncate, rename) while the
 * server is killed and restarted in the middle: every line reaches Lookout exactly once.
 */
class RotationIT {
  static final int LINES = 8000;

  @TempDir Path tmp;

  static String config(Path logs, Path data, String endpoint, String service) {
    return """
        endpoint: %s
        data_dir: %s
        batch: {max_records: 500, max_bytes: 256KiB, timeout: 200ms}
        retry: {initial_backoff: 100ms, max_backoff: 1s}
        files:
          - paths: ["%s/app.log*"]
            service: %s
            multiline: {java_stack_traces: false}
        """.formatted(endpoint, data, logs, service);
  }

  @Test
  void everyLineArrivesExactlyOnceAcrossRotationsAndAServerOutage() throws Exception {
    Path logs = Files.createDirectories(tmp.resolve("logs"));
    try (ServerProcess server = new ServerProcess(tmp.resolve("server")).start();
        AgentProcess agent = new AgentProcess(tmp.resolve("agent"),
            config(logs, tmp.resolve("agent-data"), server.otlpHttp(), "rotation"), Map.of()).start();
        LineWriter writer = new LineWriter(logs.resolve("app.log"), "rot", LINES, 1000).start()) {
      writer.awaitWritten(1500);
      writer.rotateByRename(logs.resolve("app.log.1"));
      writer.awaitWritten(3000);
      server.terminate(); // kill -9 could lose a response to a request already in the WAL: a legitimate duplicate
      writer.awaitWritten(4000);
      writer.rotateByCopyTruncate(logs.resolve("app.log.2"));
      writer.awaitWritten(5000);
      assertThat(agent.metric("lookout_agent_queue_bytes")).as("data waits in the disk queue").isPositive();
      server.start();
      writer.awaitWritten(6500);
      writer.rotateByRename(logs.resolve("app.log.3"));
      writer.awaitWritten(LINES);

      Http.await("all lines in Lookout", Duration.ofSeconds(120),
          () -> Http.logs(server.api(), "service:rotation").size() >= LINES);
      Http.await("agent queue drained", Duration.ofSeconds(30), () -> agent.metric("lookout_agent_queue_bytes") == 0);
      List<JsonNode> hits = Http.logs(server.api(), "service:rotation");
      TreeMap<Integer, Integer> counts = new TreeMap<>();
      for (JsonNode h : hits) {
        String body = h.get("body").asText();
        counts.merge(Integer.parseInt(body.substring(4, 10)), 1, Integer::sum);
      }
      assertThat(counts.keySet()).hasSize(LINES).first().isEqualTo(1);
      assertThat(counts.lastKey()).isEqualTo(LINES);
      List<Integer> duplicated = counts.entrySet().stream().filter(e -> e.getValue() > 1).map(e -> e.getKey()).toList();
      assertThat(duplicated).as("duplicated lines (agent log %s)", agent.logFile).isEmpty();
      assertThat(hits).hasSize(LINES);
      assertThat(agent.metric("lookout_agent_file_rotations_total")).isGreaterThanOrEqualTo(1);
      assertThat(agent.metric("lookout_agent_upload_retries_total")).as("retried while the server was down").isPositive();
      assertThat(agent.terminate(Duration.ofSeconds(30))).as("SIGTERM exits 0").isZero();
    }
  }
}
