package io.lookout.agent.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter;
import io.opentelemetry.exporter.otlp.metrics.OtlpGrpcMetricExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real agent jar and the real server jar as processes: host metrics and a scraped endpoint
 * become series in Lookout, and an application sending OTLP to the agent's local relay reaches it.
 */
class AgentMetricsIT {
  private static final Duration DEADLINE = Duration.ofSeconds(90);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String EXPOSITION = """
      # HELP it_jobs_processed_total Jobs processed.
      # TYPE it_jobs_processed_total counter
      it_jobs_processed_total{queue="mail"} 17
      # TYPE it_queue_depth gauge
      it_queue_depth{queue="mail"} 3
      # TYPE it_latency_seconds histogram
      it_latency_seconds_bucket{le="0.1"} 1
      it_latency_seconds_bucket{le="+Inf"} 2
      it_latency_seconds_sum 0.35
      it_latency_seconds_count 2
      # TYPE it_rpc_seconds summary
      it_rpc_seconds{quantile="0.5"} 0.2
      it_rpc_seconds_sum 1.5
      it_rpc_seconds_count 7
      """;

  @TempDir
  Path dir;

  private final List<Process> processes = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();
  private HttpServer target;
  private int apiPort;

  @BeforeEach
  void setUp() {
    processes.clear();
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    for (Process p : processes) {
      p.destroyForcibly();
      p.waitFor(30, TimeUnit.SECONDS);
    }
    if (target != null) {
      target.stop(0);
    }
    http.close();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static Path jar(String property) {
    Path p = Path.of(System.getProperty(property, "missing"));
    assertThat(p).as("jar from system property " + property + " (run ./mvnw verify)").isRegularFile();
    return p;
  }

  private Process start(String name, ProcessBuilder pb) throws IOException {
    Path log = dir.resolve(name + ".log");
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    Process p = pb.start();
    processes.add(p);
    LOGS.put(p, log);
    return p;
  }

  @Test
  void hostMetricsScrapesAndRelayedOtlpReachLookout() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    apiPort = freePort();
    int otlpHttp = freePort();
    ProcessBuilder server = new ProcessBuilder(java, "-Xmx512m", "-jar", jar("lookout.server.jar").toString());
    server.environment().put("LOOKOUT_DATA_DIR", dir.resolve("server-data").toString());
    server.environment().put("LOOKOUT_HTTP_PORT", Integer.toString(apiPort));
    server.environment().put("LOOKOUT_OTLP_HTTP_PORT", Integer.toString(otlpHttp));
    server.environment().put("LOOKOUT_OTLP_GRPC_PORT", Integer.toString(freePort()));
    server.environment().put("LOOKOUT_BIND_ADDRESS", "127.0.0.1");
    Process serverProcess = start("server", server);
    await("server ready (log " + dir.resolve("server.log") + ")", serverProcess, () -> status("/readyz") == 200);

    target = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    target.createContext("/metrics", ex -> {
      byte[] body = EXPOSITION.getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
      ex.sendResponseHeaders(200, body.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    });
    target.start();

    int relayGrpc = freePort();
    int relayHttp = freePort();
    Path config = dir.resolve("agent.yml");
    Files.writeString(config, """
        endpoint: http://127.0.0.1:%d
        data_dir: %s
        http_port: -1
        host_metrics: {interval: 1s}
        scrape:
          - {url: "http://127.0.0.1:%d/metrics", interval: 1s, labels: {job: it-app}}
        otlp_receiver: {grpc_port: %d, http_port: %d}
        """.formatted(otlpHttp, dir.resolve("agent-data"), target.getAddress().getPort(), relayGrpc, relayHttp));
    Process agent = start("agent", new ProcessBuilder(java, "-Xmx64m", "-jar", jar("lookout.agent.jar").toString(),
        config.toString()));
    String agentLog = "agent (log " + dir.resolve("agent.log") + ")";

    await("host metrics in lookout from " + agentLog, agent,
        () -> hasSeries("system_cpu_time_seconds_total{job=\"lookout-agent\"}"));
    for (String name : List.of("system_memory_usage_bytes", "system_cpu_load_average_1m", "system_network_io_bytes_total",
        "system_filesystem_usage_bytes", "system_disk_io_bytes_total")) {
      await(name + " from " + agentLog, agent, () -> hasSeries(name));
    }
    String instance = "127.0.0.1:" + target.getAddress().getPort();
    for (String selector : List.of(
        "it_jobs_processed_total{job=\"it-app\",queue=\"mail\",instance=\"" + instance + "\"}",
        "it_queue_depth{job=\"it-app\"}", "it_latency_seconds_bucket{job=\"it-app\",le=\"0.1\"}",
        "it_latency_seconds_count{job=\"it-app\"}", "it_rpc_seconds{job=\"it-app\",quantile=\"0.5\"}",
        "up{job=\"it-app\"}", "scrape_duration_seconds{job=\"it-app\"}")) {
      await(selector + " from " + agentLog, agent, () -> hasSeries(selector));
    }

    Resource resource = Resource.getDefault().merge(
        Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "it-relayed")));
    String traceId;
    try (SdkTracerProvider tracing = SdkTracerProvider.builder().setResource(resource)
        .addSpanProcessor(SimpleSpanProcessor.create(
            OtlpGrpcSpanExporter.builder().setEndpoint("http://127.0.0.1:" + relayGrpc).build()))
        .build()) {
      Span span = tracing.get("it").spanBuilder("relayed-operation").startSpan();
      traceId = span.getSpanContext().getTraceId();
      span.end();
      assertThat(tracing.forceFlush().join(20, TimeUnit.SECONDS).isSuccess()).isTrue();
    }
    try (SdkLoggerProvider logs = SdkLoggerProvider.builder().setResource(resource)
        .addLogRecordProcessor(SimpleLogRecordProcessor.create(
            OtlpHttpLogRecordExporter.builder().setEndpoint("http://127.0.0.1:" + relayHttp + "/v1/logs").build()))
        .build()) {
      logs.get("it").logRecordBuilder().setBody("relaymarker arrived").emit();
      assertThat(logs.forceFlush().join(20, TimeUnit.SECONDS).isSuccess()).isTrue();
    }
    try (SdkMeterProvider meters = SdkMeterProvider.builder().setResource(resource)
        .registerMetricReader(PeriodicMetricReader.builder(
            OtlpGrpcMetricExporter.builder().setEndpoint("http://127.0.0.1:" + relayGrpc).build())
            .setInterval(Duration.ofHours(1)).build())
        .build()) {
      meters.get("it").counterBuilder("it.relayed.orders").build().add(5);
      assertThat(meters.forceFlush().join(20, TimeUnit.SECONDS).isSuccess()).isTrue();
    }
    await("relayed span " + traceId + " from " + agentLog, agent,
        () -> status("/api/v1/traces/" + traceId) == 200);
    await("relayed log from " + agentLog, agent,
        () -> get("/api/v1/logs?query=relaymarker&start=now-1h&end=now").path("data").toString().contains("relaymarker"));
    await("relayed metric from " + agentLog, agent, () -> hasSeries("it_relayed_orders_total{job=\"it-relayed\"}"));
  }

  private boolean hasSeries(String selector) {
    JsonNode data = get("/prometheus/api/v1/series?start=" + (System.currentTimeMillis() / 1000 - 600) + "&match[]="
        + URLEncoder.encode(selector, StandardCharsets.UTF_8)).path("data");
    return data.isArray() && !data.isEmpty();
  }

  private JsonNode get(String path) {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + path))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? JSON.readTree(r.body()) : JSON.createObjectNode();
    } catch (IOException e) {
      return JSON.createObjectNode();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private int status(String path) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + path))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static void await(String what, Process process, BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + DEADLINE.toNanos();
    while (System.nanoTime() < end) {
      if (condition.getAsBoolean()) {
        return;
      }
      if (!process.isAlive()) {
        throw new AssertionError("process exited with " + process.exitValue() + " while waiting for " + what
            + "; its output ends with:\n" + tail(process));
      }
      Thread.sleep(200);
    }
    throw new AssertionError("timed out after " + DEADLINE + " waiting for " + what + "; output ends with:\n"
        + tail(process));
  }

  private static final java.util.Map<Process, Path> LOGS = new java.util.concurrent.ConcurrentHashMap<>();

  private static String tail(Process process) {
    try {
      List<String> lines = Files.readAllLines(LOGS.get(process));
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException | RuntimeException e) {
      return "(no output: " + e + ")";
    }
  }
}
