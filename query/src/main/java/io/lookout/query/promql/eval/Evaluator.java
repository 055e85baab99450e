package io.lookout.query.promql.eval;

import io.lookout.model.ErrorCode;
import io.lookout.model.LookoutException;
import io.lookout.model.metrics.Labels;
import io.lookout.model.metrics.Sample;
import io.lookout.query.promql.Aggregate;
import io.lookout.query.promql.AtModifier;
import io.lookout.query.promql.Binary;
import io.lookout.query.promql.Call;
import io.lookout.query.promql.Expr;
import io.lookout.query.promql.MatrixSelector;
import io.lookout.query.promql.NumberLiteral;
import io.lookout.query.promql.Paren;
import io.lookout.query.promql.StringLiteral;
import io.lookout.query.promql.Subquery;
import io.lookout.query.promql.Unary;
import io.lookout.query.promql.VectorSelector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Evaluates an expression at one instant over data loaded beforehand; see {@link Engine}. */
final class Evaluator {
  final EngineOptions options;
  final long queryStart;
  final long queryEnd;
  private final Map<VectorSelector, List<SeriesData>> data;
  private final long deadlineNanos;
  private final String timeoutMessage;
  private long samples;
  private Map<Expr, StepValues> steps = Map.of();
  private HistogramQuantile.Keys histogramKeys;

  Evaluator(EngineOptions options, long queryStart, long queryEnd, Map<VectorSelector, List<SeriesData>> data,
      long loadedSamples, long deadlineNanos, String timeoutMessage) {
    this.options = options;
    this.queryStart = queryStart;
    this.queryEnd = queryEnd;
    this.data = data;
    this.samples = loadedSamples;
    this.deadlineNanos = deadlineNanos;
    this.timeoutMessage = timeoutMessage;
  }

  /** Results of sub-expressions precomputed for every step of a range query (see {@link AllSteps}). */
  void useSteps(Map<Expr, StepValues> precomputed) {
    this.steps = precomputed;
  }

  /** The query's memory of classic histogram bucket labels, for histogram_quantile. */
  HistogramQuantile.Keys histogramKeys() {
    if (histogramKeys == null) {
      histogramKeys = new HistogramQuantile.Keys();
    }
    return histogramKeys;
  }

  /** Counts samples a query holds; fails past the limit. */
  void charge(long n) {
    samples += n;
    if (samples > options.maxSamples()) {
      throw tooManySamples(options.maxSamples());
    }
  }

  static LookoutException tooManySamples(long limit) {
    return new LookoutException(ErrorCode.EXECUTION, "query processing would load more than " + limit
        + " samples into memory (LOOKOUT_PROMQL_MAX_SAMPLES): narrow the time range, use a larger step"
        + " or a more selective query");
  }

  void checkDeadline() {
    if (System.nanoTime() - deadlineNanos > 0) {
      throw new LookoutException(ErrorCode.TIMEOUT, timeoutMessage);
    }
  }

  static LookoutException execution(String message) {
    return new LookoutException(ErrorCode.EXECUTION, message);
  }

  /** The time a selector or subquery is evaluated at: {@code @} replaces t, then offset applies. */
  static long effectiveTime(AtModifier at, Duration offset, long t, long start, long end) {
    long base = t;
    if (at != null) {
      base = switch (at.kind()) {
        case TIMESTAMP -> at.timestampMillis();
        case START -> start;
        case END -> end;
      };
    }
    return base - offset.toMillis();
  }

  long effectiveTime(AtModifier at, Duration offset, long t) {
    return effectiveTime(at, offset, t, queryStart, queryEnd);
  }

  static Expr unwrap(Expr e) {
    while (e instanceof Paren p) {
      e = p.expr();
    }
    return e;
  }

  double scalar(Expr e, long t) {
    return switch (e) {
      case NumberLiteral n -> n.value();
      case Paren p -> scalar(p.expr(), t);
      case Unary u -> u.negative() ? -scalar(u.expr(), t) : scalar(u.expr(), t);
      case Binary b -> BinaryOps.scalarScalar(b.op(), scalar(b.lhs(), t), scalar(b.rhs(), t), b.returnBool());
      case Call c -> switch (c.function().name()) {
        case "time" -> t / 1000.0;
        case "pi" -> Math.PI;
        case "scalar" -> {
          List<Elem> v = vector(c.args().getFirst(), t);
          yield v.size() == 1 ? v.getFirst().value() : Double.NaN;
        }
        default -> throw Calls.unsupported(c.function().name());
      };
      default -> throw new IllegalStateException("not a scalar expression: " + e);
    };
  }

  String string(Expr e) {
    return switch (e) {
      case StringLiteral s -> s.value();
      case Paren p -> string(p.expr());
      default -> throw new IllegalStateException("not a string expression: " + e);
    };
  }

  /** An instant vector of float samples only; 422 when a native histogram sample reaches it. */
  List<Elem> vector(Expr e, long t) {
    return floatsOnly(hvector(e, t));
  }

  /** An instant vector that may hold native histogram samples ({@link Elem#h()}). */
  List<Elem> hvector(Expr e, long t) {
    if (!steps.isEmpty()) {
      StepValues pre = steps.get(e);
      List<Elem> v = pre == null ? null : pre.vector(t);
      if (v != null) {
        return v;
      }
    }
    return switch (e) {
      case VectorSelector vs -> select(vs, t);
      case Paren p -> hvector(p.expr(), t);
      case Call c -> unique(Calls.eval(this, c, t));
      case Aggregate a -> Aggregations.eval(this, a, t);
      case Binary b -> unique(BinaryOps.eval(this, b, t));
      case Unary u -> u.negative() ? unique(negate(vector(u.expr(), t), t)) : hvector(u.expr(), t);
      default -> throw new IllegalStateException("not a vector expression: " + e);
    };
  }

  static List<Elem> floatsOnly(List<Elem> v) {
    for (Elem el : v) {
      if (el.h() != null) {
        throw histogramsUnsupported(el.labels());
      }
    }
    return v;
  }

  static LookoutException histogramsUnsupported(Labels series) {
    return execution("series " + series + " has native histogram samples, which this operation does not"
        + " support yet: native histograms work with selectors, rate, increase, delta, sum, avg, count, group,"
        + " label_replace, label_join,"
        + " histogram_quantile, histogram_count, histogram_sum, histogram_avg, histogram_fraction,"
        + " histogram_stddev and histogram_stdvar");
  }

  private static List<Elem> negate(List<Elem> in, long t) {
    List<Elem> out = new ArrayList<>(in.size());
    for (Elem el : in) {
      out.add(new Elem(dropName(el.labels()), -el.value(), t));
    }
    return out;
  }

  static Labels dropName(Labels l) {
    return l.get(Labels.NAME) == null ? l : l.toBuilder().remove(Labels.NAME).build();
  }

  static List<Elem> unique(List<Elem> v) {
    if (v.size() > 1) {
      Set<Labels> seen = new HashSet<>();
      for (Elem el : v) {
        if (!seen.add(el.labels())) {
          throw execution("vector cannot contain metrics with the same labelset " + el.labels()
              + ": make the labels of the results unique, for example with by or without");
        }
      }
    }
    return v;
  }

  /** The data loaded for a selector. */
  List<SeriesData> loaded(VectorSelector vs) {
    List<SeriesData> d = data.get(vs);
    if (d == null) {
      throw new IllegalStateException("selector not loaded: " + vs);
    }
    return d;
  }

  /** Instant vector selection: the newest sample within the lookback, unless it is a stale marker. */
  List<Elem> select(VectorSelector vs, long t) {
    long te = effectiveTime(vs.at(), vs.offset(), t);
    long oldest = te - options.lookbackDeltaMillis();
    List<Elem> out = new ArrayList<>();
    for (SeriesData s : loaded(vs)) {
      int i = SeriesData.lastAtOrBefore(s.ts(), te);
      int j = SeriesData.lastAtOrBefore(s.hts(), te);
      if (j >= 0 && (i < 0 || s.hts()[j] > s.ts()[i])) {
        long st = s.hts()[j];
        if (s.hs()[j] != null && (options.leftOpenRanges() ? st > oldest : st >= oldest)) {
          out.add(Elem.ofHistogram(s.labels(), s.hs()[j], st));
        }
        continue;
      }
      if (i < 0 || Sample.isStaleNaN(s.vs()[i])) {
        continue;
      }
      long st = s.ts()[i];
      if (options.leftOpenRanges() ? st > oldest : st >= oldest) {
        out.add(new Elem(s.labels(), s.vs()[i], st));
      }
    }
    return out;
  }

  /** A range vector: series with at least one point in the window, stale markers left out. */
  List<Points> matrix(Expr e, long t) {
    return switch (e) {
      case Paren p -> matrix(p.expr(), t);
      case MatrixSelector ms -> {
        long te = effectiveTime(ms.selector().at(), ms.selector().offset(), t);
        long from = te - ms.range().toMillis();
        List<Points> out = new ArrayList<>();
        for (RangeSeries r : rangeSeries(ms, t)) {
          if (r.hists().size() > 0) {
            throw histogramsUnsupported(r.labels());
          }
          if (r.floats().size() > 0) {
            out.add(r.floats());
          }
        }
        yield out;
      }
      case Subquery sq -> subquery(sq, t);
      default -> throw new IllegalStateException("not a range vector expression: " + e);
    };
  }

  /** The float and the histogram points of one series in a range vector window (either may be empty). */
  record RangeSeries(Labels labels, Points floats, HistPoints hists) {}

  /** Every series of a matrix selector with at least one point in the window at {@code t}. */
  List<RangeSeries> rangeSeries(MatrixSelector ms, long t) {
    long te = effectiveTime(ms.selector().at(), ms.selector().offset(), t);
    long from = te - ms.range().toMillis();
    boolean inclusive = !options.leftOpenRanges();
    List<RangeSeries> out = new ArrayList<>();
    for (SeriesData s : loaded(ms.selector())) {
      int a = SeriesData.firstAfter(s.fts(), from, inclusive);
      int b = Math.max(a, SeriesData.lastAtOrBefore(s.fts(), te) + 1);
      int ha = SeriesData.firstAfter(s.fhts(), from, inclusive);
      int hb = Math.max(ha, SeriesData.lastAtOrBefore(s.fhts(), te) + 1);
      if (b > a || hb > ha) {
        out.add(new RangeSeries(s.labels(), new Points(s.labels(), s.fts(), s.fvs(), a, b),
            new HistPoints(s.labels(), s.fhts(), s.fhs(), ha, hb)));
      }
    }
    return out;
  }

  /** The window {@code [start, end]} (Unix ms) a range vector argument covers at {@code t}. */
  long[] window(Expr e, long t) {
    return switch (unwrap(e)) {
      case MatrixSelector ms -> {
        long te = effectiveTime(ms.selector().at(), ms.selector().offset(), t);
        yield new long[] {te - ms.range().toMillis(), te};
      }
      case Subquery sq -> {
        long te = effectiveTime(sq.at(), sq.offset(), t);
        yield new long[] {te - sq.range().toMillis(), te};
      }
      default -> throw new IllegalStateException("not a range vector expression: " + e);
    };
  }

  long subqueryStep(Subquery sq) {
    return sq.step().isZero() ? options.defaultSubqueryStepMillis() : sq.step().toMillis();
  }

  private List<Points> subquery(Subquery sq, long t) {
    long te = effectiveTime(sq.at(), sq.offset(), t);
    long step = subqueryStep(sq);
    long from = te - sq.range().toMillis();
    long first = Math.floorDiv(from, step) * step;
    if (options.leftOpenRanges() ? first <= from : first < from) {
      first += step;
    }
    Map<Labels, Growable> series = new LinkedHashMap<>();
    for (long ts = first; ts <= te; ts += step) {
      checkDeadline();
      List<Elem> v = vector(sq.expr(), ts);
      charge(v.size());
      for (Elem el : v) {
        series.computeIfAbsent(el.labels(), k -> new Growable()).add(ts, el.value());
      }
    }
    List<Points> out = new ArrayList<>(series.size());
    series.forEach((labels, g) -> out.add(new Points(labels, g.ts(), g.vs(), 0, g.size)));
    out.sort((x, y) -> x.labels().compareTo(y.labels()));
    return out;
  }

  /** An append-only list of points. */
  static final class Growable {
    long[] ts = new long[8];
    double[] vs = new double[8];
    int size;

    void add(long t, double v) {
      if (size == ts.length) {
        ts = java.util.Arrays.copyOf(ts, size * 2);
        vs = java.util.Arrays.copyOf(vs, size * 2);
      }
      ts[size] = t;
      vs[size++] = v;
    }

    private List<Long> hts;
    private List<FloatHistogram> hs;

    void addHistogram(long t, FloatHistogram h) {
      if (hs == null) {
        hts = new ArrayList<>();
        hs = new ArrayList<>();
      }
      hts.add(t);
      hs.add(h);
    }

    long[] histogramTimes() {
      return hts == null ? new long[0] : hts.stream().mapToLong(Long::longValue).toArray();
    }

    List<FloatHistogram> histograms() {
      return hs == null ? List.of() : hs;
    }

    long[] ts() {
      return ts;
    }

    double[] vs() {
      return vs;
    }
  }
}
