package io.lookout.bench.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/** GETs on the Lookout HTTP API, answers parsed as JSON. */
public final class ApiClient implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI base;
  private final Map<String, String> headers;
  private final HttpClient client = OtlpSender.client();

  public ApiClient(URI base) {
    this(base, Map.of());
  }

  /** Sends {@code headers} (for example {@code Authorization}) with every request. */
  public ApiClient(URI base, Map<String, String> headers) {
    this.base = base;
    this.headers = Map.copyOf(headers);
  }

  /** GETs {@code path} with the given query parameters (name, value, name, value...). */
  public JsonNode get(String path, String... params) throws IOException, InterruptedException {
    JsonNode found = find(path, params);
    if (found == null) {
      throw new IOException("GET " + base + path + " answered 404");
    }
    return found;
  }

  /** Like {@link #get}, but null when the server answers 404 (not found, or not yet searchable). */
  public JsonNode find(String path, String... params) throws IOException, InterruptedException {
    StringBuilder url = new StringBuilder(base.toString()).append(path);
    for (int i = 0; i + 1 < params.length; i += 2) {
      url.append(i == 0 ? '?' : '&').append(params[i]).append('=').append(encode(params[i + 1]));
    }
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(url.toString())).timeout(Duration.ofSeconds(60)).GET();
    headers.forEach(builder::header);
    HttpRequest req = builder.build();
    HttpResponse<byte[]> resp = client.send(req, HttpResponse.BodyHandlers.ofByteArray());
    if (resp.statusCode() == 404) {
      return null;
    }
    if (resp.statusCode() != 200) {
      String body = new String(resp.body(), StandardCharsets.UTF_8);
      throw new IOException(
          "GET " + url + " answered " + resp.statusCode() + ": "
              + body.substring(0, Math.min(300, body.length())));
    }
    return JSON.readTree(resp.body());
  }

  /** Unix seconds with nine fraction digits, as every time parameter accepts. */
  public static String time(long nanos) {
    return Math.floorDiv(nanos, 1_000_000_000L) + "." + String.format("%09d", Math.floorMod(nanos, 1_000_000_000L));
  }

  private static String encode(String v) {
    return URLEncoder.encode(v, StandardCharsets.UTF_8).replace("+", "%20");
  }

  @Override
  public void close() {
    client.close();
  }
}
