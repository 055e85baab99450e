package io.lookout.server;

import static io.lookout.server.Http.data;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A second language: the OpenTelemetry JS SDK (Node, OTLP/HTTP JSON, chunked bodies) sends a log
 * and a trace to the server process; both come back with their fields and the log links to the
 * span it was emitted in. The npm packages are pinned in src/test/node/package-lock.json.
 */
class OtelJsIT {

  private static boolean hasCommand(String cmd) {
    try {
      Process p = new ProcessBuilder(cmd, "--version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  private static String run(Path dir, List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(300, TimeUnit.SECONDS)).as("%s finished", command).isTrue();
    assertThat(p.exitValue()).as("%s failed:%n%s", command, out).isZero();
    return out;
  }

  @Test
  void nodeSdkLogsAndTracesArrive() throws Exception {
    boolean node = hasCommand("node") && hasCommand("npm");
    if (System.getenv("CI") != null) {
      assertThat(node).as("node and npm must be installed in CI (.ci/run installs them)").isTrue();
    }
    assumeTrue(node, "node/npm not installed: the OpenTelemetry JS test needs Node.js 20+");

    Path dir = Path.of("target", "otel-js");
    Files.createDirectories(dir);
    for (String f : List.of("package.json", "package-lock.json", "send.mjs")) {
      Files.copy(Path.of("src", "test", "node", f), dir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
    }
    if (!Files.isDirectory(dir.resolve("node_modules"))) {
      run(dir, List.of("npm", "ci", "--no-audit", "--no-fund"));
    }

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
}
