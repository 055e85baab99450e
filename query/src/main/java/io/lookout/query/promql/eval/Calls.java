package io.lookout.query.promql.eval;

import io.lookout.model.ErrorCode;
import io.lookout.model.LookoutException;
import io.lookout.model.metrics.Labels;
import io.lookout.model.regex.GoRegex;
import io.lookout.query.promql.Call;
import io.lookout.query.promql.Expr;
import io.lookout.query.promql.Matcher;
import io.lookout.query.promql.MatrixSelector;
import io.lookout.query.promql.VectorSelector;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.DoubleUnaryOperator;
import java.util.function.ToIntFunction;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;

/** Functions over instant vectors and scalars; range-vector functions are in {@link RangeFunctions}. */
final class Calls {
  private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

  static final Map<String, DoubleUnaryOperator> MATH = Map.ofEntries(
      Map.entry("abs", Math::abs),
      Map.entry("ceil", Math::ceil),
      Map.entry("floor", Math::floor),
      Map.entry("exp", Math::exp),
      Map.entry("ln", Math::log),
      Map.entry("log2", Calls::log2),
      Map.entry("log10", Math::log10),
      Map.entry("sqrt", Math::sqrt),
      Map.entry("sgn", v -> v < 0 ? -1 : v > 0 ? 1 : v),
      Map.entry("acos", Math::acos),
      Map.entry("acosh", v -> Math.log(v + Math.sqrt(v * v - 1))),
      Map.entry("asin", Math::asin),
      Map.entry("asinh", v -> Double.isInfinite(v) ? v : Math.log(v + Math.sqrt(v * v + 1))),
      Map.entry("atan", Math::atan),
      Map.entry("atanh", v -> 0.5 * Math.log((1 + v) / (1 - v))),
      Map.entry("cos", Math::cos),
      Map.entry("cosh", Math::cosh),
      Map.entry("sin", Math::sin),
      Map.entry("sinh", Math::sinh),
      Map.entry("tan", Math::tan),
      Map.entry("tanh", Math::tanh),
      Map.entry("deg", Math::toDegrees),
      Map.entry("rad", Math::toRadians));

  private static final Map<String, ToIntFunction<ZonedDateTime>> DATE = Map.of(
      "day_of_month", ZonedDateTime::getDayOfMonth,
      "day_of_week", d -> d.getDayOfWeek().getValue() % 7,
      "day_of_year", ZonedDateTime::getDayOfYear,
      "days_in_month", d -> d.toLocalDate().lengthOfMonth(),
      "hour", ZonedDateTime::getHour,
      "minute", ZonedDateTime::getMinute,
      "month", ZonedDateTime::getMonthValue,
      "year", ZonedDateTime::getYear);

  private static final Set<String> OTHER = Set.of("time", "pi", "scalar", "vector", "timestamp", "sort",
      "sort_desc", "clamp", "clamp_min", "clamp_max", "round", "absent", "label_replace", "label_join",
      "histogram_quantile");

  private Calls() {}

  /** Whether the evaluator implements the function. */
  static boolean supported(String name) {
    return MATH.containsKey(name) || DATE.containsKey(name) || OTHER.contains(name)
        || RangeFunctions.supported(name) || NativeHistograms.FUNCTIONS.contains(name);
  }

  static LookoutException unsupported(String name) {
    return new LookoutException(ErrorCode.EXECUTION, "function " + name + " is not supported yet");
  }

  static List<Elem> eval(Evaluator ev, Call c, long t) {
    String name = c.function().name();
    List<Expr> args = c.args();
    DoubleUnaryOperator math = MATH.get(name);
    if (math != null) {
      return map(ev.vector(args.getFirst(), t), t, math);
    }
    ToIntFunction<ZonedDateTime> date = DATE.get(name);
    if (date != null) {
      List<Elem> in = args.isEmpty() ? List.of(new Elem(Labels.EMPTY, t / 1000.0, t)) : ev.vector(args.getFirst(), t);
      return map(in, t, v -> Double.isNaN(v) || Double.isInfinite(v) ? v
          : date.applyAsInt(Instant.ofEpochSecond((long) v).atZone(ZoneOffset.UTC)));
    }
    if (RangeFunctions.supported(name)) {
      return RangeFunctions.eval(ev, c, t);
    }
    if (NativeHistograms.FUNCTIONS.contains(name)) {
      return NativeHistograms.eval(ev, c, t);
    }
    return switch (name) {
      case "vector" -> List.of(new Elem(Labels.EMPTY, ev.scalar(args.getFirst(), t), t));
      case "timestamp" -> timestamp(ev, args.getFirst(), t);
      case "sort" -> sorted(ev.vector(args.getFirst(), t), false);
      case "sort_desc" -> sorted(ev.vector(args.getFirst(), t), true);
      case "clamp" -> clamp(ev.vector(args.getFirst(), t), ev.scalar(args.get(1), t), ev.scalar(args.get(2), t), t);
      case "clamp_min" -> clamp(ev.vector(args.getFirst(), t), ev.scalar(args.get(1), t), Double.POSITIVE_INFINITY, t);
      case "clamp_max" -> clamp(ev.vector(args.getFirst(), t), Double.NEGATIVE_INFINITY, ev.scalar(args.get(1), t), t);
      case "round" -> {
        double inverse = 1.0 / (args.size() > 1 ? ev.scalar(args.get(1), t) : 1.0);
        yield map(ev.vector(args.getFirst(), t), t, v -> Math.floor(v * inverse + 0.5) / inverse);
      }
      case "absent" -> ev.vector(args.getFirst(), t).isEmpty()
          ? List.of(new Elem(absentLabels(args.getFirst()), 1, t)) : List.of();
      case "label_replace" -> labelReplace(ev, args, t);
      case "label_join" -> labelJoin(ev, args, t);
      case "histogram_quantile" -> histogramQuantile(ev.scalar(args.getFirst(), t), ev.hvector(args.get(1), t), t,
          ev.histogramKeys());
      default -> throw unsupported(name);
    };
  }

  /** Native histograms first (each on its own), then classic {@code le} buckets, as Prometheus orders them. */
  private static List<Elem> histogramQuantile(double q, List<Elem> in, long t, HistogramQuantile.Keys keys) {
    List<Elem> out = new ArrayList<>();
    List<Elem> floats = new ArrayList<>(in.size());
    for (Elem el : in) {
      if (el.h() == null) {
        floats.add(el);
      } else {
        out.add(new Elem(Evaluator.dropName(el.labels()), NativeHistograms.quantile(q, el.h()), t));
      }
    }
    out.addAll(HistogramQuantile.eval(q, floats, t, keys));
    return out;
  }

  /** Go's math.Log2: exact for powers of two. */
  static double log2(double v) {
    if (v > 0 && !Double.isInfinite(v) && v >= Double.MIN_NORMAL && (Double.doubleToRawLongBits(v) & 0xFFFFFFFFFFFFFL) == 0) {
      return Math.getExponent(v);
    }
    return Math.log(v) / Math.log(2);
  }

  private static List<Elem> map(List<Elem> in, long t, DoubleUnaryOperator f) {
    List<Elem> out = new ArrayList<>(in.size());
    for (Elem el : in) {
      out.add(new Elem(Evaluator.dropName(el.labels()), f.applyAsDouble(el.value()), t));
    }
    return out;
  }

  private static List<Elem> timestamp(Evaluator ev, Expr arg, long t) {
    List<Elem> in = ev.vector(arg, t);
    boolean sampleTimes = Evaluator.unwrap(arg) instanceof VectorSelector;
    List<Elem> out = new ArrayList<>(in.size());
    for (Elem el : in) {
      out.add(new Elem(Evaluator.dropName(el.labels()), (sampleTimes ? el.t() : t) / 1000.0, t));
    }
    return out;
  }

  /** Sorts by value, NaN last in both directions; ties keep their order. */
  private static List<Elem> sorted(List<Elem> in, boolean descending) {
    Comparator<Elem> byValue = (a, b) -> {
      boolean na = Double.isNaN(a.value());
      boolean nb = Double.isNaN(b.value());
      if (na || nb) {
        return Boolean.compare(na, nb);
      }
      return descending ? Double.compare(b.value(), a.value()) : Double.compare(a.value(), b.value());
    };
    List<Elem> out = new ArrayList<>(in);
    out.sort(byValue);
    return out;
  }

  private static List<Elem> clamp(List<Elem> in, double min, double max, long t) {
    if (max < min) {
      return List.of();
    }
    return map(in, t, v -> Double.isNaN(v) || Double.isNaN(min) || Double.isNaN(max)
        ? Double.NaN : Math.max(min, Math.min(max, v)));
  }

  private static Labels absentLabels(Expr arg) {
    Expr e = Evaluator.unwrap(arg);
    VectorSelector vs = switch (e) {
      case VectorSelector v -> v;
      case MatrixSelector m -> m.selector();
      default -> null;
    };
    if (vs == null) {
      return Labels.EMPTY;
    }
    Labels.Builder b = Labels.builder();
    Set<String> has = new HashSet<>();
    for (Matcher m : vs.matchers()) {
      if (m.name().equals(Labels.NAME)) {
        continue;
      }
      if (m.op() == Matcher.Op.EQUAL && has.add(m.name())) {
        b.put(m.name(), m.value());
      } else {
        b.remove(m.name());
      }
    }
    return b.build();
  }

  static Labels absentLabelsOf(Expr arg) {
    return absentLabels(arg);
  }

  private static String labelName(String what, String name) {
    if (!LABEL_NAME.matcher(name).matches()) {
      throw Evaluator.execution("invalid " + what + " label name \"" + name + "\": use letters, digits and"
          + " underscores, not starting with a digit");
    }
    return name;
  }

  private static List<Elem> labelReplace(Evaluator ev, List<Expr> args, long t) {
    String dst = labelName("destination", ev.string(args.get(1)));
    String replacement = ev.string(args.get(2));
    String src = ev.string(args.get(3));
    String regex = ev.string(args.get(4));
    String repeat = GoRegex.repeatProblem(regex); // before RE2/J expands it
    if (repeat != null) {
      throw Evaluator.execution("invalid regular expression in label_replace(): " + regex + ": " + repeat);
    }
    Pattern p;
    try {
      p = Pattern.compile("^(?:" + regex + ")$");
    } catch (PatternSyntaxException e) {
      throw Evaluator.execution("invalid regular expression in label_replace(): " + regex);
    }
    List<Elem> out = new ArrayList<>();
    for (Elem el : ev.hvector(args.getFirst(), t)) {
      String value = el.labels().get(src);
      com.google.re2j.Matcher m = p.matcher(value == null ? "" : value);
      if (!m.matches()) {
        out.add(el);
        continue;
      }
      String res = GoTemplate.expand(replacement, m);
      out.add(new Elem(el.labels().toBuilder().put(dst, res).build(), el.value(), el.t(), el.h()));
    }
    return out;
  }

  private static List<Elem> labelJoin(Evaluator ev, List<Expr> args, long t) {
    String dst = labelName("destination", ev.string(args.get(1)));
    String sep = ev.string(args.get(2));
    List<String> src = new ArrayList<>();
    for (int i = 3; i < args.size(); i++) {
      src.add(labelName("source", ev.string(args.get(i))));
    }
    List<Elem> out = new ArrayList<>();
    for (Elem el : ev.hvector(args.getFirst(), t)) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < src.size(); i++) {
        if (i > 0) {
          sb.append(sep);
        }
        String v = el.labels().get(src.get(i));
        sb.append(v == null ? "" : v);
      }
      out.add(new Elem(el.labels().toBuilder().put(dst, sb.toString()).build(), el.value(), el.t(), el.h()));
    }
    return out;
  }
}
