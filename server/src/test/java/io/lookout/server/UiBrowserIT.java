package io.lookout.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import io.opentelemetry.proto.resource.v1.Resource;
import java.io.File;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web UI in a real headless Chromium (Debian's chromium + chromedriver, driven by Selenium)
 * against the real server jar: search, field filters, histogram zoom, live tail, context, errors.
 * Screenshots of each view go to {@code target/ui-screenshots/}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UiBrowserIT {
  private static final Path SHOTS = Path.of("target", "ui-screenshots");
  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final int BULK = 1200;

  private static ServerProcess server;
  private static ChromeDriver browser;
  private static Path dataDir;

  @BeforeAll
  static void start() throws Exception {
    Chromium.assumeInstalled();
    Files.createDirectories(SHOTS);
    dataDir = Files.createTempDirectory(Path.of("target"), "ui-it-data-");
    server = new ServerProcess(dataDir, Map.of("LOOKOUT_TAIL_POLL_INTERVAL", "200ms")).start();
    long now = System.currentTimeMillis() * 1_000_000L;
    List<Line> lines = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      lines.add(new Line(now - (60L - i) * 1_000_000_000L, "checkout", "web-1", i == 10 ? 17 : 9,
          i == 10 ? "payment failed for order " + i : "checkout step " + i + " ok", i == 10 ? TRACE_ID : ""));
    }
    for (int i = 0; i < 10; i++) {
      lines.add(new Line(now - (50L - i) * 1_000_000_000L, "payments", "web-2", 13, "payments retry " + i, ""));
    }
    for (int i = 0; i < BULK; i++) {
      lines.add(new Line(now - 40L * 60 * 1_000_000_000L + i * 1_000_000L, "bulk", "web-3", 9, "bulk line " + i, ""));
    }
    ingest(lines);
    Http.await("ingested lines searchable", Duration.ofSeconds(30), () -> {
      var r = Http.data(Http.get(server.api() + "/api/v1/logs?limit=5000&start=now-2h"));
      return r.get("hits").size() == lines.size();
    });

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

  record Line(long nanos, String service, String host, int severity, String body, String traceId) {}

  private static void ingest(List<Line> lines) {
    ExportLogsServiceRequest.Builder req = ExportLogsServiceRequest.newBuilder();
    for (Line l : lines) {
      req.addResourceLogs(ResourceLogs.newBuilder()
          .setResource(Resource.newBuilder().addAttributes(OtlpRequests.kv("service.name", l.service()))
              .addAttributes(OtlpRequests.kv("host.name", l.host())))
          .addScopeLogs(ScopeLogs.newBuilder().addLogRecords(LogRecord.newBuilder()
              .setTimeUnixNano(l.nanos())
              .setObservedTimeUnixNano(l.nanos())
              .setSeverityNumber(SeverityNumber.forNumber(l.severity()))
              .setBody(AnyValue.newBuilder().setStringValue(l.body()))
              .addAttributes(OtlpRequests.kv("http.route", "/pay"))
              .setTraceId(l.traceId().isEmpty() ? ByteString.EMPTY : ByteString.copyFrom(HexFormat.of().parseHex(l.traceId()))))));
    }
    var r = Http.post(server.otlpHttp() + "/v1/logs", "application/x-protobuf", req.build().toByteArray());
    assertThat(r.statusCode()).isEqualTo(200);
  }

  private static WebDriverWait waiting() {
    return new WebDriverWait(browser, Duration.ofSeconds(30), Duration.ofMillis(50));
  }

  private static void open(String path) {
    browser.get(server.api() + path);
    waiting().until(d -> !d.findElement(By.id("status")).getText().equals("Searching…")
        && (!d.findElements(By.cssSelector("#results .vrow")).isEmpty()
            || d.findElement(By.id("empty")).isDisplayed() || d.findElement(By.id("query-error")).isDisplayed()));
  }

  private static List<String> column(String css) {
    // read in one script: the virtual list replaces its rows while it renders
    @SuppressWarnings("unchecked")
    List<String> texts = (List<String>) ((JavascriptExecutor) browser).executeScript(
        "return Array.from(document.querySelectorAll(arguments[0])).map(e => e.textContent)", "#results .vrow " + css);
    return texts;
  }

  private static String param(String name) {
    String query = browser.getCurrentUrl().replaceFirst("^[^?]*\\?", "");
    for (String kv : query.split("&")) {
      int eq = kv.indexOf('=');
      if (eq > 0 && kv.substring(0, eq).equals(name)) {
        return URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8);
      }
    }
    return null;
  }

  private static void screenshot(String name) throws IOException {
    File f = browser.getScreenshotAs(OutputType.FILE);
    Files.copy(f.toPath(), SHOTS.resolve(name + ".png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  @Test
  @Order(1)
  void searchRendersTheHitsNewestFirst() throws IOException {
    open("/logs?query=service:checkout&start=now-2h");

    assertThat(column(".svc")).hasSize(20).containsOnly("checkout");
    assertThat(column(".body").get(0)).isEqualTo("checkout step 19 ok");
    assertThat(browser.findElement(By.id("query")).getAttribute("value")).isEqualTo("service:checkout");
    assertThat(browser.findElement(By.id("status")).getText()).startsWith("20 lines");
    screenshot("logs-search");
    // the first page load of a fresh profile: bytes over the wire for the page and its assets
    Number bytes = (Number) ((JavascriptExecutor) browser).executeScript("""
        return performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))
          .filter(e => !e.name.includes('/api/')).reduce((a, e) => a + (e.transferSize || 0), 0)""");
    System.out.printf("ui: first load transferred %d bytes (page and assets, empty cache)%n", bytes.longValue());
    assertThat(bytes.longValue()).isBetween(1L, 300L * 1024);
  }

  @Test
  @Order(2)
  void clickingAFieldValueNarrowsTheQueryAndTheResults() throws IOException {
    open("/logs?start=now-2h&query=" + Http.enc("service:checkout OR service:payments"));
    assertThat(column(".svc")).contains("checkout", "payments");

    waiting().until(d -> !d.findElements(By.cssSelector("#fields .field[data-field='service'] .field-name")).isEmpty());
    browser.findElement(By.cssSelector("#fields .field[data-field='service'] .field-name")).click();
    waiting().until(d -> !d.findElements(By.cssSelector("#fields .value[data-value='payments']")).isEmpty());
    screenshot("logs-fields");
    browser.findElement(By.cssSelector("#fields .value[data-value='payments']")).click();

    waiting().until(d -> "(service:checkout OR service:payments) AND service:\"payments\"".equals(param("query")));
    waiting().until(d -> column(".svc").size() == 10);
    assertThat(column(".svc")).containsOnly("payments");
  }

  @Test
  @Order(3)
  void aRowExpandsToEveryFieldAndAFieldValueFromItFiltersToo() throws IOException {
    open("/logs?start=now-2h&query=payment");
    browser.findElement(By.cssSelector("#results .vrow .body")).click();
    waiting().until(d -> !d.findElements(By.cssSelector("#results .detail")).isEmpty());

    String detail = browser.findElement(By.cssSelector("#results .detail")).getText();
    assertThat(detail).contains("trace_id", TRACE_ID, "attributes.http.route", "/pay", "resource.host.name", "web-1");
    assertThat(browser.findElement(By.cssSelector("#results .detail a.trace-link")).getAttribute("href"))
        .endsWith("/traces/" + TRACE_ID);
    assertThat(param("sel")).isNotBlank();
    screenshot("logs-detail");

    browser.findElement(By.cssSelector("#results .detail .context-button")).click();
    waiting().until(d -> d.findElements(By.cssSelector("#context .ctx-line")).size() > 10);
    assertThat(browser.findElement(By.cssSelector("#context .ctx-line.anchor")).getText()).contains("payment failed");
    assertThat(browser.findElements(By.cssSelector("#context .ctx-line")).stream().map(WebElement::getText).toList())
        .noneMatch(t -> t.contains("payments retry")); // another service
    screenshot("logs-context");

    // the selection is in the URL: a reload opens the same row
    browser.navigate().refresh();
    waiting().until(d -> !d.findElements(By.cssSelector("#results .detail")).isEmpty());
  }

  @Test
  @Order(4)
  void draggingAcrossTheHistogramZoomsTheRangeInTheUrl() throws IOException {
    open("/logs?start=now-2h");
    waiting().until(d -> !d.findElements(By.cssSelector("#histogram .u-over")).isEmpty());
    WebElement over = browser.findElement(By.cssSelector("#histogram .u-over"));
    int w = over.getSize().getWidth();
    new Actions(browser).moveToElement(over, -w / 2 + w / 5, 0).clickAndHold()
        .moveByOffset(w / 2, 0).release().perform();

    waiting().until(d -> param("end") != null);
    assertThat(param("start")).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
    assertThat(param("end")).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
    assertThat(java.time.Instant.parse(param("start"))).isBefore(java.time.Instant.parse(param("end")));
    screenshot("logs-zoomed");
  }

  @Test
  @Order(5)
  void liveTailShowsALineIngestedAfterItStartedWithoutReload() throws IOException {
    open("/logs?start=now-2h&query=tailtoken&live=1");
    waiting().until(d -> d.findElement(By.id("live")).getText().equals("Live: live"));
    ((JavascriptExecutor) browser).executeScript("window.lookoutMarker = 42");

    ingest(List.of(new Line(System.currentTimeMillis() * 1_000_000L, "checkout", "web-1", 9,
        "tailtoken arrived while watching", "")));

    waiting().until(d -> column(".body").contains("tailtoken arrived while watching"));
    assertThat(((JavascriptExecutor) browser).executeScript("return window.lookoutMarker")).isEqualTo(42L);
    screenshot("logs-live");
    browser.findElement(By.id("pause")).click();
    assertThat(browser.findElement(By.id("live")).getText()).isEqualTo("Live: paused");
  }

  @Test
  @Order(6)
  void aBadQueryShowsTheServersMessage() throws IOException {
    open("/logs?start=now-2h&query=" + Http.enc("service:(("));

    WebElement error = browser.findElement(By.id("query-error"));
    assertThat(error.isDisplayed()).isTrue();
    assertThat(error.getText()).startsWith("invalid query").contains("Lucene query syntax");
    screenshot("logs-error");
  }

  @Test
  @Order(7)
  void aThousandRowsRenderWithASmallDom() throws IOException {
    open("/logs?start=now-2h&query=" + Http.enc("service:bulk"));
    assertThat(browser.findElement(By.id("status")).getText()).startsWith("1000+ lines");

    JavascriptExecutor js = browser;
    double renderMs = Double.parseDouble((String) js.executeScript(
        "return document.querySelector('.page-logs').dataset.renderMs"));
    // scroll to the end: the virtual list keeps the DOM small
    js.executeScript("document.getElementById('results').scrollTop = 1e9");
    waiting().until(d -> column(".body").contains("bulk line 200"));
    long rowsInDom = browser.findElements(By.cssSelector("#results .vrow")).size();
    System.out.printf("ui: 1000 rows rendered in %.1f ms after the response; %d rows in the DOM%n", renderMs, rowsInDom);
    assertThat(rowsInDom).isLessThan(200);
  }

  @Test
  @Order(8)
  void theApiPageListsTheRoutesAndMetricsPageExplainsItself() throws IOException {
    browser.get(server.api() + "/api");
    waiting().until(d -> d.findElement(By.tagName("h2")).getText().equals("HTTP APIs"));
    assertThat(browser.findElement(By.id("view")).getText()).contains("/api/v1/logs/tail", "/prometheus/api/v1/query_range");
    screenshot("api");

    browser.get(server.api() + "/metrics");
    waiting().until(d -> !d.findElements(By.id("promql")).isEmpty());
    screenshot("metrics-empty");
  }
}
