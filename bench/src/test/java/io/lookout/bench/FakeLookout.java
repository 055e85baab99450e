package io.lookout.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for the Lookout server on a loopback port: OTLP/HTTP logs in, the four query
 * endpoints out; traces through {@link FakeTraces}. Refuses the first {@code refusals} posts with 429, and makes records searchable
 * only a few hundred per histogram poll, so the generator has to retry and to wait.
 */
final class FakeLookout implements AutoCloseable {
  record Stored(long ts, String body, String service, String severity) {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpServer otlp;
  private final HttpServer api;
  private final List<Stored> records = new ArrayList<>();
  private final AtomicInteger refusals;
  private final FakeTraces traces;
  private final AtomicInteger posts = new AtomicInteger();
  private int polls;
  private volatile String requiredAuthorization;
  private final AtomicInteger unauthorized = new AtomicInteger();

  FakeLookout(int refusals) throws IOException {
    this(refusals, 0, 0);
  }

  FakeLookout(int refusals, int otlpPort, int apiPort) throws IOException {
    this.refusals = new AtomicInteger(refusals);
    this.traces = new FakeTraces(refusals, refusals);
    otlp = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), otlpPort), 0);
    otlp.setExecutor(Executors.newFixedThreadPool(4));
    otlp.createContext("/v1/logs", this::ingest);
    otlp.createContext("/v1/traces", traces::ingest);
    otlp.start();
    api = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), apiPort), 0);
    api.setExecutor(Executors.newFixedThreadPool(2));
    api.createContext("/api/v1/logs", this::query);
    api.createContext("/api/v1/traces", traces::query);
    api.createContext("/readyz", ex -> send(ex, 200, "{\"status\":\"success\"}"));
    api.start();
  }

  /**
   * Serves on LOOKOUT_OTLP_HTTP_PORT and LOOKOUT_HTTP_PORT until killed, writing a file into
   * LOOKOUT_DATA_DIR: a stand-in server for trying bench/run.sh (BENCH_SERVER_CMD).
   */
  public static void main(String[] args) throws Exception {
    FakeLookout f = new FakeLookout(2,
        Integer.parseInt(System.getenv().getOrDefault("LOOKOUT_OTLP_HTTP_PORT", "4318")),
        Integer.parseInt(System.getenv().getOrDefault("LOOKOUT_HTTP_PORT", "8080")));
    java.nio.file.Files.writeString(
        java.nio.file.Path.of(System.getenv().getOrDefault("LOOKOUT_DATA_DIR", "data"), "fake"), "fake");
    Runtime.getRuntime().addShutdownHook(new Thread(f::close));
    Thread.currentThread().join();
  }

  URI otlpUri() {
    return URI.create("http://127.0.0.1:" + otlp.getAddress().getPort());
  }

  URI apiUri() {
    return URI.create("http://127.0.0.1:" + api.getAddress().getPort());
  }

  FakeTraces traces() {
    return traces;
  }

  synchronized List<Stored> records() {
    return List.copyOf(records);
  }

  int posts() {
    return posts.get();
  }

  /** From now on, logs ingest and queries answer 401 unless {@code Authorization} is exactly {@code value}. */
  void requireAuthorization(String value) {
    requiredAuthorization = value;
  }

  /** Requests refused for a missing or wrong {@code Authorization}. */
  int unauthorized() {
    return unauthorized.get();
  }

  private boolean refusedUnauthorized(HttpExchange ex) throws IOException {
    String want = requiredAuthorization;
    if (want == null || want.equals(ex.getRequestHeaders().getFirst("Authorization"))) {
      return false;
    }
    unauthorized.incrementAndGet();
    ex.getRequestBody().readAllBytes();
    send(ex, 401, "{\"status\":\"error\",\"error\":\"missing or invalid token\"}");
    return true;
  }

  private void ingest(HttpExchange ex) throws IOException {
    if (refusedUnauthorized(ex)) {
      return;
    }
    byte[] body = ex.getRequestBody().readAllBytes();
    posts.incrementAndGet();
    if (refusals.getAndDecrement() > 0) {
      ex.getResponseHeaders().add("Retry-After", "0");
      send(ex, 429, "{}");
      return;
    }
    ExportLogsServiceRequest req = ExportLogsServiceRequest.parseFrom(body);
    List<Stored> got = new ArrayList<>();
    for (ResourceLogs rl : req.getResourceLogsList()) {
      String service = rl.getResource().getAttributes(0).getValue().getStringValue();
      for (LogRecord r : rl.getScopeLogs(0).getLogRecordsList()) {
        got.add(new Stored(r.getTimeUnixNano(), r.getBody().getStringValue(), service, r.getSeverityText()));
      }
    }
    synchronized (this) {
      records.addAll(got);
    }
    ex.getResponseHeaders().add("Content-Type", "application/x-protobuf");
    send(ex, 200, "");
  }

  private synchronized void query(HttpExchange ex) throws IOException {
    if (refusedUnauthorized(ex)) {
      return;
    }
    Map<String, String> p = params(ex.getRequestURI());
    String path = ex.getRequestURI().getPath();
    long start = nanos(p.get("start"));
    long end = nanos(p.get("end"));
    String q = p.get("query");
    List<Stored> matches = new ArrayList<>();
    int visible = path.endsWith("/histogram") && q.equals("*") ? Math.min(records.size(), ++polls * 700) : records.size();
    for (Stored s : records.subList(0, visible)) {
      boolean hit = q.equals("*") || (q.startsWith("severity:") ? s.severity.equals(q.substring(9)) : s.body.contains(q));
      if (hit && s.ts >= start && s.ts <= end) {
        matches.add(s);
      }
    }
    Object data;
    if (path.endsWith("/histogram")) {
      data = Map.of("step_seconds", 60, "buckets", List.of(Map.of("start", p.get("start"), "count", matches.size())));
    } else if (path.endsWith("/fields/service/values")) {
      Map<String, Integer> counts = new TreeMap<>();
      matches.forEach(s -> counts.merge(s.service, 1, Integer::sum));
      List<Map<String, Object>> values = new ArrayList<>();
      counts.forEach((k, v) -> values.add(Map.of("value", k, "count", v)));
      data = Map.of("field", "service", "values", values);
    } else {
      matches.sort(Comparator.comparingLong(Stored::ts).reversed());
      List<Map<String, Object>> hits = new ArrayList<>();
      for (Stored s : matches.subList(0, Math.min(matches.size(), Integer.parseInt(p.get("limit"))))) {
        hits.add(Map.of("body", s.body, "service", s.service));
      }
      data = new HashMap<>(Map.of("hits", hits));
      ((Map<String, Object>) data).put("next_cursor", null);
    }
    send(ex, 200, JSON.writeValueAsString(Map.of("status", "success", "data", data)));
  }

  private static Map<String, String> params(URI uri) {
    Map<String, String> out = new HashMap<>();
    for (String kv : uri.getRawQuery().split("&")) {
      int eq = kv.indexOf('=');
      out.put(kv.substring(0, eq), URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return out;
  }

  private static long nanos(String unixSeconds) {
    return new java.math.BigDecimal(unixSeconds).movePointRight(9).longValueExact();
  }

  private static void send(HttpExchange ex, int status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
    if (b.length > 0) {
      ex.getResponseBody().write(b);
    }
    ex.close();
  }

  @Override
  public void close() {
    for (HttpServer s : List.of(otlp, api)) {
      s.stop(0);
      ((java.util.concurrent.ExecutorService) s.getExecutor()).shutdownNow();
    }
  }
}
