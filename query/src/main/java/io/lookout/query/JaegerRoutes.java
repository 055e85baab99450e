package io.lookout.query;

import io.lookout.model.ErrorCode;
import io.lookout.model.LookoutException;
import io.lookout.model.TimeParser;
import io.lookout.model.spi.DependencyEdge;
import io.lookout.model.spi.Operation;
import io.lookout.model.spi.SpanStore;
import io.lookout.model.spi.Trace;
import io.lookout.model.spi.TracePage;
import io.lookout.model.spi.TraceQuery;
import io.lookout.model.spi.TraceSummary;
import io.lookout.query.internal.JaegerJson;
import io.lookout.query.internal.JaegerResponses;
import io.lookout.query.internal.Params;
import io.lookout.query.internal.QueryMetrics;
import io.lookout.query.internal.Runner;
import io.lookout.query.internal.TraceFilters;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * Jaeger's query HTTP API on {@code /jaeger/api/...} (what the Jaeger UI and Grafana's Jaeger
 * datasource call), in Jaeger's JSON model and envelope; see {@link JaegerJson} for the mapping.
 * As in Jaeger, {@code total} is the number of items for services and operations and 0 for traces
 * and dependencies.
 */
final class JaegerRoutes {
  static final int DEFAULT_LIMIT = 20;
  static final int MAX_LIMIT = 1000;
  /**
   * Range of the service and operation lists (Jaeger lists everything stored; 7d is the default
   * retention), shortened to the tenant's {@code max_query_range} when that is shorter: see
   * {@link #catalogStart}.
   */
  static final long CATALOG_LOOKBACK_NANOS = 7 * 86_400_000_000_000L;
  /** Default lookback of {@code /dependencies} in Jaeger: 24h. */
  static final long DEPENDENCIES_LOOKBACK_NANOS = 86_400_000_000_000L;
  /** Spans one search response carries at most, over all its traces. */
  static final int MAX_SEARCH_SPANS = 100_000;

  private static final Pattern TRACE_ID = Pattern.compile("[0-9a-fA-F]{1,32}");
  private static final long MICRO = 1000L;
  private static final long MILLI = 1_000_000L;

  private final SpanStore spanStore;
  private final QueryConfig config;
  private final Runner runner;
  private final LongSupplier now;
  private final QueryMetrics metrics;

  JaegerRoutes(SpanStore spanStore, QueryConfig config, Runner runner, LongSupplier now, QueryMetrics metrics) {
    this.spanStore = spanStore;
    this.config = config;
    this.runner = runner;
    this.now = now;
    this.metrics = metrics;
  }

  void mount(Router router, Function<String, Handler<RoutingContext>> instrument) {
    router.route("/jaeger/api/*").failureHandler(JaegerResponses::failure);
    endpoint(router, instrument, "/jaeger/api/services", "jaeger_services", this::services);
    endpoint(router, instrument, "/jaeger/api/services/:service/operations", "jaeger_service_operations",
        this::serviceOperations);
    endpoint(router, instrument, "/jaeger/api/operations", "jaeger_operations", this::operations);
    endpoint(router, instrument, "/jaeger/api/traces", "jaeger_traces", this::search);
    endpoint(router, instrument, "/jaeger/api/traces/:traceId", "jaeger_trace", this::trace);
    endpoint(router, instrument, "/jaeger/api/dependencies", "jaeger_dependencies", this::dependencies);
    router.route("/jaeger/api/*").order(Integer.MAX_VALUE).handler(ctx -> {
      metrics.error("unknown", ErrorCode.NOT_FOUND.errorType());
      ctx.fail(404);
    });
  }

  private void endpoint(Router router, Function<String, Handler<RoutingContext>> instrument, String path,
      String name, Handler<RoutingContext> handler) {
    router.route(path).handler(instrument.apply(name));
    router.get(path).handler(handler);
    router.route(path).handler(ctx -> {
      ctx.response().putHeader(HttpHeaders.ALLOW, "GET");
      JaegerResponses.error(ctx, 405, ErrorCode.BAD_DATA.errorType(), "method " + ctx.request().method() + " is not allowed on "
          + ApiResponses.abbreviate(ctx.request().path()) + ": use GET", 0);
    });
  }

  /**
   * Start of the service and operation lists ending at {@code end}: 7 days back, or the tenant's
   * {@code max_query_range} when that is shorter. The client did not choose this range (Jaeger's
   * catalog calls carry no time parameters), so a tenant with a short limit gets a shorter catalog
   * instead of a refusal that no request of the Jaeger UI could avoid; nothing is counted as
   * exceeded either.
   */
  private long catalogStart(String tenant, long end) {
    Duration max = runner.limits().of(tenant).maxQueryRange();
    boolean shorter = !max.isZero() && max.compareTo(Duration.ofNanos(CATALOG_LOOKBACK_NANOS)) < 0;
    return end - (shorter ? max.toNanos() : CATALOG_LOOKBACK_NANOS);
  }

  /** {@code GET /jaeger/api/services}. */
  private void services(RoutingContext ctx) {
    String tenant = Params.tenant(ctx);
    long end = now.getAsLong();
    run(ctx, () -> {
      List<String> services = spanStore.services(tenant, catalogStart(tenant, end), end);
      return JaegerJson.envelope(JaegerJson.strings(services), services.size(), null);
    });
  }

  /** {@code GET /jaeger/api/services/{service}/operations}: unique names. */
  private void serviceOperations(RoutingContext ctx) {
    String tenant = Params.tenant(ctx);
    String service = TraceRoutes.service(ctx.pathParam("service"));
    long end = now.getAsLong();
    run(ctx, () -> {
      TreeSet<String> names = new TreeSet<>();
      for (Operation o : spanStore.operations(tenant, service, catalogStart(tenant, end), end)) {
        names.add(o.name());
      }
      return JaegerJson.envelope(JaegerJson.strings(List.copyOf(names)), names.size(), null);
    });
  }

  /** {@code GET /jaeger/api/operations?service=&spanKind=}. */
  private void operations(RoutingContext ctx) {
    String tenant = Params.tenant(ctx);
    Params p = Params.of(ctx);
    String service = requireService(p);
    String kind = p.string("spanKind", null);
    if (kind != null) {
      kind = kind.trim().toLowerCase(Locale.ROOT);
      if (!List.of("server", "client", "producer", "consumer", "internal").contains(kind)) {
        throw LookoutException.badData("invalid spanKind '" + ApiResponses.abbreviate(kind)
            + "': use server, client, producer, consumer or internal");
      }
    }
    String wanted = kind;
    long end = now.getAsLong();
    run(ctx, () -> {
      List<Operation> ops = new ArrayList<>();
      for (Operation o : spanStore.operations(tenant, service, catalogStart(tenant, end), end)) {
        if (wanted == null || wanted.equals(JaegerJson.kind(o.kind()))) {
          ops.add(o);
        }
      }
      return JaegerJson.envelope(g -> {
        g.writeStartArray();
        for (Operation o : ops) {
          g.writeStartObject();
          g.writeStringField("name", o.name());
          g.writeStringField("spanKind", JaegerJson.kind(o.kind()));
          g.writeEndObject();
        }
        g.writeEndArray();
      }, ops.size(), null);
    });
  }

  /**
   * {@code GET /jaeger/api/traces?service=&operation=&tags=&tag=&start=&end=&minDuration=&maxDuration=&limit=&lookback=}
   * (start and end in Unix microseconds), or {@code ?traceID=...} (repeated) to fetch given traces.
   */
  private void search(RoutingContext ctx) {
    String tenant = Params.tenant(ctx);
    Params p = Params.of(ctx);
    List<String> ids = new ArrayList<>();
    for (String id : p.all("traceID")) {
      ids.add(traceId(id));
    }
    if (!ids.isEmpty()) {
      run(ctx, () -> byIds(tenant, ids));
      return;
    }
    String service = requireService(p);
    long nowNanos = now.getAsLong();
    long end = micros(p, "end", nowNanos);
    long start = micros(p, "start", Long.MIN_VALUE);
    if (start == Long.MIN_VALUE) {
      start = end - lookback(p);
    }
    if (start > end) {
      throw LookoutException.badData("invalid range: start " + TimeParser.formatRfc3339(start) + " is after end "
          + TimeParser.formatRfc3339(end) + ": use a start before the end");
    }
    runner.limits().checkRange(tenant, start, end);
    Map<String, String> tags = new LinkedHashMap<>(TraceFilters.jaegerTags(p.all("tags"), p.all("tag")));
    Integer status = statusFromTags(tags);
    long min = p.duration("minDuration", 0);
    long max = p.duration("maxDuration", Long.MAX_VALUE);
    if (min > max) {
      throw LookoutException.badData("invalid durations: maxDuration " + p.string("maxDuration", "")
          + " is less than minDuration " + p.string("minDuration", "") + ": use a maximum at least the minimum");
    }
    int limit = limit(p);
    TraceQuery q = new TraceQuery(tenant, service, p.string("operation", null), tags, status, min, max, start, end,
        limit, null, runner.timeoutMillis(tenant));
    run(ctx, () -> {
      TracePage page = spanStore.searchTraces(q);
      List<Trace> traces = new ArrayList<>();
      List<JaegerJson.Error> errors = new ArrayList<>();
      int budget = MAX_SEARCH_SPANS;
      for (TraceSummary s : page.traces()) {
        if (budget <= 0) {
          errors.add(new JaegerJson.Error(0, "search results stopped after " + MAX_SEARCH_SPANS
              + " spans: lower limit or narrow the search", null));
          break;
        }
        Optional<Trace> t = spanStore.trace(tenant, s.traceId(), Math.min(config.traceMaxSpans(), budget),
            runner.timeoutMillis(tenant));
        if (t.isPresent()) {
          traces.add(t.get());
          budget -= t.get().spans().size();
        }
      }
      return JaegerJson.envelope(JaegerJson.traces(traces), 0, errors);
    });
  }

  private Buffer byIds(String tenant, List<String> ids) {
    List<Trace> traces = new ArrayList<>();
    List<JaegerJson.Error> errors = new ArrayList<>();
    for (String id : ids) {
      Optional<Trace> t = spanStore.trace(tenant, id, config.traceMaxSpans(), runner.timeoutMillis(tenant));
      if (t.isPresent()) {
        traces.add(t.get());
      } else {
        errors.add(new JaegerJson.Error(0, "trace not found", id));
      }
    }
    return JaegerJson.envelope(JaegerJson.traces(traces), 0, errors);
  }

  /** {@code GET /jaeger/api/traces/{traceID}}: data is a one-trace array; 404 when unknown. */
  private void trace(RoutingContext ctx) {
    String tenant = Params.tenant(ctx);
    String traceId = traceId(ctx.pathParam("traceId"));
    run(ctx, () -> {
      Trace t = spanStore.trace(tenant, traceId, config.traceMaxSpans(), runner.timeoutMillis(tenant)).orElseThrow(
          () -> new LookoutException(ErrorCode.NOT_FOUND, "trace " + traceId + " not found"));
      return JaegerJson.envelope(JaegerJson.traces(List.of(t)), 0, null);
    });
  }

  /** {@code GET /jaeger/api/dependencies?endTs=<ms>&lookback=<ms>&service=}. */
  private void dependencies(RoutingContext ctx) {
    String tenant = Params.tenant(ctx);
    Params p = Params.of(ctx);
    long end = integerTimes(p, "endTs", MILLI, now.getAsLong(), "Unix milliseconds");
    long lookback = integerTimes(p, "lookback", MILLI, DEPENDENCIES_LOOKBACK_NANOS, "milliseconds");
    if (lookback < 0) {
      throw LookoutException.badData("invalid lookback '" + p.string("lookback", "") + "': use a positive number of milliseconds");
    }
    long start = end - lookback;
    runner.limits().checkRange(tenant, start, end);
    String service = p.string("service", null);
    run(ctx, () -> {
      List<DependencyEdge> edges = new ArrayList<>();
      for (DependencyEdge e : spanStore.dependencies(tenant, start, end, runner.timeoutMillis(tenant))) {
        if (service == null || service.equals(e.parent()) || service.equals(e.child())) {
          edges.add(e);
        }
      }
      return JaegerJson.envelope(g -> {
        g.writeStartArray();
        for (DependencyEdge e : edges) {
          g.writeStartObject();
          g.writeStringField("parent", e.parent());
          g.writeStringField("child", e.child());
          g.writeNumberField("callCount", e.callCount());
          g.writeEndObject();
        }
        g.writeEndArray();
      }, 0, null);
    });
  }

  private void run(RoutingContext ctx, Callable<Buffer> work) {
    runner.run(ctx, work);
  }

  private static String requireService(Params p) {
    String service = p.string("service", null);
    if (service == null) {
      throw LookoutException.badData("parameter 'service' is required: give the service whose traces to search");
    }
    return service;
  }

  private int limit(Params p) {
    String v = p.string("limit", null);
    if (v == null) {
      return DEFAULT_LIMIT;
    }
    try {
      int i = Integer.parseInt(v.trim());
      if (i == 0) {
        return DEFAULT_LIMIT;
      }
      if (i > 0) {
        return Math.min(i, MAX_LIMIT);
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw LookoutException.badData("invalid limit '" + ApiResponses.abbreviate(v)
        + "': use a positive integer (at most " + MAX_LIMIT + " traces are returned)");
  }

  private long lookback(Params p) {
    String v = p.string("lookback", null);
    if (v == null || v.equalsIgnoreCase("custom")) {
      return config.defaultRange().toNanos();
    }
    return TimeParser.parseDuration("lookback", v);
  }

  /** Jaeger's synthetic {@code error} and {@code otel.status_code} tags filter on span status. */
  static Integer statusFromTags(Map<String, String> tags) {
    Integer status = null;
    String error = tags.get("error");
    if (error != null && error.equalsIgnoreCase("true")) {
      tags.remove("error");
      status = 2;
    }
    String code = tags.remove("otel.status_code");
    if (code != null) {
      int c = switch (code.trim().toUpperCase(Locale.ROOT)) {
        case "ERROR" -> 2;
        case "OK" -> 1;
        case "UNSET" -> 0;
        default -> throw LookoutException.badData("invalid tag otel.status_code '" + ApiResponses.abbreviate(code)
            + "': use OK, ERROR or UNSET");
      };
      if (status != null && status != c) {
        throw LookoutException.badData("conflicting tags: error=true and otel.status_code=" + code
            + " cannot hold for one span");
      }
      status = c;
    }
    return status;
  }

  /** A Jaeger trace id: 1 to 32 hex digits, not all zeros; left-padded to 32, lower case. */
  static String traceId(String v) {
    if (v == null || !TRACE_ID.matcher(v).matches() || v.chars().allMatch(c -> c == '0')) {
      throw LookoutException.badData("invalid trace id '" + ApiResponses.abbreviate(v)
          + "': use 1 to 32 hexadecimal characters, not all zeros (e.g. 4bf92f3577b34da6a3ce929d0e0e4736)");
    }
    return "0".repeat(32 - v.length()) + v.toLowerCase(Locale.ROOT);
  }

  private static long micros(Params p, String name, long def) {
    return integerTimes(p, name, MICRO, def, "Unix microseconds");
  }

  /** An integer parameter times {@code unitNanos}, in nanoseconds. */
  private static long integerTimes(Params p, String name, long unitNanos, long def, String what) {
    String v = p.string(name, null);
    if (v == null) {
      return def;
    }
    try {
      return Math.multiplyExact(Long.parseLong(v.trim()), unitNanos);
    } catch (NumberFormatException | ArithmeticException e) {
      throw LookoutException.badData("invalid " + name + " '" + ApiResponses.abbreviate(v) + "': use an integer of "
          + what + ", as Jaeger clients send");
    }
  }
}
