package io.lookout.server;

import static io.lookout.server.Http.data;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The server jar as a process: health endpoints, metrics, JSON logs, SIGTERM, bad config. */
class LifecycleIT {

  @Test
  void servesHealthMetricsAndStopsCleanlyOnSigterm() throws Exception {
    Path dataDir = Files.createTempDirectory("lookout-lifecycle-");
    try (ServerProcess server = new ServerProcess(dataDir, Map.of()).start()) {
      assertThat(Http.get(server.api() + "/healthz").statusCode()).isEqualTo(200);
      assertThat(Http.get(server.api() + "/readyz").statusCode()).isEqualTo(200);

      var ack = Http.post(server.otlpHttp() + "/v1/logs", "application/x-protobuf",
          OtlpRequests.logs("lifecycle", List.of("before sigterm marker1")).toByteArray());
      assertThat(ack.statusCode()).isEqualTo(200);

      String metrics = Http.get(server.api() + "/metrics").body();
      assertThat(metrics).contains("lookout_ingest_records_total");
      assertThat(metrics).contains("signal=\"logs\"");
      assertThat(metrics).contains("jvm_memory_used_bytes");

      long t0 = System.nanoTime();
      int exit = server.terminate(Duration.ofSeconds(10));
      assertThat(exit).as("exit code after SIGTERM").isEqualTo(0);
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));

      // Logs on stdout are structured: one JSON object per line.
      List<String> lines = Files.readAllLines(server.logFile).stream().filter(l -> l.startsWith("{")).toList();
      assertThat(lines).isNotEmpty();
      assertThat(lines).anySatisfy(l -> assertThat(Http.json(l).get("level")).isNotNull());
      assertThat(server.log()).contains("lookout ready");
    }
    // A clean stop committed everything: the record is there right after restart.
    try (ServerProcess again = new ServerProcess(dataDir, Map.of()).start()) {
      assertThat(data(Http.get(again.api() + "/api/v1/logs?query=marker1&start=now-1h")).get("hits")).hasSize(1);
    }
  }

  @Test
  void invalidConfigurationExitsWithAMessageNamingTheVariable() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-jar", ServerProcess.jar().toString());
    pb.environment().put("LOOKOUT_HTTP_PORT", "eighty");
    pb.environment().put("LOOKOUT_DATA_DIR", Files.createTempDirectory("lookout-badcfg-").toString());
    pb.redirectErrorStream(true);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(2);
    assertThat(out).contains("LOOKOUT_HTTP_PORT").contains("eighty");
  }
}
