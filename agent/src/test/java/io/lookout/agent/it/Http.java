package io.lookout.agent.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/** HTTP and waiting helpers for the integration tests (real sockets, JDK client). */
final class Http {
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient CLIENT = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5))
      .build();

  private Http() {}

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  static HttpResponse<String> get(String url) {
    try {
      return CLIENT.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static JsonNode data(HttpResponse<String> r) {
    if (r.statusCode() != 200) {
      throw new AssertionError("expected 200, got " + r.statusCode() + ": " + r.body());
    }
    try {
      JsonNode n = JSON.readTree(r.body());
      if (!"success".equals(n.path("status").asText())) {
        throw new AssertionError("not a success envelope: " + r.body());
      }
      return n.get("data");
    } catch (IOException e) {
      throw new UncheckedIOException("not JSON: " + r.body(), e);
    }
  }

  /** Every hit of a log query over the last hour, all pages. */
  static List<JsonNode> logs(String api, String query) {
    List<JsonNode> out = new ArrayList<>();
    String cursor = null;
    do {
      String url = api + "/api/v1/logs?limit=5000&start=1700000000&end=now%2B5m&query=" + enc(query)
          + (cursor == null ? "" : "&cursor=" + enc(cursor));
      JsonNode d = data(get(url));
      d.get("hits").forEach(out::add);
      cursor = d.path("next_cursor").isTextual() ? d.get("next_cursor").asText() : null;
    } while (cursor != null);
    return out;
  }

  /** Sum of a metric's samples in Prometheus text (all label sets), or 0. */
  static double metric(String metricsText, String name) {
    double sum = 0;
    for (String line : metricsText.split("\n")) {
      if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }

  /** Polls {@code condition} every 100 ms until true or the deadline passes. */
  static void await(String what, Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout + " waiting for " + what);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what);
      }
    }
  }
}
