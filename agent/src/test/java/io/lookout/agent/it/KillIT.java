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
 * The agent is killed with kill -9 mid-stream and restarted: no line is lost, and duplicates
 * (from the un-acknowledged tail) stay within one file batch plus one upload batch.
 */
class KillIT {
  static final int LINES = 6000;
  static final int MAX_RECORDS = 200;
  static final int MAX_BYTES = 32 * 1024;

  @TempDir Path tmp;

  @Test
  void killNineLosesNothingAndDuplicatesAreBounded() throws Exception {
    Path logs = Files.createDirectories(tmp.resolve("logs"));
    try (ServerProcess server = new ServerProcess(tmp.resolve("server")).start();
        LineWriter writer = new LineWriter(logs.resolve("app.log"), "kil", LINES, 1000).start()) {
      String yaml = """
          endpoint: %s
          data_dir: %s
          batch: {max_records: %d, max_bytes: %d, timeout: 100ms}
          retry: {initial_backoff: 100ms, max_backoff: 1s}
          files:
            - paths: ["%s/app.log"]
              service: killed
              multiline: {java_stack_traces: false}
          """.formatted(server.otlpHttp(), tmp.resolve("agent-data"), MAX_RECORDS, MAX_BYTES, logs);
      try (AgentProcess agent = new AgentProcess(tmp.resolve("agent"), yaml, Map.of()).start()) {
        writer.awaitWritten(2500);
        agent.kill9();
        writer.awaitWritten(3500);
        agent.start();
        writer.awaitWritten(LINES);
        Http.await("all lines in Lookout", Duration.ofSeconds(120), () -> distinct(server) >= LINES);
        Http.await("agent queue drained", Duration.ofSeconds(30), () -> agent.metric("lookout_agent_queue_bytes") == 0);
      }
      List<JsonNode> hits = Http.logs(server.api(), "service:killed");
      TreeMap<Integer, Integer> counts = counts(hits);
      assertThat(counts.keySet()).hasSize(LINES);
      assertThat(counts.firstKey()).isEqualTo(1);
      assertThat(counts.lastKey()).isEqualTo(LINES);
      int duplicates = hits.size() - LINES;
      // un-acknowledged tail: the file batch queued but not checkpointed, plus the upload batch
      // sent but not acknowledged in the queue (records of >= 100 bytes each)
      int bound = MAX_RECORDS + MAX_BYTES / 100;
      System.out.println("kill -9: " + duplicates + " duplicates (bound " + bound + ")");
      assertThat(duplicates).isBetween(0, bound);
    }
  }

  private static int distinct(ServerProcess server) {
    return counts(Http.logs(server.api(), "service:killed")).size();
  }

  private static TreeMap<Integer, Integer> counts(List<JsonNode> hits) {
    TreeMap<Integer, Integer> counts = new TreeMap<>();
    for (JsonNode h : hits) {
      counts.merge(Integer.parseInt(h.get("body").asText().substring(4, 10)), 1, Integer::sum);
    }
    return counts;
  }
}
