package io.lookout.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The traces, metrics, alerts and health pages in a real headless Chromium against the real
 * server jar, fed by the OTel Java SDK and the alerting API. Screenshots go to
 * {@code target/ui-screenshots/}; first-load bytes and render times are printed (not asserted).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UiPagesBrowserIT {
  private static final Path SHOTS = Path.of("target", "ui-screenshots");
  private static final String ALERT = "UiAlwaysFiring";

  private static ServerProcess server;
  private static ChromeDriver browser;
  private static String traceId;
  private static String errorSpanId;

  @BeforeAll
  static void start() throws Exception {
    Chromium.assumeInstalled();
    Files.createDirectories(SHOTS);
    Path dataDir = Files.createTempDirectory(Path.of("target"), "ui-pages-it-data-");
    server = new ServerProcess(dataDir, Map.of("LOOKOUT_SPANMETRICS_INTERVAL", "1s",
        "LOOKOUT_HEARTBEAT_THRESHOLD", "3s", "LOOKOUT_ALERTING_EVAL_INTERVAL", "1s")).start();
    sendTrace();
    sendMetrics();

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

  private static SdkTracerProvider tracer(String service) {
    return SdkTracerProvider.builder()
        .setResource(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), service)))
        .addSpanProcessor(SimpleSpanProcessor.create(
            OtlpHttpSpanExporter.builder().setEndpoint(server.otlpHttp() + "/v1/traces").build()))
        .build();
  }

  /** checkout calls payments (ok) and inventory (fails): 5 spans, 1 error, 1 log line in the trace. */
  private static void sendTrace() {
    try (SdkTracerProvider pa = tracer("checkout");
        SdkTracerProvider pb = tracer("payments");
        SdkTracerProvider pc = tracer("inventory");
        SdkLoggerProvider logs = SdkLoggerProvider.builder()
            .setResource(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "payments")))
            .addLogRecordProcessor(SimpleLogRecordProcessor.create(
                OtlpHttpLogRecordExporter.builder().setEndpoint(server.otlpHttp() + "/v1/logs").build()))
            .build()) {
      Tracer ta = pa.get("ui.checkout");
      Instant t0 = Instant.now().minusSeconds(5);
      Span root = ta.spanBuilder("POST /checkout").setSpanKind(SpanKind.SERVER).setStartTimestamp(t0)
          .setAttribute("http.route", "/checkout").startSpan();
      Context rootCtx = Context.root().with(root);
      Span charge = ta.spanBuilder("charge").setSpanKind(SpanKind.CLIENT).setParent(rootCtx)
          .setStartTimestamp(t0.plusMillis(10)).startSpan();
      Span serveCharge = pb.get("ui.payments").spanBuilder("Charge").setSpanKind(SpanKind.SERVER)
          .setParent(Context.root().with(charge)).setStartTimestamp(t0.plusMillis(12)).startSpan();
      logs.get("ui.payments").logRecordBuilder().setSeverity(Severity.INFO).setBody("charged card for the ui test")
          .setContext(Context.root().with(serveCharge)).emit();
      serveCharge.end(t0.plusMillis(90));
      charge.end(t0.plusMillis(95));
      Span reserve = ta.spanBuilder("reserve").setSpanKind(SpanKind.CLIENT).setParent(rootCtx)
          .setStartTimestamp(t0.plusMillis(100)).startSpan();
      Span serveReserve = pc.get("ui.inventory").spanBuilder("Reserve").setSpanKind(SpanKind.SERVER)
          .setParent(Context.root().with(reserve)).setStartTimestamp(t0.plusMillis(102)).startSpan();
      serveReserve.addEvent("out of stock", Attributes.of(AttributeKey.stringKey("sku"), "sku-42"), t0.plusMillis(150));
      serveReserve.setStatus(StatusCode.ERROR, "out of stock");
      serveReserve.end(t0.plusMillis(400));
      reserve.end(t0.plusMillis(405));
      root.end(t0.plusMillis(420));
      traceId = root.getSpanContext().getTraceId();
      errorSpanId = serveReserve.getSpanContext().getSpanId();
      for (SdkTracerProvider p : List.of(pa, pb, pc)) {
        assertThat(p.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
      }
      assertThat(logs.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
    }
    Http.await("trace searchable", Duration.ofSeconds(30), () -> {
      var r = Http.get(server.api() + "/api/v1/traces/" + traceId);
      return r.statusCode() == 200 && Http.data(r).get("spans").size() == 5;
    });
  }

  /** A counter with two routes, exported twice so that each series has points. */
  private static void sendMetrics() {
    SdkMeterProvider provider = SdkMeterProvider.builder()
        .setResource(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "shop")))
        .registerMetricReader(PeriodicMetricReader.builder(
            OtlpHttpMetricExporter.builder().setEndpoint(server.otlpHttp() + "/v1/metrics").build())
            .setInterval(Duration.ofHours(1)).build())
        .build();
    try (provider) {
      LongCounter requests = provider.get("ui.shop").counterBuilder("ui_requests").build();
      for (int round = 0; round < 2; round++) {
        requests.add(3, Attributes.of(AttributeKey.stringKey("route"), "/cart"));
        requests.add(5, Attributes.of(AttributeKey.stringKey("route"), "/pay"));
        assertThat(provider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
      }
    }
    Http.await("metrics queryable", Duration.ofSeconds(30), () -> {
      var r = Http.get(server.api() + "/prometheus/api/v1/query?query=" + Http.enc("ui_requests_total"));
      return r.statusCode() == 200 && Http.json(r.body()).get("data").get("result").size() == 2;
    });
  }

  private static WebDriverWait waiting() {
    return new WebDriverWait(browser, Duration.ofSeconds(30), Duration.ofMillis(50));
  }

  private static JavascriptExecutor js() {
    return browser;
  }

  private static void screenshot(String name) throws IOException {
    File f = browser.getScreenshotAs(OutputType.FILE);
    Files.copy(f.toPath(), SHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
  }

  /**
   * Bytes of the page and its assets (APIs excluded) as the Performance API saw them: bytes over
   * the wire, or the encoded body size of what came from the cache (what a first visit transfers).
   */
  private static long transferred() {
    Number bytes = (Number) js().executeScript("""
        return performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))
          .filter(e => !e.name.includes('/api/') && !e.name.includes('/prometheus/') && !e.name.includes('/readyz'))
          .reduce((a, e) => a + Math.max(e.transferSize || 0, e.encodedBodySize || 0), 0)""");
    return bytes.longValue();
  }

  /** A fresh load without the cache: what a first visit to this page transfers. */
  private static void openCold(String path) {
    browser.executeCdpCommand("Network.enable", Map.of());
    browser.executeCdpCommand("Network.setCacheDisabled", Map.of("cacheDisabled", true));
    try {
      browser.get(server.api() + path);
    } finally {
      browser.executeCdpCommand("Network.setCacheDisabled", Map.of("cacheDisabled", false));
    }
  }

  private static List<String> texts(String css) {
    @SuppressWarnings("unchecked")
    List<String> t = (List<String>) js().executeScript(
        "return Array.from(document.querySelectorAll(arguments[0])).map(e => e.textContent)", css);
    return t;
  }

  @Test
  @Order(1)
  void traceSearchListsTheTraceAndDrawsTheServiceMap() throws IOException {
    openCold("/traces?start=now-1h&service=checkout");
    waiting().until(d -> !d.findElements(By.cssSelector("#trace-results .trace-row")).isEmpty());
    WebElement row = browser.findElement(By.cssSelector("#trace-results .trace-row[data-trace-id='" + traceId + "']"));
    assertThat(row.getText()).contains("checkout", "POST /checkout", "5 spans", "1 error");
    waiting().until(d -> !d.findElements(By.cssSelector("#service-map .node")).isEmpty());
    assertThat(texts("#service-map .node title")).contains("checkout", "payments", "inventory");
    assertThat(browser.findElements(By.cssSelector("#service-map .edge.edge-error"))).hasSize(1);
    waiting().until(d -> !d.findElements(By.cssSelector("#red canvas")).isEmpty());
    assertThat(browser.findElement(By.id("service")).getAttribute("value")).isEqualTo("checkout");
    screenshot("traces-search");
    System.out.printf("ui: /traces first load transferred %d bytes (page and assets, no cache)%n", transferred());

    // a bad filter shows the server's message
    browser.get(server.api() + "/traces?start=now-1h&min_duration=fast");
    waiting().until(d -> d.findElement(By.id("query-error")).isDisplayed());
    assertThat(browser.findElement(By.id("query-error")).getText()).contains("min_duration");
    screenshot("traces-error");

    // clicking a result opens the waterfall
    browser.get(server.api() + "/traces?start=now-1h&status=error");
    waiting().until(d -> !d.findElements(By.cssSelector(".trace-row[data-trace-id='" + traceId + "']")).isEmpty());
    browser.findElement(By.cssSelector(".trace-row[data-trace-id='" + traceId + "']")).click();
    waiting().until(d -> d.getCurrentUrl().endsWith("/traces/" + traceId));
    waiting().until(d -> d.findElements(By.cssSelector("#waterfall .span-row")).size() == 5);
  }

  @Test
  @Order(2)
  void aTraceFromTheSdkRendersAsAWaterfallWithTheErrorSpanMarked() throws IOException {
    openCold("/traces/" + traceId);
    waiting().until(d -> d.findElements(By.cssSelector("#waterfall .span-row")).size() == 5);

    List<WebElement> errors = browser.findElements(By.cssSelector("#waterfall .span-row.span-error"));
    assertThat(errors).hasSize(1);
    assertThat(errors.get(0).getAttribute("data-span-id")).isEqualTo(errorSpanId);
    assertThat(errors.get(0).getText()).contains("inventory", "Reserve");
    // depth-first order with depths from the parent links
    assertThat(texts("#waterfall .span-row .wf-name")).containsExactly("POST /checkout", "charge", "Charge", "reserve", "Reserve");
    @SuppressWarnings("unchecked")
    List<String> depths = (List<String>) js().executeScript(
        "return Array.from(document.querySelectorAll('#waterfall .span-row')).map(e => e.dataset.depth)");
    assertThat(depths).containsExactly("0", "1", "2", "1", "2");
    waiting().until(d -> d.findElement(By.id("trace-logs")).getText().contains("charged card for the ui test"));
    screenshot("trace-waterfall");
    System.out.printf("ui: /traces/{id} first load transferred %d bytes; waterfall of 5 spans rendered in %s ms%n",
        transferred(), js().executeScript("return document.querySelector('.page-traces').dataset.renderMs"));

    // a click shows the span's details, and the selection is in the URL
    errors.get(0).click();
    waiting().until(d -> d.findElement(By.id("span-details")).isDisplayed());
    String details = browser.findElement(By.id("span-details")).getText();
    assertThat(details).contains("Reserve", "inventory", "error: out of stock", "out of stock", "sku-42");
    assertThat(browser.getCurrentUrl()).endsWith("?span=" + errorSpanId);
    screenshot("trace-span-details");
    browser.navigate().refresh();
    waiting().until(d -> d.findElement(By.id("span-details")).isDisplayed()
        && d.findElement(By.id("span-details")).getText().contains("sku-42"));

    // an unknown trace says so
    browser.get(server.api() + "/traces/0123456789abcdef0123456789abcdef");
    waiting().until(d -> d.findElement(By.id("query-error")).isDisplayed());
    assertThat(browser.findElement(By.id("query-error")).getText()).contains("not found");
  }

  @Test
  @Order(3)
  void aPromqlQueryRendersAChartWithALegendOfTheSeries() throws IOException {
    openCold("/metrics?start=now-15m&query=" + Http.enc("ui_requests_total"));
    waiting().until(d -> !d.findElements(By.cssSelector("#chart canvas")).isEmpty()
        || d.findElement(By.id("query-error")).isDisplayed());
    assertThat(browser.findElement(By.id("query-error")).isDisplayed()).isFalse();
    assertThat(browser.findElements(By.cssSelector("#chart canvas"))).isNotEmpty();
    List<String> legend = texts("#chart .u-legend .u-series .u-label");
    assertThat(legend).anyMatch(l -> l.startsWith("ui_requests_total{") && l.contains("route=\"/cart\""));
    assertThat(legend).anyMatch(l -> l.contains("route=\"/pay\""));
    assertThat(browser.findElement(By.id("status")).getText()).startsWith("2 series").contains("step 5s");
    screenshot("metrics-chart");
    System.out.printf("ui: /metrics first load transferred %d bytes; chart rendered in %s ms%n", transferred(),
        js().executeScript("return document.querySelector('.page-metrics').dataset.renderMs"));

    browser.get(server.api() + "/metrics?query=" + Http.enc("sum(rate(ui_requests_total[5m]"));
    waiting().until(d -> d.findElement(By.id("query-error")).isDisplayed());
    assertThat(browser.findElement(By.id("query-error")).getText()).isNotBlank();
    screenshot("metrics-error");
  }

  @Test
  @Order(4)
  void aFiringAlertAppearsAndCanBeAcknowledgedAndSilenced() throws IOException {
    String group = """
        {"name": "ui-it", "interval": "1s", "rules": [{"alert": "%s", "expr": "vector(1)", "for": "0s",
          "labels": {"severity": "page"}, "annotations": {"summary": "always firing, for the ui test"}}]}
        """.formatted(ALERT);
    var created = Http.post(server.api() + "/api/v1/alerting/rules", "application/json",
        group.getBytes(StandardCharsets.UTF_8));
    assertThat(created.statusCode()).isEqualTo(201);
    Http.await("alert firing", Duration.ofSeconds(30), () -> Http.get(server.api()
        + "/api/v1/alerting/alerts?state=firing&alertname=" + ALERT).body().contains(ALERT));

    openCold("/alerts");
    String row = "#alerts-table .alert-row[data-alertname='" + ALERT + "']";
    waiting().until(d -> !d.findElements(By.cssSelector(row + " .badge-firing")).isEmpty());
    assertThat(browser.findElement(By.cssSelector(row)).getText()).contains("severity=page", "always firing");
    assertThat(browser.findElement(By.id("section-rules")).getText()).contains(ALERT, "vector(1)", "firing");
    screenshot("alerts");
    System.out.printf("ui: /alerts first load transferred %d bytes%n", transferred());

    browser.findElement(By.cssSelector(row + " .ack-button")).click();
    waiting().until(d -> !d.findElements(By.cssSelector(row + " .badge-ack")).isEmpty());

    // "Silence…" opens the silence form with the alert's labels as matchers
    browser.findElement(By.cssSelector(row + " .silence-button")).click();
    waiting().until(d -> "silences".equals(queryParam("section")));
    WebElement matchers = browser.findElement(By.id("silence-matchers"));
    assertThat(matchers.getAttribute("value")).contains("alertname=\"" + ALERT + "\"");
    matchers.clear();
    matchers.sendKeys("alertname=\"" + ALERT + "\"");
    WebElement by = browser.findElement(By.id("silence-by"));
    by.clear();
    by.sendKeys("ui-test");
    browser.findElement(By.id("silence-comment")).sendKeys("planned maintenance");
    browser.findElement(By.id("silence-create")).click();
    String silence = "#silences-table .silence-row.state-active";
    waiting().until(d -> !d.findElements(By.cssSelector(silence)).isEmpty());
    assertThat(browser.findElement(By.cssSelector(silence)).getText())
        .contains("alertname=\"" + ALERT + "\"", "ui-test", "planned maintenance");
    screenshot("alerts-silences");

    // the alerts list marks the alert silenced; expiring the silence takes the mark away
    browser.get(server.api() + "/alerts?section=alerts");
    waiting().until(d -> !d.findElements(By.cssSelector(row + " .badge-silenced")).isEmpty());
    browser.get(server.api() + "/alerts?section=silences");
    waiting().until(d -> !d.findElements(By.cssSelector(silence + " .expire-button")).isEmpty());
    browser.findElement(By.cssSelector(silence + " .expire-button")).click();
    waiting().until(d -> !d.findElements(By.cssSelector("#silences-table .silence-row.state-expired")).isEmpty());

    // the notification log section shows its empty state without receivers
    browser.get(server.api() + "/alerts?section=notifications");
    waiting().until(d -> !d.findElements(By.id("no-notifications")).isEmpty()
        || !d.findElements(By.id("notifications-table")).isEmpty());
  }

  @Test
  @Order(5)
  void theHealthBoardShowsProbesAndHeartbeats() throws IOException {
    String probe = """
        {"name": "self-healthz", "url": "%s/healthz", "interval": "1s", "timeout": "1s", "expect_status": 200}
        """.formatted(server.api());
    var created = Http.post(server.api() + "/api/v1/alerting/probes", "application/json",
        probe.getBytes(StandardCharsets.UTF_8));
    assertThat(created.statusCode()).isEqualTo(201);

    openCold("/health");
    String tile = "#probes .tile[data-probe='self-healthz']";
    waiting().until(d -> !d.findElements(By.cssSelector(tile + " .badge-up")).isEmpty()
        || !d.findElements(By.cssSelector(tile + " .badge-down")).isEmpty());
    assertThat(browser.findElement(By.cssSelector(tile)).getText()).contains("/healthz");
    assertThat(browser.findElement(By.id("self-tile")).getText()).contains("ready");
    // the services of the trace sent nothing after it: their heartbeats go silent (threshold 3s)
    waiting().until(d -> !d.findElements(By.cssSelector("#heartbeats .tile[data-service='inventory']")).isEmpty());
    assertThat(browser.findElement(By.cssSelector("#heartbeats .tile[data-service='inventory']")).getText())
        .contains("silent", "inventory");
    screenshot("health");
    System.out.printf("ui: /health first load transferred %d bytes%n", transferred());
  }

  @Test
  @Order(6)
  void keyboardMovesThroughTheSpans() {
    browser.get(server.api() + "/traces/" + traceId);
    waiting().until(d -> d.findElements(By.cssSelector("#waterfall .span-row")).size() == 5);
    WebElement body = browser.findElement(By.tagName("body"));
    body.sendKeys("j");
    body.sendKeys("j");
    waiting().until(d -> d.getCurrentUrl().contains("?span="));
    assertThat(browser.findElement(By.cssSelector("#waterfall .span-row.selected")).getText()).contains("charge");
    body.sendKeys(org.openqa.selenium.Keys.ESCAPE);
    waiting().until(d -> !d.getCurrentUrl().contains("span="));
  }

  private static String queryParam(String name) {
    String url = browser.getCurrentUrl();
    int q = url.indexOf('?');
    if (q < 0) {
      return null;
    }
    for (String kv : url.substring(q + 1).split("&")) {
      int eq = kv.indexOf('=');
      if (eq > 0 && kv.substring(0, eq).equals(name)) {
        return java.net.URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8);
      }
    }
    return null;
  }
}
