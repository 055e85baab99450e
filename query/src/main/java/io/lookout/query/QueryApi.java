package io.lookout.query;

import io.lookout.model.ErrorCode;
import io.lookout.model.LookoutException;
import io.lookout.model.spi.Direction;
import io.lookout.model.spi.LogQuery;
import io.lookout.model.spi.LogStore;
import io.lookout.model.spi.MetricStore;
import io.lookout.model.spi.SpanStore;
import io.lookout.query.ApiResponses.DataWriter;
import io.lookout.query.internal.Json;
import io.lookout.query.internal.Params;
import io.lookout.query.internal.QueryLimits;
import io.lookout.query.internal.QueryMetrics;
import io.lookout.model.limits.Limits;
import io.lookout.query.internal.Runner;
import io.lookout.query.internal.TailSlots;
import io.lookout.query.loki.LokiRoutes;
import io.lookout.query.loki.LokiTail;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * The query APIs over the storage SPI: native logs ({@code /api/v1/logs...}) and traces
 * ({@code /api/v1/traces...}, see {@link TraceRoutes}), Jaeger's query API
 * ({@code /jaeger/api/...}, see {@link JaegerRoutes}) and Prometheus's HTTP API with PromQL
 * ({@code /prometheus/api/v1/...}, see {@link PrometheusRoutes}); the routes are listed in the package
 * documentation. Parameters are validated on the event loop; storage calls and JSON rendering run
 * on a dedicated worker pool, at most {@link QueryConfig#maxPending()} at a time.
 */
public final class QueryApi implements AutoCloseable {
  static final int DEFAULT_LIMIT = 100;
  static final int DEFAULT_VALUES_LIMIT = 10;
  static final int MAX_VALUES_LIMIT = 1000;
  /** Largest form body accepted on POST. */
  static final long MAX_FORM_BYTES = 1024 * 1024;

  private final LogStore logStore;
  private final QueryConfig config;
  private final QueryMetrics metrics;
  private final Clock clock;
  private final Runner runner;
  private final QueryLimits limits;
  private final TraceRoutes traces;
  private final JaegerRoutes jaeger;
  private final PrometheusRoutes prometheus;
  private final LogTailRoutes tail;
  private final LokiRoutes loki;
  private final TailSlots tailSlots;
  private final LokiTail lokiTail;

  /**
   * @param metricStore serves the Prometheus HTTP API and PromQL ({@code /prometheus/api/v1/...})
   */
  public QueryApi(
      Vertx vertx,
      LogStore logStore,
      SpanStore spanStore,
      MetricStore metricStore,
      QueryConfig config,
      PrometheusRegistry registry,
      Clock clock) {
    this(vertx, logStore, spanStore, metricStore, config, Limits.none(), registry, clock);
  }

  /**
   * @param limits per-tenant limits (query range, time budget, concurrent queries, result sizes)
   *     over the settings of {@code config}
   */
  public QueryApi(
      Vertx vertx,
      LogStore logStore,
      SpanStore spanStore,
      MetricStore metricStore,
      QueryConfig config,
      Limits limits,
      PrometheusRegistry registry,
      Clock clock) {
    this(vertx, logStore, spanStore, metricStore, config, LogTailConfig.defaults(), limits, registry, clock);
  }

  /** @param tailConfig settings of the live tail ({@code /api/v1/logs/tail}) */
  public QueryApi(
      Vertx vertx,
      LogStore logStore,
      SpanStore spanStore,
      MetricStore metricStore,
      QueryConfig config,
      LogTailConfig tailConfig,
      Limits limits,
      PrometheusRegistry registry,
      Clock clock) {
    Objects.requireNonNull(vertx, "vertx");
    this.logStore = Objects.requireNonNull(logStore, "logStore");
    Objects.requireNonNull(spanStore, "spanStore");
    this.config = Objects.requireNonNull(config, "config");
    this.metrics = new QueryMetrics(Objects.requireNonNull(registry, "registry"));
    this.clock = Objects.requireNonNull(clock, "clock");
    this.limits = new QueryLimits(Objects.requireNonNull(limits, "limits"), config.timeout());
    this.runner = new Runner(vertx, config.workers(), config.timeout(), config.maxPending(), this.limits);
    this.traces = new TraceRoutes(logStore, spanStore, config, runner, this::nowNanos);
    this.jaeger = new JaegerRoutes(spanStore, config, runner, this::nowNanos, metrics);
    this.prometheus = new PrometheusRoutes(
        Objects.requireNonNull(metricStore, "metricStore"), config, runner, this::nowNanos);
    this.loki = new LokiRoutes(logStore, runner, this::nowNanos, new LokiRoutes.Settings(config.maxLimit(),
        config.defaultRange().toNanos(), config.promqlMaxSeries(), config.lokiMaxScannedLines()));
    // the native and the Loki tail share caps, pollers and tail metrics
    this.tailSlots = new TailSlots(vertx, Objects.requireNonNull(tailConfig, "tailConfig"),
        config.timeout().toMillis() * 2, registry);
    this.tail = new LogTailRoutes(vertx, logStore, tailSlots, config, runner, registry, this::nowNanos);
    this.lokiTail = new LokiTail(vertx, logStore, tailSlots, runner, this::nowNanos, config.maxLimit());
  }

  /**
   * Adds the native, Jaeger and Prometheus routes, a 405 envelope for other methods on them, a 404
   * envelope for any unknown {@code /api/...}, {@code /prometheus/api/...} or {@code /jaeger/api/...} path (routed last, so routes
   * mounted later still win), and the failure handlers of {@code /api/*} (native envelope) and
   * {@code /jaeger/api/*} (Jaeger's envelope).
   */
  public void mount(Router router) {
    router.route("/api/*").failureHandler(ApiResponses.failureHandler());
    endpoint(router, "/api/v1/logs", "logs", true, this::logs);
    endpoint(router, "/api/v1/logs/histogram", "logs_histogram", true, this::histogram);
    endpoint(router, "/api/v1/logs/fields", "logs_fields", true, this::fields);
    endpoint(router, "/api/v1/logs/fields/:name/values", "logs_field_values", true, this::fieldValues);
    tail.mount(router, this::instrument); // /api/v1/logs/tail (SSE) and /api/v1/logs/context
    // the fixed trace paths come before /api/v1/traces/:traceId, which would capture them
    endpoint(router, "/api/v1/traces", "traces", false, traces::search);
    endpoint(router, "/api/v1/traces/services", "trace_services", false, traces::services);
    endpoint(router, "/api/v1/traces/services/:service/operations", "trace_operations", false, traces::operations);
    endpoint(router, "/api/v1/traces/dependencies", "trace_dependencies", false, traces::dependencies);
    endpoint(router, "/api/v1/traces/red", "trace_red", false, traces::red);
    endpoint(router, "/api/v1/traces/:traceId", "trace", false, traces::trace);
    jaeger.mount(router, this::instrument);
    router.route("/prometheus/api/*").failureHandler(ApiResponses.failureHandler());
    endpoint(router, "/prometheus/api/v1/query", "prom_query", true, prometheus::query);
    endpoint(router, "/prometheus/api/v1/query_range", "prom_query_range", true, prometheus::queryRange);
    endpoint(router, "/prometheus/api/v1/series", "prom_series", true, prometheus::series);
    endpoint(router, "/prometheus/api/v1/labels", "prom_labels", true, prometheus::labels);
    endpoint(router, "/prometheus/api/v1/label/:name/values", "prom_label_values", false, prometheus::labelValues);
    endpoint(router, "/prometheus/api/v1/query_exemplars", "prom_query_exemplars", true, prometheus::queryExemplars);
    endpoint(router, "/prometheus/api/v1/metadata", "prom_metadata", false, prometheus::metadata);
    endpoint(router, "/prometheus/api/v1/status/buildinfo", "prom_buildinfo", false, prometheus::buildInfo);
    // Loki's query API; the failure handler is per path: /loki/api/v1/push belongs to ingest
    String[][] lokiRoutes = {{"/loki/api/v1/query", "loki_query"}, {"/loki/api/v1/query_range", "loki_query_range"},
      {"/loki/api/v1/labels", "loki_labels"}, {"/loki/api/v1/label/:name/values", "loki_label_values"},
      {"/loki/api/v1/series", "loki_series"}, {"/loki/api/v1/tail", "loki_tail"}};
    for (String[] r : lokiRoutes) {
      router.route(r[0]).failureHandler(ApiResponses.failureHandler());
    }
    endpoint(router, "/loki/api/v1/query", "loki_query", true, loki::query);
    endpoint(router, "/loki/api/v1/query_range", "loki_query_range", true, loki::queryRange);
    endpoint(router, "/loki/api/v1/labels", "loki_labels", false, loki::labels);
    endpoint(router, "/loki/api/v1/label/:name/values", "loki_label_values", false, loki::labelValues);
    endpoint(router, "/loki/api/v1/series", "loki_series", true, loki::series);
    endpoint(router, "/loki/api/v1/tail", "loki_tail", false, lokiTail::tail); // WebSocket
    for (String prefix : new String[] {"/api/*", "/prometheus/api/*"}) {
      router.route(prefix).order(Integer.MAX_VALUE).handler(ctx -> {
        metrics.error("unknown", ErrorCode.NOT_FOUND.errorType());
        ctx.fail(404);
      });
    }
  }

  /** Stops the worker pool; queries in progress finish first. */
  @Override
  public void close() {
    tail.close();
    tailSlots.close();
    runner.close();
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
    Params.Range r = range(tenant, p);
    int limit = logLimit(tenant, p);
    Direction direction = p.direction();
    LogQuery q = new LogQuery(tenant, p.string("query", ""), r.startNanos(), r.endNanos(), limit, direction,
        p.string("cursor", null), timeoutMillis(tenant));
    run(ctx, () -> Json.logPage(logStore.search(q)));
  }

  private void histogram(RoutingContext ctx) {
    String tenant = tenant(ctx);
    Params p = Params.of(ctx);
    Params.Range r = range(tenant, p);
    long step = p.step(r);
    LogQuery q = new LogQuery(tenant, p.string("query", ""), r.startNanos(), r.endNanos(), 0, Direction.BACKWARD,
        null, timeoutMillis(tenant));
    run(ctx, () -> Json.histogram(logStore.histogram(q, step)));
  }

  private void fields(RoutingContext ctx) {
    String tenant = tenant(ctx);
    Params.Range r = range(tenant, Params.of(ctx));
    run(ctx, () -> Json.strings(logStore.fieldNames(tenant, r.startNanos(), r.endNanos())));
  }

  private void fieldValues(RoutingContext ctx) {
    String tenant = tenant(ctx);
    String field = Params.fieldName(ctx.pathParam("name"));
    Params p = Params.of(ctx);
    Params.Range r = range(tenant, p);
    int limit = p.integer("limit", DEFAULT_VALUES_LIMIT, 1, MAX_VALUES_LIMIT, null);
    LogQuery q = new LogQuery(tenant, p.string("query", ""), r.startNanos(), r.endNanos(), limit,
        Direction.BACKWARD, null, timeoutMillis(tenant));
    run(ctx, () -> Json.fieldValues(logStore.fieldValues(q, field, limit)));
  }

  /** Runs a storage call and its rendering on the worker pool; see {@link Runner}. */
  private void run(RoutingContext ctx, Callable<DataWriter> work) {
    runner.run(ctx, () -> Json.success(work.call()));
  }

  private static String tenant(RoutingContext ctx) {
    return Params.tenant(ctx);
  }

  private long nowNanos() {
    Instant i = clock.instant();
    return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000_000L), i.getNano());
  }

  private long timeoutMillis(String tenant) {
    return limits.timeout(tenant).toMillis();
  }

  /** The request's range, within the tenant's {@code max_query_range}. */
  private Params.Range range(String tenant, Params p) {
    Params.Range r = p.range(nowNanos(), config.defaultRange().toNanos());
    limits.checkRange(tenant, r.startNanos(), r.endNanos());
    return r;
  }

  /** {@code limit} of a log search: up to LOOKOUT_QUERY_MAX_LIMIT, or the tenant's {@code max_log_lines}. */
  private int logLimit(String tenant, Params p) {
    if (limits.maxLogLines(tenant) <= 0) {
      return p.integer("limit", DEFAULT_LIMIT, 1, config.maxLimit(), "LOOKOUT_QUERY_MAX_LIMIT");
    }
    int limit = p.integer("limit", Math.min(DEFAULT_LIMIT, limits.maxLogLines(tenant)), 1, Integer.MAX_VALUE, null);
    limits.checkLogLines(tenant, limit);
    return limit;
  }
}
