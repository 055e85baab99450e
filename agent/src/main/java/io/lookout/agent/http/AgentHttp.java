package io.lookout.agent.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/** The agent's own {@code /metrics} (Prometheus text) and {@code /healthz} (JSON) on the JDK HTTP server. */
public final class AgentHttp implements AutoCloseable {
  /** What /healthz answers: healthy or not, and a JSON object describing why. */
  public record Health(boolean ok, String json) {}

  private final HttpServer server;

  public AgentHttp(String host, int port, PrometheusRegistry registry, Supplier<Health> health) throws IOException {
    server = HttpServer.create(new InetSocketAddress(host, port), 16);
    server.setExecutor(Executors.newSingleThreadExecutor(r -> Thread.ofPlatform().name("lookout-agent-http").daemon().unstarted(r)));
    PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    server.createContext("/metrics", ex -> {
      if (!get(ex)) {
        return;
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
      writer.write(out, registry.scrape());
      send(ex, 200, writer.getContentType(), out.toByteArray());
    });
    server.createContext("/healthz", ex -> {
      if (!get(ex)) {
        return;
      }
      Health h = health.get();
      send(ex, h.ok() ? 200 : 503, "application/json", h.json().getBytes(StandardCharsets.UTF_8));
    });
    server.createContext("/", ex -> send(ex, 404, "text/plain; charset=utf-8",
        "not found: the agent serves /metrics and /healthz\n".getBytes(StandardCharsets.UTF_8)));
  }

  public void start() {
    server.start();
  }

  /** The bound port. */
  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
  }

  private static boolean get(HttpExchange ex) throws IOException {
    String m = ex.getRequestMethod();
    if (m.equals("GET") || m.equals("HEAD")) {
      return true;
    }
    ex.getResponseHeaders().set("Allow", "GET, HEAD");
    send(ex, 405, "text/plain; charset=utf-8", ("method " + m + " is not allowed: use GET\n").getBytes(StandardCharsets.UTF_8));
    return false;
  }

  private static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
    ex.getResponseHeaders().set("Content-Type", type);
    boolean head = ex.getRequestMethod().equals("HEAD");
    ex.sendResponseHeaders(status, head ? -1 : body.length == 0 ? -1 : body.length);
    if (!head) {
      try (OutputStream os = ex.getResponseBody()) {
        os.write(body);
      }
    }
    ex.close();
  }
}
