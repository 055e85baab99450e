package io.lookout.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.lookout.model.LogRecord;
import io.lookout.model.LookoutException;
import io.lookout.model.spi.AppendResult;
import io.lookout.model.spi.CheckResult;
import io.lookout.model.spi.Direction;
import io.lookout.model.spi.FieldValues;
import io.lookout.model.spi.Histogram;
import io.lookout.model.spi.LogPage;
import io.lookout.model.spi.LogQuery;
import io.lookout.model.spi.LogStore;
import io.lookout.query.internal.Runner;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LogTailApiTest {
  private static final long SECOND = 1_000_000_000L;

  private final Vertx vertx = Vertx.vertx();
  private final FieldStore store = new FieldStore();
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private Runner runner;
  private LogTailRoutes routes;
  private HttpServer server;
  private HttpClient client;

  private void start(LogTailConfig config) {
    QueryConfig qc = QueryConfig.defaults();
    runner = new Runner(vertx, 2, qc.timeout(), 16);
    routes = new LogTailRoutes(vertx, store, config, qc, runner, registry, LogTailApiTest::now);
    Router router = Router.router(vertx);
    router.route("/api/*").failureHandler(ApiResponses.failureHandler());
    routes.mount(router, name -> ctx -> ctx.next());
    server = await(vertx.createHttpServer().requestHandler(router).listen(0));
    client = vertx.createHttpClient();
  }

  private static LogTailConfig config(int perTenant) {
    return new LogTailConfig(perTenant, 100, Duration.ofMillis(50), 1000, Duration.ofSeconds(10));
  }

  @AfterEach
  void stop() {
    if (routes != null) {
      routes.close();
      runner.close();
    }
    await(vertx.close());
  }

  private static long now() {
    return System.currentTimeMillis() * 1_000_000L;
  }

  private static LogRecord line(long ts, String body, String service, String host) {
    return new LogRecord(ts, ts, 9, "INFO", body, service, "", "", Map.of(),
        host == null ? Map.of() : Map.of("host.name", host), "");
  }

  /** An open SSE stream: everything received so far. */
  private record Stream(HttpClientResponse response, StringBuffer text) {
    List<String> bodies() {
      List<String> out = new ArrayList<>();
      for (String event : text.toString().split("\n\n")) {
        if (event.startsWith("data: ")) {
          JsonArray hits = new JsonObject(event.substring(6)).getJsonObject("data").getJsonArray("hits");
          for (int i = 0; i < hits.size(); i++) {
            out.add(hits.getJsonObject(i).getString("body"));
          }
        }
      }
      return out;
    }
  }

  private Stream open(String uri) {
    StringBuffer text = new StringBuffer();
    HttpClientResponse r = await(client.request(HttpMethod.GET, server.actualPort(), "localhost", uri)
        .compose(req -> req.send()).map(resp -> {
          resp.handler(b -> text.append(b.toString()));
          return resp;
        }));
    return new Stream(r, text);
  }

  @Test
  void tailStreamsMatchingLinesIngestedAfterItStartedAndOnlyOnce() {
    start(config(5));
    store.add(line(now() - 60 * SECOND, "checkout old line", "checkout", null));
    Stream s = open("/api/v1/logs/tail?query=checkout");

    assertThat(s.response().statusCode()).isEqualTo(200);
    assertThat(s.response().getHeader("Content-Type")).startsWith("text/event-stream");
    store.add(line(now(), "checkout first", "checkout", null));
    store.add(line(now(), "payments other", "payments", null));
    waitFor(() -> s.bodies().contains("checkout first"));
    store.add(line(now(), "checkout second", "checkout", null));
    waitFor(() -> s.bodies().contains("checkout second"));

    assertThat(s.bodies()).containsExactly("checkout first", "checkout second");
  }

  @Test
  void tailFromAStartInThePastSendsTheLinesSinceThen() {
    start(config(5));
    store.add(line(now() - 120 * SECOND, "too old", "checkout", null));
    store.add(line(now() - 30 * SECOND, "recent", "checkout", null));
    Stream s = open("/api/v1/logs/tail?start=now-1m");

    waitFor(() -> s.bodies().contains("recent"));
    assertThat(s.bodies()).containsExactly("recent");
  }

  @Test
  void badQueryIsRefusedWithTheStoresMessageBeforeTheStreamStarts() {
    start(config(5));
    Stream s = open("/api/v1/logs/tail?query=((");
    waitFor(() -> isJson(s.text().toString()));

    assertThat(s.response().statusCode()).isEqualTo(400);
    JsonObject body = new JsonObject(s.text().toString());
    assertThat(body.getString("errorType")).isEqualTo("bad_data");
    assertThat(body.getString("error")).startsWith("invalid query");
  }

  @Test
  void tailsPerTenantAreCappedAndAClosedTailFreesItsSlot() {
    start(config(1));
    Stream first = open("/api/v1/logs/tail");
    assertThat(first.response().statusCode()).isEqualTo(200);

    Stream refused = open("/api/v1/logs/tail");
    waitFor(() -> isJson(refused.text().toString()));
    assertThat(refused.response().statusCode()).isEqualTo(429);
    assertThat(refused.response().getHeader("Retry-After")).isEqualTo("5");
    assertThat(new JsonObject(refused.text().toString()).getString("error"))
        .contains("LOOKOUT_TAIL_MAX_PER_TENANT");

    // another tenant has its own cap
    StringBuffer other = new StringBuffer();
    HttpClientResponse otherResp = await(client.request(HttpMethod.GET, server.actualPort(), "localhost",
        "/api/v1/logs/tail").compose(req -> req.putHeader("X-Scope-OrgID", "acme").send()).map(r -> {
          r.handler(b -> other.append(b.toString()));
          return r;
        }));
    assertThat(otherResp.statusCode()).isEqualTo(200);

    await(first.response().request().connection().close());
    waitFor(() -> gauge() == 1.0);
    Stream again = open("/api/v1/logs/tail");
    assertThat(again.response().statusCode()).isEqualTo(200);
  }

  private double gauge() {
    return registry.scrape().stream().filter(m -> m.getMetadata().getName().equals("lookout_tail_connections"))
        .findFirst().map(m -> ((io.prometheus.metrics.model.snapshots.GaugeSnapshot) m).getDataPoints().get(0)
            .getValue()).orElse(-1.0);
  }

  @Test
  void contextGivesTheLinesAroundATimestampOfTheSameServiceAndHost() {
    start(config(5));
    long t = now() - 60 * SECOND;
    for (int i = 1; i <= 5; i++) {
      store.add(line(t - i * SECOND, "before " + i, "checkout", "web-1"));
      store.add(line(t + i * SECOND, "after " + i, "checkout", "web-1"));
    }
    store.add(line(t, "the hit", "checkout", "web-1"));
    store.add(line(t - SECOND / 2, "other host", "checkout", "web-2"));
    store.add(line(t + SECOND / 2, "other service", "payments", "web-1"));

    String ts = io.lookout.model.TimeParser.formatRfc3339(t);
    Resp r = get("/api/v1/logs/context?timestamp=" + ts + "&service=checkout&host=web-1&before=2&after=3");
    JsonObject data = r.body().getJsonObject("data");

    assertThat(r.status()).isEqualTo(200);
    assertThat(bodies(data.getJsonObject("before"))).containsExactly("before 2", "before 1");
    assertThat(bodies(data.getJsonObject("at"))).containsExactly("the hit");
    assertThat(bodies(data.getJsonObject("after"))).containsExactly("after 1", "after 2", "after 3");
    assertThat(store.queries).contains("service:\"checkout\" AND resource.host.name:\"web-1\"");
  }

  @Test
  void contextWithoutTimestampOrServiceIsABadRequest() {
    start(config(5));
    Resp r = get("/api/v1/logs/context?service=checkout");
    JsonObject body = r.body();

    assertThat(r.status()).isEqualTo(400);
    assertThat(body.getString("error")).startsWith("missing timestamp");
  }

  @Test
  void quotingEscapesBackslashesAndQuotes() {
    assertThat(LogTailRoutes.quote("a\"b\\c")).isEqualTo("\"a\\\"b\\\\c\"");
  }

  private record Resp(int status, JsonObject body) {}

  private Resp get(String uri) {
    return await(client.request(HttpMethod.GET, server.actualPort(), "localhost", uri)
        .compose(req -> req.send().compose(resp -> resp.body()
            .map(b -> new Resp(resp.statusCode(), new JsonObject(b.toString()))))));
  }

  private static boolean isJson(String s) {
    try {
      new JsonObject(s);
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static List<String> bodies(JsonObject page) {
    JsonArray hits = page.getJsonArray("hits");
    List<String> out = new ArrayList<>();
    for (int i = 0; i < hits.size(); i++) {
      out.add(hits.getJsonObject(i).getString("body"));
    }
    return out;
  }

  private static void waitFor(BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 20s");
      }
      Thread.onSpinWait();
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  private static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /**
   * A store that understands the queries these routes build: terms joined by AND, each
   * {@code field:"value"} (service, resource.*) or a bare word in the body; {@code ((} is malformed.
   */
  static final class FieldStore implements LogStore {
    private static final Pattern FIELD = Pattern.compile("([a-z_.]+):\"((?:[^\"\\\\]|\\\\.)*)\"");
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    final List<String> queries = new CopyOnWriteArrayList<>();

    void add(LogRecord r) {
      records.add(r);
    }

    @Override
    public LogPage search(LogQuery q) {
      queries.add(q.query());
      if (q.query().contains("((")) {
        throw LookoutException.badData("invalid query: cannot parse '((': use Lucene query syntax");
      }
      List<LogRecord> hits = new ArrayList<>();
      for (LogRecord r : records) {
        if (r.timestampNanos() >= q.startNanos() && r.timestampNanos() <= q.endNanos() && matches(q.query(), r)) {
          hits.add(r);
        }
      }
      Comparator<LogRecord> byTime = Comparator.comparingLong(LogRecord::timestampNanos);
      hits.sort(q.direction() == Direction.BACKWARD ? byTime.reversed() : byTime);
      boolean more = hits.size() > q.limit();
      return new LogPage(List.copyOf(hits.subList(0, Math.min(q.limit(), hits.size()))), more ? "more" : null);
    }

    private static boolean matches(String query, LogRecord r) {
      if (query.isBlank()) {
        return true;
      }
      for (String term : query.split(" AND ")) {
        Matcher m = FIELD.matcher(term.trim());
        if (m.matches()) {
          String want = m.group(2).replace("\\\"", "\"").replace("\\\\", "\\");
          Object have = m.group(1).equals("service") ? r.service()
              : m.group(1).startsWith("resource.") ? r.resource().get(m.group(1).substring(9)) : null;
          if (!want.equals(have)) {
            return false;
          }
        } else if (!r.body().contains(term.trim())) {
          return false;
        }
      }
      return true;
    }

    @Override
    public CompletableFuture<AppendResult> append(String tenant, List<LogRecord> r) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Histogram histogram(LogQuery query, long stepNanos) {
      throw new UnsupportedOperationException();
    }

    @Override
    public List<String> fieldNames(String tenant, long startNanos, long endNanos) {
      throw new UnsupportedOperationException();
    }

    @Override
    public FieldValues fieldValues(LogQuery query, String field, int limit) {
      throw new UnsupportedOperationException();
    }

    @Override
    public CheckResult check() {
      return null;
    }

    @Override
    public void close() {}
  }
}
