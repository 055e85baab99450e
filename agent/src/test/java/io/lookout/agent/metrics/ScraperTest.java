package io.lookout.agent.metrics;

import static io.lookout.agent.metrics.Points.metric;
import static io.lookout.agent.metrics.Points.value;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ScraperTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  private HttpServer server;
  private final CountDownLatch release = new CountDownLatch(1);
  private final RecordingSink sink = new RecordingSink();
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private volatile String lastAccept = "";

  @BeforeEach
  void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/metrics", ex -> {
      lastAccept = ex.getRequestHeaders().getFirst("Accept");
      boolean gzip = String.valueOf(ex.getRequestHeaders().getFirst("Accept-Encoding")).contains("gzip");
      serve(ex, 200, "text/plain; version=0.0.4; charset=utf-8", resource("node.txt"), gzip);
    });
    server.createContext("/om", ex -> {
      boolean om = String.valueOf(ex.getRequestHeaders().getFirst("Accept")).contains("application/openmetrics-text");
      serve(ex, 200, om ? "application/openmetrics-text; version=1.0.0; charset=utf-8" : "text/plain",
          resource("app.om.txt"), false);
    });
    server.createContext("/bad", ex -> serve(ex, 200, "text/plain", "good 1\nbad{x=\"1\" 2\n".getBytes(), false));
    server.createContext("/error", ex -> serve(ex, 500, "text/plain", "boom".getBytes(), false));
    server.createContext("/big", ex -> serve(ex, 200, "text/plain", "x 1\n".repeat(1000).getBytes(), false));
    server.createContext("/slow", ex -> {
      try {
        release.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      serve(ex, 200, "text/plain", "late 1\n".getBytes(), false);
    });
    server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    server.start();
  }

  @AfterEach
  void stopServer() {
    release.countDown();
    server.stop(0);
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = ScraperTest.class.getResourceAsStream("/expositions/" + name)) {
      return in.readAllBytes();
    }
  }

  private static void serve(HttpExchange ex, int status, String type, byte[] body, boolean gzip) throws IOException {
    if (gzip) {
      ByteArrayOutputStream zipped = new ByteArrayOutputStream();
      try (OutputStream z = new GZIPOutputStream(zipped)) {
        z.write(body);
      }
      body = zipped.toByteArray();
      ex.getResponseHeaders().set("Content-Encoding", "gzip");
    }
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(status, body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }

  private URI url(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  private ScrapeTarget target(String path, Map<String, String> labels) {
    return new ScrapeTarget(url(path), Duration.ofSeconds(60), Duration.ofSeconds(2), labels);
  }

  private ExportMetricsServiceRequest scrapeOnce(ScrapeTarget target) throws InterruptedException {
    try (Scraper scraper = new Scraper(List.of(target), Map.of("host.name", "box"), sink, registry, 1000, 500)) {
      scraper.start();
      return sink.await(r -> metric(r, "up").isPresent(), WAIT);
    }
  }

  @Test
  void nodeExporterTextBecomesOtlpThatTranslatesBackToTheSameNames() throws Exception {
    ExportMetricsServiceRequest r;
    try (Scraper scraper = new Scraper(List.of(target("/metrics", Map.of("job", "node", "env", "test"))),
        Map.of("host.name", "box"), sink, registry)) {
      scraper.start();
      r = sink.await(x -> metric(x, "up").isPresent(), WAIT);
    }
    assertThat(lastAccept).startsWith("application/openmetrics-text;version=1.0.0");
    assertThat(Points.resource(r)).containsEntry("service.name", "node")
        .containsEntry("service.instance.id", "127.0.0.1:" + server.getAddress().getPort())
        .containsEntry("host.name", "box");
    assertThat(value(r, "up", Map.of("env", "test"))).isEqualTo(1);
    assertThat(value(r, "scrape_samples_scraped", Map.of("env", "test"))).isEqualTo(26);
    assertThat(metric(r, "scrape_duration_seconds").orElseThrow().getUnit()).isEqualTo("s");

    Metric cpu = metric(r, "node_cpu_seconds").orElseThrow(); // Lookout appends _total again
    assertThat(cpu.getSum().getIsMonotonic()).isTrue();
    assertThat(cpu.getUnit()).isEmpty();
    assertThat(cpu.getDescription()).isEqualTo("Seconds the CPUs spent in each mode.");
    assertThat(value(r, "node_cpu_seconds", Map.of("cpu", "0", "mode", "user", "env", "test"))).isEqualTo(3218.34);
    assertThat(value(r, "node_network_receive_bytes", Map.of("device", "lo", "env", "test"))).isEqualTo(1.0275019598e10);
    assertThat(metric(r, "go_goroutines").orElseThrow().hasGauge()).isTrue();
    assertThat(value(r, "node_uname_info", Map.of("domainname", "(none)", "machine", "x86_64", "nodename", "vm",
        "release", "6.1.0", "sysname", "Linux", "version", "#1 SMP", "env", "test"))).isEqualTo(1);
    Metric untyped = metric(r, "process_start_time_seconds").orElseThrow();
    assertThat(untyped.getMetadataList()).anySatisfy(kv -> {
      assertThat(kv.getKey()).isEqualTo("prometheus.type");
      assertThat(kv.getValue().getStringValue()).isEqualTo("unknown");
    });

    HistogramDataPoint h = metric(r, "prometheus_http_request_duration_seconds").orElseThrow()
        .getHistogram().getDataPoints(0);
    assertThat(h.getExplicitBoundsList()).containsExactly(0.1, 0.2, 0.4, 1.0);
    assertThat(h.getBucketCountsList()).containsExactly(120L, 5L, 0L, 2L, 1L);
    assertThat(h.getCount()).isEqualTo(128);
    assertThat(h.getSum()).isEqualTo(3.25);
    assertThat(Points.attrs(h.getAttributesList())).containsEntry("handler", "/metrics").doesNotContainKey("le");

    SummaryDataPoint s = metric(r, "go_gc_duration_seconds").orElseThrow().getSummary().getDataPoints(0);
    assertThat(s.getQuantileValuesList()).extracting(SummaryDataPoint.ValueAtQuantile::getQuantile)
        .containsExactly(0.0, 0.25, 0.5, 1.0);
    assertThat(s.getCount()).isEqualTo(2959);
    assertThat(s.getSum()).isEqualTo(0.178441925);
    assertThat(HostMetricsTest.counter(registry, "lookout_agent_scrapes", "job", "node")).isEqualTo(1);
  }

  @Test
  void openMetricsIsNegotiatedWithUnitsCreatedTimesAndExportedLabels() throws Exception {
    ExportMetricsServiceRequest r = scrapeOnce(target("/om", Map.of("job", "app")));
    Metric requests = metric(r, "app_requests").orElseThrow();
    assertThat(requests.getSum().getIsMonotonic()).isTrue();
    assertThat(requests.getSum().getDataPoints(0).getStartTimeUnixNano()).isEqualTo(1_700_000_000_500_000_000L);
    assertThat(Points.attrs(requests.getSum().getDataPoints(0).getAttributesList()))
        .containsEntry("exported_job", "inner").containsEntry("path", "/a").doesNotContainKey("job");
    assertThat(metric(r, "app_latency_seconds").orElseThrow().getUnit()).isEqualTo("s");
    Metric queue = metric(r, "app_queue_bytes").orElseThrow();
    assertThat(queue.getUnit()).isEqualTo("By");
    assertThat(queue.getGauge().getDataPoints(0).getTimeUnixNano()).isEqualTo(1_700_000_001_250_000_000L);
    assertThat(value(r, "app_build_info", Map.of("version", "1.2.3"))).isEqualTo(1);
    assertThat(value(r, "app_state", Map.of("app_state", "starting"))).isZero();
    assertThat(value(r, "app_pending_bucket", Map.of("le", "+Inf"))).isEqualTo(3);
    assertThat(value(r, "app_pending_gsum", Map.of())).isEqualTo(2.5);
    assertThat(value(r, "app_mystery", Map.of())).isEqualTo(7);
    assertThat(value(r, "up", Map.of())).isEqualTo(1);
  }

  @Test
  void badExpositionIsACountedFailureWithUpZero() throws Exception {
    ExportMetricsServiceRequest r = scrapeOnce(target("/bad", Map.of("job", "bad")));
    assertThat(value(r, "up", Map.of())).isZero();
    assertThat(metric(r, "good")).isEmpty();
    assertThat(Points.metrics(r)).extracting(Metric::getName)
        .containsExactly("up", "scrape_duration_seconds", "scrape_samples_scraped");
    assertThat(HostMetricsTest.counter(registry, "lookout_agent_scrape_failures", "reason", "parse")).isEqualTo(1);
  }

  @Test
  void downTargetGivesUpZero() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    ScrapeTarget down = new ScrapeTarget(URI.create("http://127.0.0.1:" + port + "/metrics"), Duration.ofSeconds(60),
        Duration.ofSeconds(2), Map.of());
    ExportMetricsServiceRequest r = scrapeOnce(down);
    assertThat(value(r, "up", Map.of())).isZero();
    assertThat(Points.resource(r)).containsEntry("service.name", "scrape")
        .containsEntry("service.instance.id", "127.0.0.1:" + port);
    assertThat(HostMetricsTest.counter(registry, "lookout_agent_scrape_failures", "reason", "connect")).isEqualTo(1);
  }

  @Test
  void httpErrorsTimeoutsAndOversizedBodiesAreCountedFailures() throws Exception {
    List<ScrapeTarget> targets = List.of(target("/error", Map.of("job", "error")), target("/big", Map.of("job", "big")),
        new ScrapeTarget(url("/slow"), Duration.ofSeconds(60), Duration.ofMillis(300), Map.of("job", "slow")));
    try (Scraper scraper = new Scraper(targets, Map.of(), sink, registry, 1000, 500)) {
      scraper.start();
      for (String job : List.of("error", "big", "slow")) {
        ExportMetricsServiceRequest r = sink.await(x -> job.equals(Points.resource(x).get("service.name")), WAIT);
        assertThat(value(r, "up", Map.of())).as(job).isZero();
      }
    }
    assertThat(HostMetricsTest.counter(registry, "lookout_agent_scrape_failures", "reason", "http_status")).isEqualTo(1);
    assertThat(HostMetricsTest.counter(registry, "lookout_agent_scrape_failures", "reason", "too_large")).isEqualTo(1);
    assertThat(HostMetricsTest.counter(registry, "lookout_agent_scrape_failures", "reason", "timeout")).isEqualTo(1);
  }

  @Test
  void aTargetThatGoesDownGetsStaleMarkers() throws Exception {
    java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
    server.createContext("/flaky", ex -> {
      if (calls.getAndIncrement() == 0) {
        serve(ex, 200, "text/plain", "# TYPE flaky_gauge gauge\nflaky_gauge 1\n".getBytes(), false);
      } else {
        serve(ex, 503, "text/plain", "down".getBytes(), false);
      }
    });
    ScrapeTarget flaky = new ScrapeTarget(url("/flaky"), Duration.ofMillis(200), Duration.ofMillis(200), Map.of());
    try (Scraper scraper = new Scraper(List.of(flaky), Map.of(), sink, registry)) {
      scraper.start();
      ExportMetricsServiceRequest down = sink.await(r -> metric(r, "flaky_gauge").isPresent()
          && value(r, "up", Map.of()) == 0, WAIT);
      assertThat(metric(down, "flaky_gauge").orElseThrow().getGauge().getDataPoints(0).getFlags())
          .isEqualTo(io.opentelemetry.proto.metrics.v1.DataPointFlags.DATA_POINT_FLAGS_NO_RECORDED_VALUE_MASK_VALUE);
    }
  }

  @Test
  void refusedByTheSinkIsCounted() throws Exception {
    sink.refuse = true;
    try (Scraper scraper = new Scraper(List.of(target("/metrics", Map.of())), Map.of(), sink, registry)) {
      scraper.start();
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (HostMetricsTest.counter(registry, "lookout_agent_scrape_failures", "reason", "sink") < 1
          && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
    }
    assertThat(HostMetricsTest.counter(registry, "lookout_agent_scrape_failures", "reason", "sink")).isEqualTo(1);
  }

  @Test
  void targetsValidateTheirSettings() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ScrapeTarget(URI.create("ftp://x/m"),
        Duration.ofSeconds(15), Duration.ofSeconds(1), Map.of())).hasMessageContaining("http or https");
    assertThat(new ScrapeTarget(URI.create("http://x/m"), Duration.ofSeconds(5), Duration.ofSeconds(10), Map.of())
        .timeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(ScrapeTarget.of(URI.create("http://x/m"), Duration.ofSeconds(15)).timeout())
        .isEqualTo(Duration.ofSeconds(10));
    assertThat(ScrapeTarget.of(URI.create("https://x/m"), Duration.ofSeconds(15)).instance()).isEqualTo("x:443");
  }
}
