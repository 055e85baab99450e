package io.lookout.query;

import io.lookout.model.ErrorCode;
import io.lookout.model.LookoutException;
import io.lookout.model.limits.Limit;
import io.lookout.model.limits.TenantLimits;
import io.lookout.model.TimeParser;
import io.lookout.model.metrics.LabelMatcher;
import io.lookout.model.metrics.Labels;
import io.lookout.model.metrics.SeriesExemplars;
import io.lookout.model.spi.MetricStore;
import io.lookout.query.internal.Json;
import io.lookout.query.internal.Params;
import io.lookout.query.internal.PromJson;
import io.lookout.query.internal.Runner;
import io.lookout.query.promql.Aggregate;
import io.lookout.query.promql.Binary;
import io.lookout.query.promql.Call;
import io.lookout.query.promql.Expr;
import io.lookout.query.promql.MatrixSelector;
import io.lookout.query.promql.NumberLiteral;
import io.lookout.query.promql.Paren;
import io.lookout.query.promql.StringLiteral;
import io.lookout.query.promql.Subquery;
import io.lookout.query.promql.Unary;
import io.lookout.query.promql.Matcher;
import io.lookout.query.promql.PromqlParseException;
import io.lookout.query.promql.PromqlParser;
import io.lookout.query.promql.VectorSelector;
import io.lookout.query.promql.eval.Engine;
import io.lookout.query.promql.eval.EngineOptions;
import io.lookout.query.promql.eval.QueryResult;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/** Handlers of the Prometheus HTTP API ({@code /prometheus/api/v1/...}); mounted by {@link QueryApi}. */
final class PrometheusRoutes {
  private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
  /** Start and end of the metadata endpoints when absent: all of time, as Prometheus. */
  private static final long MIN_TIME = Long.MIN_VALUE / 4;
  private static final long MAX_TIME = Long.MAX_VALUE / 4;
  private static final String TRUNCATED = "results truncated due to limit";

  private final MetricStore store;
  private final Engine engine;
  private final QueryConfig config;
  private final Runner runner;
  private final LongSupplier nowNanos;

  PrometheusRoutes(MetricStore store, QueryConfig config, Runner runner, LongSupplier nowNanos) {
    this.store = store;
    this.config = config;
    this.runner = runner;
    this.nowNanos = nowNanos;
    this.engine = new Engine(store, config.engineOptions());
  }

  /** {@code /prometheus/api/v1/query?query=&time=&timeout=}. */
  void query(RoutingContext ctx) {
    String tenant = Params.tenant(ctx);
    Params p = Params.of(ctx);
    Expr expr = parse(p);
    long time = p.string("time", null) == null ? millis(nowNanos.getAsLong()) : time(p, "time");
    long timeout = timeout(tenant, p);
    Engine e = engine(tenant);
    runner.run(ctx, () -> result(limited(tenant, () -> e.instant(tenant, expr, time, timeout))));
  }

  /** {@code /prometheus/api/v1/query_range?query=&start=&end=&step=&timeout=}. */
  void queryRange(RoutingContext ctx) {
    String tenant = Params.tenant(ctx);
    Params p = Params.of(ctx);
    long start = time(p, "start");
    long end = time(p, "end");
    if (end < start) {
      throw LookoutException.badData("invalid parameter \"end\": end timestamp must not be before start time");
    }
    String stepText = p.string("step", null);
    if (stepText == null) {
      throw LookoutException.badData("invalid parameter \"step\": cannot parse \"\" to a valid duration:"
          + " use a duration such as 15s or a number of seconds");
    }
    long step = TimeParser.parseDuration("step", stepText) / 1_000_000L;
    Expr expr = parse(p);
    Engine.checkRange(start, end, step);
    runner.limits().checkRange(tenant, start * 1_000_000L, end * 1_000_000L);
    long timeout = timeout(tenant, p);
    Engine e = engine(tenant);
    runner.run(ctx, () -> result(limited(tenant, () -> e.range(tenant, expr, start, end, step, timeout))));
  }

  /** {@code /prometheus/api/v1/series?match[]=&start=&end=&limit=}. */
  void series(RoutingContext ctx) {
    String tenant = Params.tenant(ctx);
    Params p = Params.of(ctx);
    List<List<LabelMatcher>> sets = matcherSets(p);
    if (sets.isEmpty()) {
      throw LookoutException.badData("no match[] parameter provided: give at least one series selector such as"
          + " match[]=up");
    }
    long[] r = optionalRange(p);
    int limit = limit(p);
    runner.run(ctx, () -> {
      List<Labels> series = store.series(tenant, sets, r[0], r[1], limit + 1);
      List<String> warnings = series.size() > limit ? List.of(TRUNCATED) : List.of();
      return PromJson.success(PromJson.series(series.subList(0, Math.min(limit, series.size()))), warnings);
    });
  }

  /** {@code /prometheus/api/v1/labels?match[]=&start=&end=&limit=}. */
  void labels(RoutingContext ctx) {
    String tenant = Params.tenant(ctx);
    Params p = Params.of(ctx);
    List<List<LabelMatcher>> sets = matcherSets(p);
    long[] r = optionalRange(p);
    int limit = limit(p);
    runner.run(ctx, () -> strings(store.labelNames(tenant, sets, r[0], r[1], limit + 1), limit));
  }

  /** {@code /prometheus/api/v1/label/{name}/values?match[]=&start=&end=&limit=}. */
  void labelValues(RoutingContext ctx) {
    String tenant = Params.tenant(ctx);
    String name = ctx.pathParam("name");
    if (name == null || !LABEL_NAME.matcher(name).matches()) {
      throw LookoutException.badData("invalid label name: \"" + abbreviate(name) + "\": use letters, digits and"
          + " underscores, not starting with a digit");
    }
    Params p = Params.of(ctx);
    List<List<LabelMatcher>> sets = matcherSets(p);
    long[] r = optionalRange(p);
    int limit = limit(p);
    runner.run(ctx, () -> strings(store.labelValues(tenant, name, sets, r[0], r[1], limit + 1), limit));
  }

  /**
   * {@code /prometheus/api/v1/query_exemplars?query=&start=&end=}: the exemplars of the series the
   * query's selectors select (every vector selector of the expression, as Prometheus).
   */
  void queryExemplars(RoutingContext ctx) {
    String tenant = Params.tenant(ctx);
    Params p = Params.of(ctx);
    Expr expr = parse(p);
    long[] r = optionalRange(p);
    List<List<LabelMatcher>> sets = new ArrayList<>();
    selectors(expr, sets);
    int limit = config.promqlMaxSeries();
    runner.run(ctx, () -> {
      if (sets.isEmpty()) {
        return PromJson.success(PromJson.exemplars(List.of()), List.of());
      }
      List<SeriesExemplars> found = store.exemplars(tenant, sets, r[0], r[1], limit + 1);
      List<String> warnings = found.size() > limit ? List.of(TRUNCATED) : List.of();
      return PromJson.success(PromJson.exemplars(found.subList(0, Math.min(limit, found.size()))), warnings);
    });
  }

  /** Adds the matchers of every vector selector in {@code e}. */
  private static void selectors(Expr e, List<List<LabelMatcher>> out) {
    switch (e) {
      case VectorSelector vs -> out.add(toLabelMatchers(vs));
      case MatrixSelector ms -> out.add(toLabelMatchers(ms.selector()));
      case Subquery sq -> selectors(sq.expr(), out);
      case Call c -> c.args().forEach(a -> selectors(a, out));
      case Aggregate a -> {
        if (a.param() != null) {
          selectors(a.param(), out);
        }
        selectors(a.expr(), out);
      }
      case Binary b -> {
        selectors(b.lhs(), out);
        selectors(b.rhs(), out);
      }
      case Unary u -> selectors(u.expr(), out);
      case Paren pa -> selectors(pa.expr(), out);
      case NumberLiteral n -> { }
      case StringLiteral st -> { }
    }
  }

  private static List<LabelMatcher> toLabelMatchers(VectorSelector vs) {
    List<LabelMatcher> set = new ArrayList<>();
    for (Matcher x : vs.allMatchers()) {
      set.add(new LabelMatcher(x.name(), LabelMatcher.Type.valueOf(x.op().name()), x.value()));
    }
    return set;
  }

  /** {@code /prometheus/api/v1/metadata?metric=&limit=}. */
  void metadata(RoutingContext ctx) {
    String tenant = Params.tenant(ctx);
    Params p = Params.of(ctx);
    String metric = p.string("metric", null);
    int limit = limit(p);
    runner.run(ctx, () -> PromJson.success(PromJson.metadata(store.metadata(tenant, metric, limit)), List.of()));
  }

  /** The Prometheus version whose HTTP API and PromQL Lookout answers as (the differential tests run 2.42). */
  static final String COMPATIBLE_VERSION = "2.42.0";

  /**
   * {@code /status/buildinfo}, which Grafana reads to tell the server's flavour and version:
   * Prometheus's fields, {@code version} being the Prometheus API level Lookout answers as, and
   * {@code application}, as Mimir and Cortex send it, saying what really answers.
   */
  void buildInfo(RoutingContext ctx) {
    String lookout = java.util.Objects.requireNonNullElse(
        PrometheusRoutes.class.getPackage().getImplementationVersion(), "dev");
    runner.run(ctx, () -> PromJson.success(g -> {
      g.writeStartObject();
      g.writeStringField("application", "Lookout");
      g.writeStringField("version", COMPATIBLE_VERSION);
      g.writeStringField("revision", lookout);
      g.writeStringField("branch", "");
      g.writeStringField("buildUser", "");
      g.writeStringField("buildDate", "");
      g.writeStringField("goVersion", "");
      g.writeEndObject();
    }, List.of()));
  }

  private static io.vertx.core.buffer.Buffer strings(List<String> values, int limit) {
    List<String> warnings = values.size() > limit ? List.of(TRUNCATED) : List.of();
    return PromJson.success(Json.strings(values.subList(0, Math.min(limit, values.size()))), warnings);
  }

  private static io.vertx.core.buffer.Buffer result(QueryResult r) {
    return PromJson.success(PromJson.queryData(r.value()), r.warnings());
  }

  private static Expr parse(Params p) {
    String q = p.string("query", null);
    if (q == null) {
      throw LookoutException.badData("invalid parameter \"query\": the query is empty: give a PromQL expression"
          + " such as up");
    }
    try {
      return PromqlParser.parse(q);
    } catch (PromqlParseException e) {
      throw LookoutException.badData("invalid parameter \"query\": " + e.getMessage());
    }
  }

  private long time(Params p, String name) {
    String v = p.string(name, null);
    if (v == null) {
      throw LookoutException.badData("invalid parameter \"" + name + "\": cannot parse \"\" to a valid timestamp:"
          + " use RFC 3339 or Unix seconds");
    }
    return millis(TimeParser.parseTime(name, v, nowNanos.getAsLong()));
  }

  private long[] optionalRange(Params p) {
    long start = p.string("start", null) == null ? MIN_TIME : time(p, "start");
    long end = p.string("end", null) == null ? MAX_TIME : time(p, "end");
    if (end < start) {
      throw LookoutException.badData("invalid parameter \"end\": end timestamp must not be before start time");
    }
    return new long[] {start, end};
  }

  /** The engine with the tenant's series and samples limits (the shared one when it has no override). */
  private Engine engine(String tenant) {
    TenantLimits t = runner.limits().of(tenant);
    if (t.maxQuerySeries() <= 0 && t.maxQuerySamples() <= 0) {
      return engine;
    }
    EngineOptions o = engine.options();
    return new Engine(store, new EngineOptions(o.lookbackDeltaMillis(),
        t.maxQuerySamples() > 0 ? t.maxQuerySamples() : o.maxSamples(),
        t.maxQuerySeries() > 0 ? t.maxQuerySeries() : o.maxSeries(),
        o.defaultSubqueryStepMillis(), o.leftOpenRanges()));
  }

  /** Runs an evaluation; a series or samples limit it hits is counted for the tenant and says how to raise it. */
  private QueryResult limited(String tenant, java.util.function.Supplier<QueryResult> eval) {
    try {
      return eval.get();
    } catch (LookoutException e) {
      String m = e.getMessage() == null ? "" : e.getMessage();
      boolean limit = e.code() == ErrorCode.EXECUTION && m.contains("limit");
      Limit hit = !limit ? null : m.contains("series") ? Limit.MAX_QUERY_SERIES
          : m.contains("sample") ? Limit.MAX_QUERY_SAMPLES : null;
      if (hit == null) {
        throw e;
      }
      runner.limits().report(tenant, hit);
      throw new LookoutException(ErrorCode.EXECUTION, m + "; to allow more, " + hit.remedy(tenant), e);
    }
  }

  private long timeout(String tenant, Params p) {
    long max = runner.timeoutMillis(tenant);
    String v = p.string("timeout", null);
    if (v == null) {
      return max;
    }
    long t = TimeParser.parseDuration("timeout", v) / 1_000_000L;
    if (t <= 0) {
      throw LookoutException.badData("invalid parameter \"timeout\": use a positive duration such as 30s");
    }
    return Math.min(t, max);
  }

  private int limit(Params p) {
    int max = config.promqlMaxSeries();
    String v = p.string("limit", null);
    if (v != null && v.trim().equals("0")) {
      return max;
    }
    return p.integer("limit", max, 1, max, "LOOKOUT_PROMQL_MAX_SERIES");
  }

  private static List<List<LabelMatcher>> matcherSets(Params p) {
    List<List<LabelMatcher>> sets = new ArrayList<>();
    for (String m : p.all("match[]")) {
      VectorSelector vs;
      try {
        vs = PromqlParser.parseSelector(m);
      } catch (PromqlParseException e) {
        throw LookoutException.badData("invalid parameter \"match[]\": " + e.getMessage());
      }
      sets.add(toLabelMatchers(vs));
    }
    return sets;
  }

  private static long millis(long nanos) {
    return Math.floorDiv(nanos, 1_000_000L);
  }

  private static String abbreviate(String v) {
    return ApiResponses.abbreviate(v);
  }
}
