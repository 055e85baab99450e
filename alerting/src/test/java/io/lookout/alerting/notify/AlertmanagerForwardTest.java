package io.lookout.alerting.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Forwarding to the real Alertmanager binary (Debian prometheus-alertmanager). */
class AlertmanagerForwardTest extends Harness {
  private static final Path BINARY = Path.of("/usr/bin/prometheus-alertmanager");
  @TempDir Path dir;
  private Process am;
  private int port;

  @BeforeEach
  void setUp() throws Exception {
    if ("true".equals(System.getenv("CI"))) {
      assertThat(Files.isExecutable(BINARY)).as("prometheus-alertmanager must be installed in CI (.ci/run installs it)")
          .isTrue();
    }
    assumeTrue(Files.isExecutable(BINARY), "prometheus-alertmanager is not installed");
    setUpHarness();
    Path cfg = dir.resolve("am.yml");
    Files.writeString(cfg, """
        route: {receiver: blackhole}
        receivers: [{name: blackhole}]
        """);
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    am = new ProcessBuilder(BINARY.toString(), "--config.file=" + cfg, "--storage.path=" + dir.resolve("am-data"),
        "--web.listen-address=127.0.0.1:" + port, "--cluster.listen-address=")
        .redirectErrorStream(true).redirectOutput(dir.resolve("am.log").toFile()).start();
    HttpClient http = HttpClient.newHttpClient();
    await(() -> {
      try {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/-/ready")).build(),
            HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
      } catch (Exception e) {
        return false;
      }
    }, "alertmanager ready");
  }

  @AfterEach
  void tearDown() throws Exception {
    if (am != null) {
      am.destroy();
      am.waitFor(10, TimeUnit.SECONDS);
      tearDownHarness();
    }
  }

  @Test
  void forwardedAlertsAppearInAlertmanager() throws Exception {
    NotifierOptions o = options(dir.resolve("notify")).withAlertmanagerUrl(URI.create("http://127.0.0.1:" + port));
    Notifier n = start(o, NotifyConfig.empty());
    n.send("acme", List.of(firing(clock.instant(), "alertname", "CheckoutDown", "severity", "page")));
    HttpClient http = HttpClient.newHttpClient();
    JsonNode[] found = new JsonNode[1];
    await(() -> {
      try {
        JsonNode alerts = JSON.readTree(http.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + port + "/api/v2/alerts")).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.ofString()).body());
        for (JsonNode a : alerts) {
          if (a.at("/labels/alertname").asText().equals("CheckoutDown")) {
            found[0] = a;
            return true;
          }
        }
        return false;
      } catch (Exception e) {
        return false;
      }
    }, "the alert in alertmanager");
    assertThat(found[0].at("/labels/tenant").asText()).isEqualTo("acme");
    assertThat(found[0].at("/labels/severity").asText()).isEqualTo("page");
    assertThat(found[0].at("/annotations/summary").asText()).isEqualTo("it broke");
    assertThat(found[0].at("/status/state").asText()).isEqualTo("active");
  }
}
