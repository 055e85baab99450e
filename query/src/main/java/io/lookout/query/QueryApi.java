package io.lookout.query;

import io.lookout.model.ErrorCode;
import io.lookout.model.LookoutException;
import io.lookout.model.Tenant;
import io.lookout.model.spi.Direction;
import io.lookout.model.spi.LogQuery;
import io.lookout.model.spi.LogStore;
import io.lookout.model.spi.SpanStore;
import io.lookout.model.spi.Trace;
import io.lookout.query.ApiResponses.DataWriter;
import io.lookout.query.internal.Json;
import io.lookout.query.internal.Params;
import io.lookout.query.internal.QueryMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The native query API on {@code /api/v1/logs...} and {@code /api/v1/traces/{id}}, over the
 * storage SPI. Parameters are validated on the event loop; storage calls and JSON rendering run
 * on a dedicated worker pool, at most {@link QueryConfig#maxPending()} at a time.
 */
public final class QueryApi implements AutoCloseable {
  static final int DEFAULT_LIMIT = 100;
  static final int DEFAULT_VALUES_LIMIT = 10;
  static final int MAX_VALUES_LIMIT = 1000;
  /** Largest form body accepted on POST. */
  static final long MAX_FORM_BYTES = 1024 * 1024;
  /** Time the API waits beyond the storage timeout before answering 503 timeout itself. */
  static final long TIMEOUT_GRACE_MILLIS = 2000;

  /** Numbers the worker pools: a shared executor with the same name would share its threads. */
  private static final AtomicInteger INSTANCES = new AtomicInteger();

  private final Vertx vertx;
  private final LogStore logStore;
  private final SpanStore spanStore;
  private final QueryConfig config;
  private final QueryMetrics metrics;
  private final Clock clock;
  private final WorkerExecutor workers;
  private final AtomicInteger pending = new AtomicInteger();

  public QueryApi(
      Vertx vertx,
      LogStore logStore,
      SpanStore spanStore,
      QueryConfig config,
      PrometheusRegistry registry,
      Clock clock) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.logStore = Objects.requireNonNull(logStore, "logStore");
    this.spanStore = Objects.requireNonNull(spanStore, "spanStore");
    this.config = Objects.requireNonNull(config, "config");
    this.metrics = new QueryMetrics(Objects.requireNonNull(registry, "registry"));
    this.clock = Objects.requireNonNull(clock, "clock");
    this.workers = vertx.createSharedWorkerExecutor(
        "lookout-query-" + INSTANCES.incrementAndGet(), config.workers(),
        config.timeout().toMillis() + TIMEOUT_GRACE_MILLIS * 10, TimeUnit.MILLISECONDS);
  }

  /**
   * Adds the routes, a 405 envelope for other methods on them, a 404 envelope for any unknown
   * {@code /api/...} path (routed last, so routes mounted later still win), and the envelope
   * failure handler for {@code /api/*}.
   */
  public void mount(Router router) {
    router.route("/api/*").failureHandler(ApiResponses.failureHandler());
    endpoint(router, "/api/v1/logs", "logs", true, this::logs);
    endpoint(router, "/api/v1/logs/histogram", "logs_histogram", true, this::histogram);
    endpoint(router, "/api/v1/logs/fields", "logs_fields", true, this::fields);
    endpoint(router, "/api/v1/logs/fields/:name/values", "logs_field_values", true, this::fieldValues);
    endpoint(router, "/api/v1/traces/:traceId", "trace", false, this::trace);
    router.route("/api/*").order(Integer.MAX_VALUE).handler(ctx -> {
      metrics.error("unknown", ErrorCode.NOT_FOUND.errorType());
      ctx.fail(404);
    });
  }

  /** Stops the worker pool; queries in progress finish first. */
  @Override
  public void close() {
    workers.close();
  }

  private void endpoint(Router router, String path, String name, boolean post, Handler<RoutingContext> handler) {
    router.route(path).handler(instrument(name));
    router.get(path).handler(handler);
    if (post) {
      router.post(path).handler(QueryApi::requireForm);
      router.post(path).handler(BodyHandler.create(false).setBodyLimit(MAX_FORM_BYTES)).handler(handler);
    }
    String allowed = post ? "GET, POST" : "GET";
    router.route(path).handler(ctx -> {
      ctx.response().putHeader(HttpHeaders.ALLOW, allowed);
      ApiResponses.error(ctx, 405, ErrorCode.BAD_DATA.errorType(), "method " + ctx.request().method()
          + " is not allowed on " + ApiResponses.abbreviate(ctx.request().path()) + ": use " + allowed.replace(",", " or"), 0);
    });
  }

  private Handler<RoutingContext> instrument(String endpoint) {
    return ctx -> {
      long t0 = System.nanoTime();
      // headers-end runs synchronously inside end(), before the client can see the answer
      ctx.addHeadersEndHandler(v -> {
        metrics.observe(endpoint, System.nanoTime() - t0);
        String errorType = ctx.get(ApiResponses.ERROR_TYPE_KEY);
        if (errorType != null) {
          metrics.error(endpoint, errorType);
        }
      });
      ctx.next();
    };
  }

  private static void requireForm(RoutingContext ctx) {
    String ct = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    if (ct != null && !ct.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
      throw new LookoutException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "unsupported content type '"
          + ApiResponses.abbreviate(ct) + "': send parameters as application/x-www-form-urlencoded or use GET");
    }
    ctx.next();
  }

  private void logs(RoutingContext ctx) {
    String tenant = tenant(ctx);
    Params p = Params.of(ctx);
    Params.Range r = p.range(nowNanos(), config.defaultRange().toNanos());
    int limit = p.integer("limit", DEFAULT_LIMIT, 1, config.maxLimit(), "LOOKOUT_QUERY_MAX_LIMIT");
    Direction direction = p.direction();
    LogQuery q = new LogQuery(tenant, p.string("query", ""), r.startNanos(), r.endNanos(), limit, direction,
        p.string("cursor", null), timeoutMillis());
    run(ctx, () -> Json.logPage(logStore.search(q)));
  }

  private void histogram(RoutingContext ctx) {
    String tenant = tenant(ctx);
    Params p = Params.of(ctx);
    Params.Range r = p.range(nowNanos(), config.defaultRange().toNanos());
    long step = p.step(r);
    LogQuery q = new LogQuery(tenant, p.string("query", ""), r.startNanos(), r.endNanos(), 0, Direction.BACKWARD,
        null, timeoutMillis());
    run(ctx, () -> Json.histogram(logStore.histogram(q, step)));
  }

  private void fields(RoutingContext ctx) {
    String tenant = tenant(ctx);
    Params.Range r = Params.of(ctx).range(nowNanos(), config.defaultRange().toNanos());
    run(ctx, () -> Json.strings(logStore.fieldNames(tenant, r.startNanos(), r.endNanos())));
  }

  private void fieldValues(RoutingContext ctx) {
    String tenant = tenant(ctx);
    String field = Params.fieldName(ctx.pathParam("name"));
    Params p = Params.of(ctx);
    Params.Range r = p.range(nowNanos(), config.defaultRange().toNanos());
    int limit = p.integer("limit", DEFAULT_VALUES_LIMIT, 1, MAX_VALUES_LIMIT, null);
    LogQuery q = new LogQuery(tenant, p.string("query", ""), r.startNanos(), r.endNanos(), limit,
        Direction.BACKWARD, null, timeoutMillis());
    run(ctx, () -> Json.fieldValues(logStore.fieldValues(q, field, limit)));
  }

  private void trace(RoutingContext ctx) {
    String tenant = tenant(ctx);
    String traceId = Params.traceId(ctx.pathParam("traceId"));
    run(ctx, () -> {
      Optional<Trace> trace = spanStore.trace(tenant, traceId, config.traceMaxSpans(), timeoutMillis());
      return Json.trace(trace.orElseThrow(
          () -> new LookoutException(ErrorCode.NOT_FOUND, "trace " + traceId + " not found")));
    });
  }

  /**
   * Runs a storage call and its rendering on the worker pool and answers with the result, or
   * with 503 when too many queries are pending or the storage overruns its time budget.
   */
  private void run(RoutingContext ctx, Callable<DataWriter> work) {
    if (pending.incrementAndGet() > config.maxPending()) {
      pending.decrementAndGet();
      throw LookoutException.overloaded("too many queries in progress, the limit is " + config.maxPending()
          + " (LOOKOUT_QUERY_MAX_PENDING): retry later", 1);
    }
    long timer = vertx.setTimer(timeoutMillis() + TIMEOUT_GRACE_MILLIS, id -> ApiResponses.error(ctx,
        new LookoutException(ErrorCode.TIMEOUT, "query did not finish within " + format(config.timeout())
            + " (LOOKOUT_QUERY_TIMEOUT): narrow the time range or make the query more selective")));
    workers.<Buffer>executeBlocking(() -> Json.success(work.call()), false).onComplete(ar -> {
      pending.decrementAndGet();
      vertx.cancelTimer(timer);
      if (ar.succeeded()) {
        ApiResponses.send(ctx, 200, ar.result());
      } else if (!ctx.response().ended()) {
        ctx.fail(ar.cause());
      }
    });
  }

  private static String tenant(RoutingContext ctx) {
    return Tenant.resolve(ctx.request().getHeader(Tenant.HEADER));
  }

  private long nowNanos() {
    Instant i = clock.instant();
    return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000_000L), i.getNano());
  }

  private long timeoutMillis() {
    return config.timeout().toMillis();
  }

  static String format(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
  }
}
