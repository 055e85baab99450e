package io.lookout.bench;

import com.google.protobuf.CodedInputStream;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.airlift.compress.snappy.SnappyDecompressor;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stand-in for a Prometheus remote_write receiver and query API on a loopback port: decodes
 * every write (snappy, then the WriteRequest protobuf by hand), refuses the first {@code
 * refusals} with 503, answers the per-name sample counts and any range query with one series.
 */
final class FakePrometheus implements AutoCloseable {
  private static final Pattern COUNT =
      Pattern.compile("sum\\(count_over_time\\((\\w+)\\[(\\d+)s\\]\\)\\).*[?&]?time=(\\d+)\\.(\\d{3})");

  private final HttpServer http;
  private final AtomicInteger refusals;
  /** Timestamps per series (labels rendered as a TreeMap string), in arrival order. */
  final Map<String, List<Long>> timestamps = new HashMap<>();
  /** Sample timestamps per metric name, for the counts over a window. */
  final Map<String, List<Long>> perName = new HashMap<>();
  final List<String> badHeaders = new ArrayList<>();
  final AtomicInteger rangeQueries = new AtomicInteger();

  FakePrometheus(int refusals) throws IOException {
    this.refusals = new AtomicInteger(refusals);
    http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    http.setExecutor(Executors.newFixedThreadPool(4));
    http.createContext("/api/v1/write", this::write);
    http.createContext("/api/v1/query_range", ex -> {
      rangeQueries.incrementAndGet();
      send(ex, 200, "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[{\"metric\":{},"
          + "\"values\":[[1,\"1\"],[16,\"2\"]]}]}}");
    });
    http.createContext("/api/v1/query", this::query);
    http.start();
  }

  URI base() {
    return URI.create("http://127.0.0.1:" + http.getAddress().getPort());
  }

  private void write(HttpExchange ex) throws IOException {
    byte[] body = ex.getRequestBody().readAllBytes();
    if (refusals.getAndDecrement() > 0) {
      ex.getResponseHeaders().add("Retry-After", "0");
      send(ex, 503, "busy");
      return;
    }
    var h = ex.getRequestHeaders();
    if (!"snappy".equals(h.getFirst("Content-Encoding")) || !"application/x-protobuf".equals(h.getFirst("Content-Type"))
        || !"0.1.0".equals(h.getFirst("X-Prometheus-Remote-Write-Version"))) {
      synchronized (this) {
        badHeaders.add(String.valueOf(h.entrySet()));
      }
    }
    byte[] raw = new byte[SnappyDecompressor.getUncompressedLength(body, 0)];
    new SnappyDecompressor().decompress(body, 0, body.length, raw, 0, raw.length);
    CodedInputStream in = CodedInputStream.newInstance(raw);
    synchronized (this) {
      while (!in.isAtEnd()) {
        if (in.readTag() != (1 << 3 | 2)) {
          throw new IOException("expected timeseries");
        }
        CodedInputStream ts = CodedInputStream.newInstance(in.readByteArray());
        Map<String, String> labels = new TreeMap<>();
        List<Long> times = new ArrayList<>();
        while (!ts.isAtEnd()) {
          int tag = ts.readTag();
          CodedInputStream m = CodedInputStream.newInstance(ts.readByteArray());
          if (tag == (1 << 3 | 2)) {
            m.readTag();
            String name = m.readString();
            m.readTag();
            labels.put(name, m.readString());
          } else {
            m.readTag();
            m.readDouble();
            m.readTag();
            times.add(m.readInt64());
          }
        }
        timestamps.computeIfAbsent(labels.toString(), k -> new ArrayList<>()).addAll(times);
        perName.computeIfAbsent(labels.get("__name__"), k -> new ArrayList<>()).addAll(times);
      }
    }
    send(ex, 204, "");
  }

  private void query(HttpExchange ex) throws IOException {
    String q = URLDecoder.decode(ex.getRequestURI().getRawQuery(), StandardCharsets.UTF_8);
    Matcher m = COUNT.matcher(q);
    long n = 0;
    if (m.find()) {
      // samples in (time - window, time], as Prometheus counts them
      long time = Long.parseLong(m.group(3)) * 1000 + Long.parseLong(m.group(4));
      long from = time - Long.parseLong(m.group(2)) * 1000;
      synchronized (this) {
        n = perName.getOrDefault(m.group(1), List.of()).stream().filter(t -> t > from && t <= time).count();
      }
    }
    send(ex, 200, "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":{},"
        + "\"value\":[1,\"" + n + "\"]}]}}");
  }

  private static void send(HttpExchange ex, int status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.sendResponseHeaders(status, status == 204 ? -1 : b.length);
    if (status != 204) {
      ex.getResponseBody().write(b);
    }
    ex.close();
  }

  @Override
  public void close() {
    http.stop(0);
  }
}
