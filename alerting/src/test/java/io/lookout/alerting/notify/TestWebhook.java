package io.lookout.alerting.notify;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/** A webhook receiver on a real socket: records requests, answers with scripted statuses (then 200). */
final class TestWebhook implements AutoCloseable {
  record Request(String path, Map<String, List<String>> headers, byte[] body) {
    String header(String name) {
      for (Map.Entry<String, List<String>> e : headers.entrySet()) {
        if (e.getKey() != null && e.getKey().equalsIgnoreCase(name)) {
          return e.getValue().get(0);
        }
      }
      return null;
    }

    String bodyText() {
      return new String(body, java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  /** A scripted answer: status and optional Retry-After. */
  record Answer(int status, String retryAfter) {}

  private final HttpServer server;
  final List<Request> requests = new CopyOnWriteArrayList<>();
  final ConcurrentLinkedDeque<Answer> script = new ConcurrentLinkedDeque<>();
  volatile int defaultStatus = 200;

  TestWebhook() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newFixedThreadPool(2));
    server.createContext("/", ex -> {
      byte[] body;
      try (InputStream in = ex.getRequestBody()) {
        body = in.readAllBytes();
      }
      requests.add(new Request(ex.getRequestURI().getPath(), Map.copyOf(ex.getRequestHeaders()), body));
      Answer a = script.pollFirst();
      int status = a == null ? defaultStatus : a.status();
      if (a != null && a.retryAfter() != null) {
        ex.getResponseHeaders().add("Retry-After", a.retryAfter());
      }
      ex.sendResponseHeaders(status, -1);
      ex.close();
    });
    server.start();
  }

  void answer(int... statuses) {
    for (int s : statuses) {
      script.addLast(new Answer(s, null));
    }
  }

  String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  List<Request> at(String path) {
    return requests.stream().filter(r -> r.path().equals(path)).toList();
  }

  @Override
  public void close() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }
}
