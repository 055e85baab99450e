package io.lookout.query;

import io.lookout.model.ErrorCode;
import io.lookout.model.LookoutException;
import io.lookout.query.promql.eval.InMemoryMetricStore;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;

/** A real HTTP server on port 0 with the query API over an {@link InMemoryStore}, and a client. */
final class TestServer implements AutoCloseable {
  /** The fixed "now" of every test: 2026-01-02T15:00:00Z. */
  static final Instant NOW = Instant.parse("2026-01-02T15:00:00Z");
  static final long NOW_NANOS = NOW.getEpochSecond() * 1_000_000_000L;

  final Vertx vertx = Vertx.vertx();
  final InMemoryStore store = new InMemoryStore();
  final InMemoryMetricStore metrics = new InMemoryMetricStore();
  final PrometheusRegistry registry = new PrometheusRegistry();
  final QueryApi api;
  final HttpServer server;
  final WebClient client;

  TestServer(QueryConfig config) {
    this(config, io.lookout.model.limits.Limits.none());
  }

  /** With per-tenant limits. */
  TestServer(QueryConfig config, io.lookout.model.limits.Limits limits) {
    this(config, LogTailConfig.defaults(), limits);
  }

  /** With live tail settings (e.g. a short poll interval). */
  TestServer(QueryConfig config, LogTailConfig tail, io.lookout.model.limits.Limits limits) {
    api = new QueryApi(vertx, store, store.spanStore(), metrics, config, tail, limits, registry,
        Clock.fixed(NOW, ZoneOffset.UTC));
    Router router = Router.router(vertx);
    api.mount(router);
    router.get("/api/v1/boom").handler(ctx -> {
      throw new IllegalStateException("secret detail");
    });
    router.get("/api/v1/other/ok").handler(ctx -> ApiResponses.success(ctx, java.util.Map.of("a", 1)));
    router.get("/api/v1/other/busy").handler(ctx -> ApiResponses.error(ctx, 429, "unavailable", "slow down", 3));
    router.get("/api/v1/other/failed").handler(ctx -> ctx.fail(new LookoutException(ErrorCode.EXECUTION, "cannot")));
    server = await(vertx.createHttpServer().requestHandler(router).listen(0));
    client = WebClient.create(vertx);
  }

  TestServer() {
    this(QueryConfig.defaults());
  }

  record Resp(int status, MultiMap headers, String body) {
    JsonObject json() {
      return new JsonObject(body);
    }

    /** The data member of a success envelope. */
    JsonObject data() {
      JsonObject j = json();
      if (!"success".equals(j.getString("status"))) {
        throw new AssertionError("not a success envelope: " + status + " " + body);
      }
      return j.getJsonObject("data");
    }

    String error() {
      return json().getString("error");
    }

    String errorType() {
      return json().getString("errorType");
    }
  }

  Resp get(String uri, String... headers) {
    return send(HttpMethod.GET, uri, null, headers);
  }

  Future<HttpResponse<Buffer>> getAsync(String uri) {
    return client.get(server.actualPort(), "localhost", uri).send();
  }

  Resp send(HttpMethod method, String uri, Buffer body, String... headers) {
    HttpRequest<Buffer> req = client.request(method, server.actualPort(), "localhost", uri);
    for (int i = 0; i < headers.length; i += 2) {
      req.putHeader(headers[i], headers[i + 1]);
    }
    HttpResponse<Buffer> r = await(body == null ? req.send() : req.sendBuffer(body));
    return toResp(r);
  }

  static Resp toResp(HttpResponse<Buffer> r) {
    return new Resp(r.statusCode(), r.headers(), r.bodyAsString());
  }

  static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Override
  public void close() {
    api.close();
    await(vertx.close());
  }
}
