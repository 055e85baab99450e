package io.lookout.query.loki;

import com.fasterxml.jackson.core.JsonGenerator;
import io.lookout.model.LookoutException;
import io.lookout.model.TimeParser;
import io.lookout.model.limits.TenantLimits;
import io.lookout.model.spi.Direction;
import io.lookout.model.spi.FieldValues;
import io.lookout.model.spi.LogQuery;
import io.lookout.model.spi.LogStore;
import io.lookout.query.internal.Json;
import io.lookout.query.internal.Params;
import io.lookout.query.internal.Runner;
import io.lookout.query.loki.Logql.Expr;
import io.lookout.query.loki.Logql.LogExpr;
import io.lookout.query.loki.Logql.MetricExpr;
import io.lookout.query.promql.eval.Format;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.LongSupplier;

/**
 * Handlers of Loki's query API ({@code /loki/api/v1/query}, {@code query_range}, {@code labels},
 * {@code label/:name/values}, {@code series}) over the log store, with Lookout's LogQL subset
 * (see {@link LogqlParser}). Mounted by {@code QueryApi}.
 */
public final class LokiRoutes {
  /** Log lines one Loki query may read from the store at most, by default. */
  public static final long DEFAULT_MAX_SCANNED_LINES = 1_000_000L;
  /** Loki's cap of points per series of a range query. */
  static final long MAX_POINTS = 11_000;
  static final int DEFAULT_LIMIT = 100;
  /** Values fetched per field for label values without a query. */
  static final int MAX_LABEL_VALUES = 1000;
  private static final long SECOND = 1_000_000_000L;
  private static final long MILLI = 1_000_000L;

  /** The settings the routes take from the query module. */
  public record Settings(int maxLimit, long defaultRangeNanos, int maxSeries, long maxScannedLines) {}

  private final LogStore store;
  private final Runner runner;
  private final LongSupplier nowNanos;
  private final Settings settings;
  private final LokiEngine engine;
  private final LokiMetrics metrics;

  public LokiRoutes(LogStore store, Runner runner, LongSupplier nowNanos, Settings settings) {
    this.store = store;
    this.runner = runner;
    this.nowNanos = nowNanos;
    this.settings = settings;
    this.engine = new LokiEngine(store, settings.maxScannedLines());
    this.metrics = new LokiMetrics(engine);
  }

  /** {@code /loki/api/v1/query_range?query=&start=&end=&since=&limit=&direction=&step=}. */
  public void queryRange(RoutingContext ctx) {
    String tenant = Params.tenant(ctx);
    Params p = Params.of(ctx);
    Expr expr = LogqlParser.parse(p.string("query", null));
    long[] r = range(tenant, p);
    long timeout = runner.timeoutMillis(tenant);
    if (expr instanceof LogExpr log) {
      refuseInterval(p);
      int limit = limit(tenant, p);
      Direction direction = p.direction();
      runner.run(ctx, () -> Json.success(streams(
          engine.logs(tenant, log, r[0], r[1] - 1, limit, direction, timeout), direction)));
      return;
    }
    // Loki (as Prometheus) evaluates at millisecond precision: start, start + step, ... <= end
    r[0] = Math.floorDiv(r[0], MILLI) * MILLI;
    r[1] = Math.floorDiv(r[1], MILLI) * MILLI;
    long step = step(p, r);
    long points = (r[1] - r[0]) / step + 1;
    if (points > MAX_POINTS) {
      throw LookoutException.badData("exceeded maximum resolution of 11,000 points per time series."
          + " Try increasing the value of the step parameter");
    }
    MetricExpr m = (MetricExpr) expr;
    int maxSeries = maxSeries(tenant);
    runner.run(ctx, () -> Json.success(matrix(metrics.eval(tenant, m, r[0], r[1], step, timeout, maxSeries),
        r[0], step)));
  }

  /** {@code /loki/api/v1/query?query=&time=&limit=&direction=}: metric queries only (as Loki 3). */
  public void query(RoutingContext ctx) {
    String tenant = Params.tenant(ctx);
    Params p = Params.of(ctx);
    Expr expr = LogqlParser.parse(p.string("query", null));
    if (expr instanceof LogExpr) {
      throw LookoutException.badData("log queries are not supported as an instant query type, please change your"
          + " query to a range query type (/loki/api/v1/query_range)");
    }
    String tv = p.string("time", null);
    long t = Math.floorDiv(tv == null ? nowNanos.getAsLong() : time("time", tv), MILLI) * MILLI;
    long timeout = runner.timeoutMillis(tenant);
    int maxSeries = maxSeries(tenant);
    MetricExpr m = (MetricExpr) expr;
    runner.run(ctx, () -> Json.success(vector(metrics.eval(tenant, m, t, t, SECOND, timeout, maxSeries), t)));
  }

  /** {@code /loki/api/v1/labels?start=&end=&since=&query=}. */
  public void labels(RoutingContext ctx) {
    String tenant = Params.tenant(ctx);
    Params p = Params.of(ctx);
    long[] r = range(tenant, p);
    LogExpr selector = optionalSelector(p);
    long timeout = runner.timeoutMillis(tenant);
    runner.run(ctx, () -> {
      TreeSet<String> names = new TreeSet<>();
      if (selector == null) {
        for (String f : store.fieldNames(tenant, r[0], r[1] - 1)) {
          if (f.startsWith("resource.")) {
            names.add(Pipeline.sanitize(f.substring("resource.".length())));
          } else if (f.equals("service")) {
            names.add("service_name");
          }
        }
      } else {
        engine.scan(tenant, selector, r[0], r[1] - 1, Direction.BACKWARD, timeout, h -> {
          names.addAll(h.labels().keySet());
          return true;
        });
      }
      return Json.success(Json.strings(List.copyOf(names)));
    });
  }

  /** {@code /loki/api/v1/label/:name/values?start=&end=&since=&query=}. */
  public void labelValues(RoutingContext ctx) {
    String tenant = Params.tenant(ctx);
    String name = ctx.pathParam("name");
    if (name == null || !Logql.LABEL_NAME.matcher(name).matches()) {
      throw LookoutException.badData("invalid label name '" + LogqlParser.abbreviate(String.valueOf(name))
          + "': use a name of letters, digits and '_', not starting with a digit");
    }
    Params p = Params.of(ctx);
    long[] r = range(tenant, p);
    LogExpr selector = optionalSelector(p);
    long timeout = runner.timeoutMillis(tenant);
    runner.run(ctx, () -> {
      TreeSet<String> values = new TreeSet<>();
      if (selector == null) {
        List<String> fields = new ArrayList<>();
        for (String f : store.fieldNames(tenant, r[0], r[1] - 1)) {
          if (f.startsWith("resource.") && Pipeline.sanitize(f.substring("resource.".length())).equals(name)
              && !name.equals("service_name")) {
            fields.add(f);
          }
        }
        if (name.equals("service_name")) {
          fields.add("service");
        }
        for (String f : fields) {
          String q = f.equals("service") ? "*" : escapeField(f) + ":*";
          FieldValues fv = store.fieldValues(new LogQuery(tenant, q, r[0], r[1] - 1, MAX_LABEL_VALUES,
              Direction.BACKWARD, null, timeout), f, MAX_LABEL_VALUES);
          fv.values().forEach(v -> values.add(v.value()));
        }
      } else {
        engine.scan(tenant, selector, r[0], r[1] - 1, Direction.BACKWARD, timeout, h -> {
          String v = h.labels().get(name);
          if (v != null) {
            values.add(v);
          }
          return true;
        });
      }
      return Json.success(Json.strings(List.copyOf(values)));
    });
  }

  /** {@code /loki/api/v1/series?match[]=&start=&end=&since=}. */
  public void series(RoutingContext ctx) {
    String tenant = Params.tenant(ctx);
    Params p = Params.of(ctx);
    List<String> matches = p.all("match[]");
    if (matches.isEmpty()) {
      matches = p.all("match");
    }
    if (matches.isEmpty()) {
      throw LookoutException.badData("no match[] parameter provided: give at least one stream selector such as"
          + " match[]={service_name=\"checkout\"}");
    }
    List<LogExpr> selectors = matches.stream().map(LogqlParser::parseLog).toList();
    long[] r = range(tenant, p);
    long timeout = runner.timeoutMillis(tenant);
    int maxSeries = maxSeries(tenant);
    runner.run(ctx, () -> {
      Set<TreeMap<String, String>> found = new LinkedHashSet<>();
      for (LogExpr s : selectors) {
        engine.scan(tenant, s, r[0], r[1] - 1, Direction.BACKWARD, timeout, h -> {
          if (found.add(h.labels()) && found.size() > maxSeries) {
            throw new LookoutException(io.lookout.model.ErrorCode.EXECUTION, "the selectors match more than "
                + maxSeries + " streams, the limit max_query_series (LOOKOUT_PROMQL_MAX_SERIES): narrow them");
          }
          return true;
        });
      }
      List<TreeMap<String, String>> sorted = new ArrayList<>(found);
      sorted.sort(Comparator.comparing(LokiMetrics::render));
      return Json.success(g -> {
        g.writeStartArray();
        for (TreeMap<String, String> l : sorted) {
          labels(g, l);
        }
        g.writeEndArray();
      });
    });
  }

  // ---- parameters

  private LogExpr optionalSelector(Params p) {
    String q = p.string("query", null);
    return q == null ? null : LogqlParser.parseLog(q);
  }

  private static void refuseInterval(Params p) {
    if (p.string("interval", null) != null) {
      throw LogqlParser.unsupported("the interval parameter of log queries");
    }
  }

  /** {@code [start, end)} in nanoseconds: end defaults to now, start to end - since or the default range. */
  private long[] range(String tenant, Params p) {
    String e = p.string("end", null);
    long end = e == null ? nowNanos.getAsLong() : time("end", e);
    String s = p.string("start", null);
    long start;
    if (s != null) {
      start = time("start", s);
    } else {
      start = end - p.duration("since", settings.defaultRangeNanos());
    }
    if (end < start) {
      throw LookoutException.badData("invalid time range: end " + TimeParser.formatRfc3339(end) + " is before start "
          + TimeParser.formatRfc3339(start) + ": use a start before the end");
    }
    runner.limits().checkRange(tenant, start, end);
    return new long[] {start, end};
  }

  /** Loki's time format: digits-only up to 10 characters are seconds, longer ones nanoseconds. */
  long time(String name, String v) {
    return time(name, v, nowNanos.getAsLong());
  }

  /** {@link #time(String, String)} relative to {@code nowNanos}. */
  static long time(String name, String v, long nowNanos) {
    String t = v.trim();
    if (t.matches("-?[0-9]{1,19}")) {
      long n = Long.parseLong(t);
      return t.replace("-", "").length() <= 10 ? n * SECOND : n;
    }
    return TimeParser.parseTime(name, t, nowNanos);
  }

  /** {@code step}: a duration or seconds; by default Loki's max(floor(range / 250 s), 1) seconds. */
  private static long step(Params p, long[] r) {
    String v = p.string("step", null);
    if (v == null) {
      return Math.max((r[1] - r[0]) / SECOND / 250, 1) * SECOND;
    }
    long step = TimeParser.parseDuration("step", v);
    if (step <= 0) {
      throw LookoutException.badData("zero or negative query resolution step widths are not accepted."
          + " Try a positive integer");
    }
    return step;
  }

  private int limit(String tenant, Params p) {
    TenantLimits t = runner.limits().of(tenant);
    if (t.maxLogLines() <= 0) {
      return p.integer("limit", DEFAULT_LIMIT, 0, settings.maxLimit(), "LOOKOUT_QUERY_MAX_LIMIT");
    }
    int limit = p.integer("limit", Math.min(DEFAULT_LIMIT, t.maxLogLines()), 0, Integer.MAX_VALUE, null);
    runner.limits().checkLogLines(tenant, limit);
    return limit;
  }

  private int maxSeries(String tenant) {
    int t = runner.limits().of(tenant).maxQuerySeries();
    return t > 0 ? t : settings.maxSeries();
  }

  private static String escapeField(String f) {
    StringBuilder b = new StringBuilder();
    for (char c : f.toCharArray()) {
      if (!Character.isLetterOrDigit(c) && c != '_' && c != '.') {
        b.append('\\');
      }
      b.append(c);
    }
    return b.toString();
  }

  // ---- rendering

  private static io.lookout.query.ApiResponses.DataWriter streams(
      Map<TreeMap<String, String>, List<LokiEngine.Hit>> streams, Direction direction) {
    List<Map.Entry<TreeMap<String, String>, List<LokiEngine.Hit>>> sorted = new ArrayList<>(streams.entrySet());
    sorted.sort(Comparator.comparing(e -> LokiMetrics.render(e.getKey())));
    return g -> {
      g.writeStartObject();
      g.writeStringField("resultType", "streams");
      g.writeArrayFieldStart("result");
      for (Map.Entry<TreeMap<String, String>, List<LokiEngine.Hit>> e : sorted) {
        g.writeStartObject();
        g.writeFieldName("stream");
        labels(g, e.getKey());
        g.writeArrayFieldStart("values");
        for (LokiEngine.Hit h : e.getValue()) {
          g.writeStartArray();
          g.writeString(Long.toString(h.ts()));
          g.writeString(h.line());
          g.writeEndArray();
        }
        g.writeEndArray();
        g.writeEndObject();
      }
      g.writeEndArray();
      stats(g);
      g.writeEndObject();
    };
  }

  private static io.lookout.query.ApiResponses.DataWriter matrix(List<LokiMetrics.Series> series, long start,
      long step) {
    List<LokiMetrics.Series> sorted = new ArrayList<>(series);
    sorted.sort(Comparator.comparing(s -> LokiMetrics.render(s.labels())));
    return g -> {
      g.writeStartObject();
      g.writeStringField("resultType", "matrix");
      g.writeArrayFieldStart("result");
      for (LokiMetrics.Series s : sorted) {
        g.writeStartObject();
        g.writeFieldName("metric");
        labels(g, s.labels());
        g.writeArrayFieldStart("values");
        for (int i = 0; i < s.values().length; i++) {
          if (!Double.isNaN(s.values()[i])) {
            point(g, start + i * step, s.values()[i]);
          }
        }
        g.writeEndArray();
        g.writeEndObject();
      }
      g.writeEndArray();
      stats(g);
      g.writeEndObject();
    };
  }

  private static io.lookout.query.ApiResponses.DataWriter vector(List<LokiMetrics.Series> series, long t) {
    List<LokiMetrics.Series> sorted = new ArrayList<>(series);
    sorted.sort(Comparator.comparing(s -> LokiMetrics.render(s.labels())));
    return g -> {
      g.writeStartObject();
      g.writeStringField("resultType", "vector");
      g.writeArrayFieldStart("result");
      for (LokiMetrics.Series s : sorted) {
        if (Double.isNaN(s.values()[0])) {
          continue;
        }
        g.writeStartObject();
        g.writeFieldName("metric");
        labels(g, s.labels());
        g.writeFieldName("value");
        point(g, t, s.values()[0]);
        g.writeEndObject();
      }
      g.writeEndArray();
      stats(g);
      g.writeEndObject();
    };
  }

  private static void point(JsonGenerator g, long nanos, double v) throws IOException {
    g.writeStartArray();
    g.writeNumber(Format.seconds(Math.floorDiv(nanos, MILLI)));
    g.writeString(Format.value(v));
    g.writeEndArray();
  }

  private static void labels(JsonGenerator g, Map<String, String> labels) throws IOException {
    g.writeStartObject();
    for (Map.Entry<String, String> e : labels.entrySet()) {
      g.writeStringField(e.getKey(), e.getValue());
    }
    g.writeEndObject();
  }

  private static void stats(JsonGenerator g) throws IOException {
    g.writeObjectFieldStart("stats");
    g.writeEndObject();
  }
}
