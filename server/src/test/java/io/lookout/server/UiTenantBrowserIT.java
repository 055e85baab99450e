package io.lookout.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The header's tenant picker (authentication off) in a real headless Chromium against the server
 * jar: the log explorer and its live tail show the chosen tenant's lines only, the choice survives
 * a reload, and an invalid id is refused in place.
 */
class UiTenantBrowserIT {

  private static ServerProcess server;
  private static ChromeDriver browser;

  @BeforeAll
  static void start() throws Exception {
    Chromium.assumeInstalled();
    server = new ServerProcess(Files.createTempDirectory(Path.of("target"), "ui-tenant-it-data-"), Map.of()).start();
    browser = Chromium.launch();
  }

  @AfterAll
  static void stop() throws Exception {
    if (browser != null) {
      browser.quit();
    }
    if (server != null) {
      server.close();
    }
  }

  /** One log line for {@code tenant} through OTLP/HTTP JSON, timestamped now. */
  private static void log(String tenant, String body) {
    String json = """
        {"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"shop"}}]},
          "scopeLogs":[{"logRecords":[{"timeUnixNano":"%d","severityNumber":9,"body":{"stringValue":"%s"}}]}]}]}
        """.formatted(System.currentTimeMillis() * 1_000_000L, body);
    var r = Http.post(server.otlpHttp() + "/v1/logs", "application/json", json.getBytes(StandardCharsets.UTF_8),
        "X-Scope-OrgID", tenant);
    assertThat(r.statusCode()).as("ingest for %s", tenant).isEqualTo(200);
  }

  private static WebDriverWait waiting() {
    return new WebDriverWait(browser, Duration.ofSeconds(30), Duration.ofMillis(50));
  }

  private static List<String> bodies() {
    @SuppressWarnings("unchecked")
    List<String> texts = (List<String>) ((JavascriptExecutor) browser).executeScript(
        "return Array.from(document.querySelectorAll('#results .vrow .body')).map(e => e.textContent)");
    return texts;
  }

  private static void chooseTenant(String tenant) {
    WebElement input = waiting().until(d -> d.findElement(By.id("tenant-input")));
    // select and overwrite in one go: clear() would fire a change event with an empty value
    input.sendKeys(Keys.chord(Keys.CONTROL, "a"), tenant.isEmpty() ? Keys.BACK_SPACE.toString() : tenant, Keys.ENTER);
  }

  @Test
  void thePickedTenantsLinesAndLiveTailAreShownAndTheChoiceSurvivesAReload() {
    log("default", "pickertoken seen by default");
    log("acme", "pickertoken seen by acme");
    Http.await("both lines searchable", Duration.ofSeconds(10), () ->
        Http.data(Http.get(server.api() + "/api/v1/logs?query=pickertoken&start=now-1h", "acme")).get("hits").size() == 1
            && Http.data(Http.get(server.api() + "/api/v1/logs?query=pickertoken&start=now-1h")).get("hits").size() == 1);

    browser.get(server.api() + "/logs?query=pickertoken&start=now-1h");
    waiting().until(d -> bodies().equals(List.of("pickertoken seen by default")));
    assertThat(waiting().until(d -> d.findElement(By.id("tenant-input"))).getAttribute("value")).isEmpty();

    chooseTenant("acme");
    waiting().until(d -> bodies().equals(List.of("pickertoken seen by acme")));

    browser.navigate().refresh();
    waiting().until(d -> bodies().equals(List.of("pickertoken seen by acme")));
    assertThat(waiting().until(d -> d.findElement(By.id("tenant-input"))).getAttribute("value")).isEqualTo("acme");

    // an id the server would refuse is marked in place and changes nothing
    chooseTenant("not a tenant!");
    waiting().until(d -> d.findElement(By.id("tenant-input")).getAttribute("class").contains("bad"));
    assertThat(bodies()).containsExactly("pickertoken seen by acme");

    // live tail (fetch with the tenant header, not EventSource) of acme
    chooseTenant("acme");
    browser.get(server.api() + "/logs?query=tailpicker&start=now-1h&live=1");
    waiting().until(d -> d.findElement(By.id("live")).getText().equals("Live: live"));
    log("default", "tailpicker for default");
    log("acme", "tailpicker for acme");
    waiting().until(d -> bodies().contains("tailpicker for acme"));
    assertThat(bodies()).doesNotContain("tailpicker for default");

    // back to the default tenant
    chooseTenant("");
    browser.get(server.api() + "/logs?query=pickertoken&start=now-1h");
    waiting().until(d -> bodies().equals(List.of("pickertoken seen by default")));
  }
}
