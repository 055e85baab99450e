package io.lookout.query.promql.eval;

import io.lookout.model.ErrorCode;
import io.lookout.model.LookoutException;
import io.lookout.model.metrics.LabelMatcher;
import io.lookout.model.metrics.Labels;
import io.lookout.model.metrics.SelectLimits;
import io.lookout.model.metrics.SeriesSamples;
import io.lookout.model.spi.MetricStore;
import io.lookout.query.promql.Aggregate;
import io.lookout.query.promql.AtModifier;
import io.lookout.query.promql.Binary;
import io.lookout.query.promql.Call;
import io.lookout.query.promql.Expr;
import io.lookout.query.promql.Matcher;
import io.lookout.query.promql.MatrixSelector;
import io.lookout.query.promql.Paren;
import io.lookout.query.promql.Subquery;
import io.lookout.query.promql.Unary;
import io.lookout.query.promql.ValueType;
import io.lookout.query.promql.VectorSelector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Evaluates PromQL expressions over a {@link MetricStore} with Prometheus's semantics: instant
 * queries at one time and range queries step by step. Each selector's data is fetched once for the
 * whole query (its window widened by the lookback, range, offset and {@code @}), then every step
 * is evaluated from memory. Thread-safe; blocking (call it off the event loop).
 */
public final class Engine {
  private final MetricStore store;
  private final EngineOptions options;
  private final boolean allSteps;

  public Engine(MetricStore store, EngineOptions options) {
    this(store, options, true);
  }

  /** With {@code allSteps} false, range queries are evaluated step by step only (tests compare both). */
  Engine(MetricStore store, EngineOptions options, boolean allSteps) {
    this.store = Objects.requireNonNull(store, "store");
    this.options = Objects.requireNonNull(options, "options");
    this.allSteps = allSteps;
  }

  public EngineOptions options() {
    return options;
  }

  /**
   * Evaluates {@code expr} at {@code timeMillis}.
   *
   * @throws LookoutException EXECUTION when a limit is exceeded or a function is not supported,
   *     TIMEOUT past {@code timeoutMillis}
   */
  public QueryResult instant(String tenant, Expr expr, long timeMillis, long timeoutMillis) {
    Evaluator ev = prepare(tenant, expr, timeMillis, timeMillis, timeoutMillis);
    Value v = switch (expr.type()) {
      case SCALAR -> new Scalar(timeMillis, ev.scalar(expr, timeMillis));
      case STRING -> new StringValue(timeMillis, ev.string(expr));
      case VECTOR -> {
        List<Elem> elems = ev.hvector(expr, timeMillis);
        List<Vector.Element> out = new ArrayList<>(elems.size());
        for (Elem e : elems) {
          out.add(new Vector.Element(e.labels(), e.h() == null ? e.value() : 0, e.h()));
        }
        yield new Vector(timeMillis, out);
      }
      case MATRIX -> {
        List<Matrix.Series> out = new ArrayList<>();
        if (Evaluator.unwrap(expr) instanceof MatrixSelector ms) {
          for (Evaluator.RangeSeries r : ev.rangeSeries(ms, timeMillis)) {
            Points p = r.floats();
            HistPoints h = r.hists();
            out.add(new Matrix.Series(r.labels(), Arrays.copyOfRange(p.ts(), p.from(), p.to()),
                Arrays.copyOfRange(p.vs(), p.from(), p.to()), Arrays.copyOfRange(h.ts(), h.from(), h.to()),
                Arrays.asList(h.hs()).subList(h.from(), h.to())));
          }
          yield new Matrix(out);
        }
        for (Points p : ev.matrix(expr, timeMillis)) {
          out.add(new Matrix.Series(p.labels(), Arrays.copyOfRange(p.ts(), p.from(), p.to()),
              Arrays.copyOfRange(p.vs(), p.from(), p.to())));
        }
        yield new Matrix(out);
      }
    };
    return new QueryResult(v, List.of());
  }

  /**
   * Evaluates {@code expr} at every step from {@code startMillis} to {@code endMillis}; the result
   * is a matrix sorted by labels.
   *
   * @throws LookoutException BAD_DATA for a bad range or step or an expression that is not a scalar
   *     or instant vector, EXECUTION on limits, TIMEOUT past {@code timeoutMillis}
   */
  public QueryResult range(String tenant, Expr expr, long startMillis, long endMillis, long stepMillis,
      long timeoutMillis) {
    checkRange(startMillis, endMillis, stepMillis);
    if (expr.type() != ValueType.VECTOR && expr.type() != ValueType.SCALAR) {
      throw LookoutException.badData("invalid expression type \"" + expr.type().description()
          + "\" for range query, must be scalar or instant vector");
    }
    Evaluator ev = prepare(tenant, expr, startMillis, endMillis, timeoutMillis);
    if (allSteps && expr.type() == ValueType.VECTOR) {
      Map<Expr, StepValues> pre = AllSteps.precompute(ev, expr, startMillis, endMillis, stepMillis);
      StepValues root = pre.get(Evaluator.unwrap(expr));
      if (root != null && root.complete()) {
        List<Matrix.Series> out = root.series();
        long points = 0;
        for (Matrix.Series s : out) {
          points += s.size();
        }
        ev.charge(points);
        out.sort((a, b) -> a.labels().compareTo(b.labels()));
        return new QueryResult(new Matrix(out), List.of());
      }
      ev.useSteps(pre);
    }
    Map<Labels, Evaluator.Growable> series = new LinkedHashMap<>();
    for (long t = startMillis; t <= endMillis; t += stepMillis) {
      ev.checkDeadline();
      if (expr.type() == ValueType.SCALAR) {
        series.computeIfAbsent(Labels.EMPTY, k -> new Evaluator.Growable()).add(t, ev.scalar(expr, t));
        ev.charge(1);
        continue;
      }
      List<Elem> v = ev.hvector(expr, t);
      ev.charge(v.size());
      for (Elem e : v) {
        Evaluator.Growable g = series.computeIfAbsent(e.labels(), k -> new Evaluator.Growable());
        if (e.h() == null) {
          g.add(t, e.value());
        } else {
          g.addHistogram(t, e.h());
        }
      }
    }
    List<Matrix.Series> out = new ArrayList<>(series.size());
    series.forEach((labels, g) -> out.add(new Matrix.Series(labels, Arrays.copyOf(g.ts(), g.size),
        Arrays.copyOf(g.vs(), g.size), g.histogramTimes(), g.histograms())));
    out.sort((a, b) -> a.labels().compareTo(b.labels()));
    return new QueryResult(new Matrix(out), List.of());
  }

  /** Validates a range query's range and step as Prometheus does (400 bad_data). */
  public static void checkRange(long startMillis, long endMillis, long stepMillis) {
    if (endMillis < startMillis) {
      throw LookoutException.badData("end timestamp must not be before start time");
    }
    if (stepMillis <= 0) {
      throw LookoutException.badData(
          "zero or negative query resolution step widths are not accepted: use a positive step such as 15s");
    }
    long points = (endMillis - startMillis) / stepMillis + 1;
    if (points > EngineOptions.MAX_POINTS_PER_SERIES) {
      throw LookoutException.badData("exceeded maximum resolution of " + EngineOptions.MAX_POINTS_PER_SERIES
          + " points per timeseries (this query asks for " + points + "): increase step or shorten the range");
    }
  }

  Evaluator prepare(String tenant, Expr expr, long start, long end, long timeoutMillis) {
    long deadline = System.nanoTime() + Duration.ofMillis(timeoutMillis).toNanos();
    Map<VectorSelector, long[]> windows = new LinkedHashMap<>();
    plan(expr, start, end, start, end, windows);
    Map<VectorSelector, List<SeriesData>> data = new LinkedHashMap<>();
    long samples = 0;
    int seriesCount = 0;
    String timeoutMessage = "query did not finish within " + timeoutMillis + "ms (LOOKOUT_QUERY_TIMEOUT or the"
        + " timeout parameter): narrow the time range or make the query more selective";
    for (Map.Entry<VectorSelector, long[]> w : windows.entrySet()) {
      long left = Duration.ofNanos(deadline - System.nanoTime()).toMillis();
      if (left <= 0) {
        throw new LookoutException(ErrorCode.TIMEOUT, timeoutMessage);
      }
      SelectLimits limits = new SelectLimits(options.maxSeries() - seriesCount, options.maxSamples() - samples, left,
          "a query may select " + options.maxSeries() + " series (LOOKOUT_PROMQL_MAX_SERIES) and "
              + options.maxSamples() + " samples (LOOKOUT_PROMQL_MAX_SAMPLES); raise them to allow more");
      List<SeriesSamples> selected = store.select(tenant, matchers(w.getKey()), w.getValue()[0], w.getValue()[1], limits);
      List<SeriesData> loaded = new ArrayList<>(selected.size());
      for (SeriesSamples s : selected) {
        samples += s.size() + s.histograms().size();
        loaded.add(SeriesData.of(s));
      }
      seriesCount += selected.size();
      if (seriesCount > options.maxSeries()) {
        throw Evaluator.execution("query selects more than " + options.maxSeries()
            + " series (LOOKOUT_PROMQL_MAX_SERIES): make the selectors more specific");
      }
      if (samples > options.maxSamples()) {
        throw Evaluator.tooManySamples(options.maxSamples());
      }
      data.put(w.getKey(), loaded);
    }
    return new Evaluator(options, start, end, data, samples, deadline, timeoutMessage);
  }

  private static List<LabelMatcher> matchers(VectorSelector vs) {
    List<LabelMatcher> out = new ArrayList<>();
    for (Matcher m : vs.allMatchers()) {
      LabelMatcher.Type type = switch (m.op()) {
        case EQUAL -> LabelMatcher.Type.EQUAL;
        case NOT_EQUAL -> LabelMatcher.Type.NOT_EQUAL;
        case REGEX -> LabelMatcher.Type.REGEX;
        case NOT_REGEX -> LabelMatcher.Type.NOT_REGEX;
      };
      out.add(new LabelMatcher(m.name(), type, m.value()));
    }
    return out;
  }

  /**
   * Records, for every selector, the time window its data must cover when the expression is
   * evaluated at times in {@code [min, max]}; rejects what the evaluator does not implement.
   */
  private void plan(Expr e, long min, long max, long start, long end, Map<VectorSelector, long[]> windows) {
    switch (e) {
      case VectorSelector vs -> window(vs, vs.at(), vs.offset(), min, max, start, end,
          options.lookbackDeltaMillis(), windows);
      case MatrixSelector ms -> window(ms.selector(), ms.selector().at(), ms.selector().offset(), min, max, start,
          end, ms.range().toMillis(), windows);
      case Subquery sq -> {
        long lo = Evaluator.effectiveTime(sq.at(), sq.offset(), min, start, end);
        long hi = Evaluator.effectiveTime(sq.at(), sq.offset(), max, start, end);
        plan(sq.expr(), lo - sq.range().toMillis(), hi, start, end, windows);
      }
      case Call c -> {
        if (!Calls.supported(c.function().name())) {
          throw Calls.unsupported(c.function().name());
        }
        for (Expr a : c.args()) {
          plan(a, min, max, start, end, windows);
        }
      }
      case Aggregate a -> {
        if (!Aggregations.supported(a.op())) {
          throw Evaluator.execution("aggregation " + a.op().symbol() + " is not supported yet");
        }
        if (a.param() != null) {
          plan(a.param(), min, max, start, end, windows);
        }
        plan(a.expr(), min, max, start, end, windows);
      }
      case Binary b -> {
        plan(b.lhs(), min, max, start, end, windows);
        plan(b.rhs(), min, max, start, end, windows);
      }
      case Unary u -> plan(u.expr(), min, max, start, end, windows);
      case Paren p -> plan(p.expr(), min, max, start, end, windows);
      default -> {
        // literals need no data
      }
    }
  }

  private static void window(VectorSelector vs, AtModifier at, Duration offset, long min, long max, long start,
      long end, long back, Map<VectorSelector, long[]> windows) {
    long lo = Evaluator.effectiveTime(at, offset, min, start, end) - back;
    long hi = Evaluator.effectiveTime(at, offset, max, start, end);
    windows.merge(vs, new long[] {lo, hi}, (a, b) -> new long[] {Math.min(a[0], b[0]), Math.max(a[1], b[1])});
  }
}
