package io.lookout.query;

import io.lookout.model.ErrorCode;
import io.lookout.model.LogRecord;
import io.lookout.model.LookoutException;
import io.lookout.model.Span;
import io.lookout.model.spi.Direction;
import io.lookout.model.spi.LogQuery;
import io.lookout.model.spi.LogStore;
import io.lookout.model.spi.RedQuery;
import io.lookout.model.spi.SpanStore;
import io.lookout.model.spi.Trace;
import io.lookout.model.spi.TraceQuery;
import io.lookout.query.ApiResponses.DataWriter;
import io.lookout.query.internal.Json;
import io.lookout.query.internal.Params;
import io.lookout.query.internal.Runner;
import io.lookout.query.internal.TraceFilters;
import io.lookout.query.internal.TraceJson;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.LongSupplier;

/** Handlers of the native trace API ({@code /api/v1/traces...}); mounted by {@link QueryApi}. */
final class TraceRoutes {
  static final int DEFAULT_SEARCH_LIMIT = 20;
  static final int MAX_SEARCH_LIMIT = 1000;
  /** Logs returned with a trace at most ({@code include=logs}). */
  static final int MAX_TRACE_LOGS = 1000;
  /** Logs are searched this long before the trace's start and after its end. */
  static final long TRACE_LOGS_MARGIN_NANOS = 3_600_000_000_000L;

  private final LogStore logStore;
  private final SpanStore spanStore;
  private final QueryConfig config;
  private final Runner runner;
  private final LongSupplier now;

  TraceRoutes(LogStore logStore, SpanStore spanStore, QueryConfig config, Runner runner, LongSupplier now) {
    this.logStore = logStore;
    this.spanStore = spanStore;
    this.config = config;
    this.runner = runner;
    this.now = now;
  }

  /** {@code GET /api/v1/traces?service=&operation=&attributes=&status=&min_duration=&max_duration=&start=&end=&limit=&cursor=}. */
  void search(RoutingContext ctx) {
    String tenant = Params.tenant(ctx);
    Params p = Params.of(ctx);
    Params.Range r = range(tenant, p);
    Map<String, String> attributes = TraceFilters.keyValues("attributes", p.all("attributes"));
    Integer status = TraceFilters.status(p.string("status", null));
    long min = p.duration("min_duration", 0);
    long max = p.duration("max_duration", Long.MAX_VALUE);
    if (min > max) {
      throw LookoutException.badData("invalid durations: min_duration " + p.string("min_duration", "")
          + " is greater than max_duration " + p.string("max_duration", "") + ": use a minimum at most the maximum");
    }
    int limit = p.integer("limit", DEFAULT_SEARCH_LIMIT, 1, MAX_SEARCH_LIMIT, null);
    TraceQuery q = new TraceQuery(tenant, p.string("service", null), p.string("operation", null), attributes, status,
        min, max, r.startNanos(), r.endNanos(), limit, p.string("cursor", null), runner.timeoutMillis(tenant));
    run(ctx, () -> TraceJson.page(spanStore.searchTraces(q)));
  }

  /** {@code GET /api/v1/traces/services?start=&end=}. */
  void services(RoutingContext ctx) {
    String tenant = Params.tenant(ctx);
    Params.Range r = range(tenant, Params.of(ctx));
    run(ctx, () -> Json.strings(spanStore.services(tenant, r.startNanos(), r.endNanos())));
  }

  /** {@code GET /api/v1/traces/services/{service}/operations?start=&end=}. */
  void operations(RoutingContext ctx) {
    String tenant = Params.tenant(ctx);
    String service = service(ctx.pathParam("service"));
    Params.Range r = range(tenant, Params.of(ctx));
    run(ctx, () -> TraceJson.operations(spanStore.operations(tenant, service, r.startNanos(), r.endNanos())));
  }

  /** {@code GET /api/v1/traces/dependencies?start=&end=}. */
  void dependencies(RoutingContext ctx) {
    String tenant = Params.tenant(ctx);
    Params.Range r = range(tenant, Params.of(ctx));
    run(ctx, () -> TraceJson.dependencies(
        spanStore.dependencies(tenant, r.startNanos(), r.endNanos(), runner.timeoutMillis(tenant))));
  }

  /** {@code GET /api/v1/traces/red?service=&operation=&start=&end=&step=}. */
  void red(RoutingContext ctx) {
    String tenant = Params.tenant(ctx);
    Params p = Params.of(ctx);
    String service = p.string("service", null);
    if (service == null) {
      throw LookoutException.badData("missing service: give the service to measure, e.g. service=checkout");
    }
    Params.Range r = range(tenant, p);
    long step = p.step(r);
    RedQuery q = new RedQuery(tenant, service, p.string("operation", null), r.startNanos(), r.endNanos(), step,
        runner.timeoutMillis(tenant));
    run(ctx, () -> TraceJson.red(step, spanStore.red(q)));
  }

  /** {@code GET /api/v1/traces/{traceId}?include=logs}. */
  void trace(RoutingContext ctx) {
    String tenant = Params.tenant(ctx);
    String traceId = Params.traceId(ctx.pathParam("traceId"));
    boolean withLogs = includesLogs(Params.of(ctx).all("include"));
    run(ctx, () -> {
      Optional<Trace> found = spanStore.trace(tenant, traceId, config.traceMaxSpans(), runner.timeoutMillis(tenant));
      Trace trace = found.orElseThrow(
          () -> new LookoutException(ErrorCode.NOT_FOUND, "trace " + traceId + " not found"));
      return Json.trace(trace, withLogs ? logsOf(tenant, trace) : null);
    });
  }

  private List<LogRecord> logsOf(String tenant, Trace trace) {
    long start = Long.MAX_VALUE;
    long end = Long.MIN_VALUE;
    for (Span s : trace.spans()) {
      start = Math.min(start, s.startNanos());
      end = Math.max(end, Math.max(s.startNanos(), s.endNanos()));
    }
    if (trace.spans().isEmpty()) {
      return List.of();
    }
    LogQuery q = new LogQuery(tenant, "trace_id:" + trace.traceId(), saturatedAdd(start, -TRACE_LOGS_MARGIN_NANOS),
        saturatedAdd(end, TRACE_LOGS_MARGIN_NANOS), MAX_TRACE_LOGS, Direction.BACKWARD, null, runner.timeoutMillis(tenant));
    return logStore.search(q).hits();
  }

  static boolean includesLogs(List<String> include) {
    boolean logs = false;
    for (String v : include) {
      for (String part : v.split(",")) {
        String name = part.trim();
        if (name.equals("logs")) {
          logs = true;
        } else if (!name.isEmpty()) {
          throw LookoutException.badData("invalid include '" + ApiResponses.abbreviate(name)
              + "': the only value allowed is logs");
        }
      }
    }
    return logs;
  }

  static String service(String v) {
    if (v == null || v.isBlank() || v.length() > 256 || v.chars().anyMatch(Character::isISOControl)) {
      throw LookoutException.badData("invalid service '" + ApiResponses.abbreviate(v)
          + "': use a name listed by /api/v1/traces/services (1 to 256 characters)");
    }
    return v;
  }

  /** The request's range, within the tenant's {@code max_query_range} (422 beyond, as the log endpoints). */
  private Params.Range range(String tenant, Params p) {
    Params.Range r = p.range(now.getAsLong(), config.defaultRange().toNanos());
    runner.limits().checkRange(tenant, r.startNanos(), r.endNanos());
    return r;
  }

  private void run(RoutingContext ctx, Callable<DataWriter> work) {
    runner.run(ctx, () -> Json.success(work.call()));
  }

  private static long saturatedAdd(long a, long b) {
    long r = a + b;
    if (((a ^ r) & (b ^ r)) < 0) {
      return b < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
    return r;
  }
}
