package io.lookout.query.loki;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import io.lookout.model.ErrorCode;
import io.lookout.model.LookoutException;
import io.lookout.model.TimeParser;
import io.lookout.model.regex.GoRegex;
import io.lookout.query.loki.Logql.Expr;
import io.lookout.query.loki.Logql.LabelFilter;
import io.lookout.query.loki.Logql.LineFilter;
import io.lookout.query.loki.Logql.LogExpr;
import io.lookout.query.loki.Logql.MatchOp;
import io.lookout.query.loki.Logql.Matcher;
import io.lookout.query.loki.Logql.MetricExpr;
import io.lookout.query.loki.Logql.NumericFilter;
import io.lookout.query.loki.Logql.ParserStage;
import io.lookout.query.loki.Logql.RangeAgg;
import io.lookout.query.loki.Logql.Stage;
import io.lookout.query.loki.Logql.VectorAgg;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Parser of Lookout's LogQL subset. Syntax errors are {@code bad_data} with Loki's
 * {@code parse error at line L, col C: ...}; LogQL constructs outside the subset are refused with
 * {@code execution} (422) {@code unsupported in Lookout's LogQL: <construct>}.
 */
public final class LogqlParser {
  /** Longest query accepted, in characters. */
  public static final int MAX_QUERY_CHARS = 64 * 1024;

  static final Set<String> RANGE_FUNCTIONS = Set.of("count_over_time", "rate", "bytes_over_time", "bytes_rate");
  static final Set<String> VECTOR_OPS = Set.of("sum", "avg", "min", "max", "count", "topk", "bottomk");
  private static final Set<String> UNSUPPORTED_FUNCTIONS = Set.of("sum_over_time", "avg_over_time", "max_over_time",
      "min_over_time", "stddev_over_time", "stdvar_over_time", "quantile_over_time", "first_over_time",
      "last_over_time", "absent_over_time", "rate_counter", "stddev", "stdvar", "sort", "sort_desc",
      "label_replace", "vector", "approx_topk");
  private static final Set<String> UNSUPPORTED_STAGES = Set.of("pattern", "regexp", "unpack", "line_format",
      "label_format", "unwrap", "decolorize", "drop", "keep", "distinct");

  private final String src;
  private final List<LogqlLexer.Token> tokens;
  private int pos;

  private LogqlParser(String src) {
    this.src = src;
    this.tokens = LogqlLexer.tokens(src);
  }

  /** Parses a log or metric query. */
  public static Expr parse(String query) {
    if (query == null || query.isBlank()) {
      throw LookoutException.badData("query is empty: give a LogQL query such as {service_name=\"checkout\"} |= \"error\"");
    }
    if (query.length() > MAX_QUERY_CHARS) {
      throw LookoutException.badData("query is " + query.length() + " characters long, more than the limit of "
          + MAX_QUERY_CHARS + ": shorten it");
    }
    LogqlParser p = new LogqlParser(query);
    Expr e = p.expr();
    p.expectEnd();
    return e;
  }

  /** Parses a stream selector with an optional pipeline (the {@code query} of labels and series). */
  public static LogExpr parseLog(String query) {
    Expr e = parse(query);
    if (e instanceof LogExpr l) {
      return l;
    }
    throw LookoutException.badData("invalid selector '" + abbreviate(query) + "': give a stream selector such as"
        + " {service_name=\"checkout\"}, not a metric query");
  }

  private Expr expr() {
    Expr e = peek().is("{") ? logExpr() : metricExpr();
    if (e instanceof MetricExpr && !peek().isEnd()) {
      LogqlLexer.Token t = peek();
      if (Set.of("+", "-", "*", "/", "%", "^", "==", "!=", ">", ">=", "<", "<=", "and", "or", "unless").contains(t.text())) {
        throw unsupported("binary operation '" + t.text() + "'");
      }
    }
    return e;
  }

  private MetricExpr metricExpr() {
    LogqlLexer.Token t = peek();
    if (t.kind() == LogqlLexer.Kind.NUMBER) {
      throw unsupported("number literal as a query");
    }
    if (t.kind() == LogqlLexer.Kind.STRING) {
      throw error(t, "unexpected string, expected a stream selector or a metric query");
    }
    if (t.is("(")) {
      throw unsupported("parenthesised expression");
    }
    if (t.kind() != LogqlLexer.Kind.IDENT) {
      throw error(t, "unexpected " + describe(t) + ", expected a stream selector {...} or a metric query");
    }
    String name = t.text();
    if (RANGE_FUNCTIONS.contains(name)) {
      next();
      return rangeAgg(name);
    }
    if (VECTOR_OPS.contains(name)) {
      next();
      return vectorAgg(name);
    }
    if (UNSUPPORTED_FUNCTIONS.contains(name)) {
      throw unsupported("function " + name);
    }
    throw error(t, "unexpected identifier '" + abbreviate(name) + "', expected a stream selector {...} or one of "
        + "count_over_time, rate, bytes_over_time, bytes_rate, sum, avg, min, max, count, topk, bottomk");
  }

  private RangeAgg rangeAgg(String fn) {
    expect("(");
    if (!peek().is("{")) {
      throw error(peek(), "unexpected " + describe(peek()) + ", expected a stream selector {...} inside " + fn);
    }
    List<Matcher> matchers = selector();
    List<Stage> stages = new ArrayList<>();
    Long range = null;
    if (peek().kind() == LogqlLexer.Kind.RANGE) {
      range = rangeOf(next());
    }
    pipeline(stages);
    if (peek().kind() == LogqlLexer.Kind.RANGE) {
      if (range != null) {
        throw error(peek(), "duplicate range");
      }
      range = rangeOf(next());
    }
    if (range == null) {
      throw error(peek(), "unexpected " + describe(peek()) + ", expected a range such as [5m] in " + fn);
    }
    if (peek().isIdent("offset")) {
      throw unsupported("offset");
    }
    if (peek().is("by") || peek().is("without")) {
      throw unsupported("grouping of " + fn);
    }
    expect(")");
    if (peek().is("by") || peek().is("without")) {
      throw unsupported("grouping of " + fn);
    }
    return new RangeAgg(fn, new LogExpr(matchers, List.copyOf(stages)), range);
  }

  private long rangeOf(LogqlLexer.Token t) {
    long d;
    try {
      d = TimeParser.parseDuration("range", t.text());
    } catch (LookoutException e) {
      throw error(t, "invalid range [" + abbreviate(t.text()) + "]: use a duration such as [5m]");
    }
    if (d <= 0) {
      throw error(t, "invalid range [" + abbreviate(t.text()) + "]: use a positive duration such as [5m]");
    }
    return d;
  }

  private VectorAgg vectorAgg(String op) {
    Grouping g = grouping();
    expect("(");
    int k = 0;
    if (op.equals("topk") || op.equals("bottomk")) {
      LogqlLexer.Token kt = next();
      if (kt.kind() != LogqlLexer.Kind.NUMBER || !kt.text().matches("[0-9]{1,9}") || Integer.parseInt(kt.text()) < 1) {
        throw error(kt, "invalid parameter of " + op + ": use a positive integer such as " + op + "(5, ...)");
      }
      k = Integer.parseInt(kt.text());
      expect(",");
    }
    MetricExpr inner = metricExpr();
    expect(")");
    Grouping after = grouping();
    if (g != null && after != null) {
      throw error(peek(), "duplicate grouping in " + op);
    }
    Grouping gg = g != null ? g : after;
    return new VectorAgg(op, k, gg != null && gg.without, gg == null ? null : gg.labels, inner);
  }

  private record Grouping(boolean without, List<String> labels) {}

  private Grouping grouping() {
    LogqlLexer.Token t = peek();
    if (!t.isIdent("by") && !t.isIdent("without")) {
      return null;
    }
    next();
    expect("(");
    List<String> labels = new ArrayList<>();
    while (!peek().is(")")) {
      LogqlLexer.Token l = next();
      if (l.kind() != LogqlLexer.Kind.IDENT) {
        throw error(l, "unexpected " + describe(l) + ", expected a label name in " + t.text() + "(...)");
      }
      labels.add(l.text());
      if (!peek().is(")")) {
        expect(",");
      }
    }
    next();
    return new Grouping(t.text().equals("without"), List.copyOf(labels));
  }

  private LogExpr logExpr() {
    List<Matcher> matchers = selector();
    List<Stage> stages = new ArrayList<>();
    pipeline(stages);
    if (peek().kind() == LogqlLexer.Kind.RANGE) {
      throw error(peek(), "a range [" + abbreviate(peek().text()) + "] needs a function around it, such as"
          + " count_over_time(... [5m])");
    }
    return new LogExpr(matchers, List.copyOf(stages));
  }

  private List<Matcher> selector() {
    LogqlLexer.Token open = expect("{");
    List<Matcher> out = new ArrayList<>();
    while (!peek().is("}")) {
      LogqlLexer.Token name = next();
      if (name.kind() != LogqlLexer.Kind.IDENT) {
        throw error(name, "unexpected " + describe(name) + ", expected a label name in the stream selector");
      }
      LogqlLexer.Token op = next();
      MatchOp mop = matchOp(op);
      if (mop == null) {
        throw error(op, "unexpected " + describe(op) + ", expected one of = != =~ !~ after label " + name.text());
      }
      LogqlLexer.Token v = next();
      if (v.kind() != LogqlLexer.Kind.STRING) {
        throw error(v, "unexpected " + describe(v) + ", expected a quoted string after " + name.text() + op.text());
      }
      out.add(matcher(name.text(), mop, v));
      if (!peek().is("}")) {
        expect(",");
      }
    }
    next();
    if (out.isEmpty()) {
      throw error(open, "queries require at least one regexp or equality matcher that does not have an"
          + " empty-compatible value. For instance, app=~\".*\" does not meet this requirement, but app=~\".+\" will");
    }
    if (out.stream().allMatch(m -> m.matches(""))) {
      throw error(open, "queries require at least one regexp or equality matcher that does not have an"
          + " empty-compatible value. For instance, app=~\".*\" does not meet this requirement, but app=~\".+\" will");
    }
    return List.copyOf(out);
  }

  private static MatchOp matchOp(LogqlLexer.Token t) {
    return switch (t.text()) {
      case "=" -> MatchOp.EQ;
      case "!=" -> MatchOp.NEQ;
      case "=~" -> MatchOp.RE;
      case "!~" -> MatchOp.NRE;
      default -> null;
    };
  }

  private Matcher matcher(String name, MatchOp op, LogqlLexer.Token value) {
    Pattern re = null;
    if (op == MatchOp.RE || op == MatchOp.NRE) {
      re = compile(value, "^(?:" + value.text() + ")$");
    }
    return new Matcher(name, op, value.text(), re);
  }

  private Pattern compile(LogqlLexer.Token t, String anchoredOrNot) {
    try {
      GoRegex.checkRepeats("regular expression", t.text());
    } catch (LookoutException e) {
      throw error(t, e.getMessage());
    }
    try {
      return Pattern.compile(anchoredOrNot);
    } catch (PatternSyntaxException e) {
      throw error(t, "invalid regular expression '" + abbreviate(t.text()) + "': " + e.getDescription());
    }
  }

  private void pipeline(List<Stage> stages) {
    while (true) {
      LogqlLexer.Token t = peek();
      switch (t.text()) {
        case "|=", "!=", "|~", "!~" -> {
          if (t.kind() != LogqlLexer.Kind.OP) {
            return;
          }
          next();
          stages.add(lineFilter(t));
        }
        case "|>", "!>" -> throw unsupported("pattern line filter " + t.text());
        case "|" -> {
          next();
          stage(stages);
        }
        default -> {
          return;
        }
      }
    }
  }

  private LineFilter lineFilter(LogqlLexer.Token op) {
    LogqlLexer.Token v = next();
    if (v.isIdent("ip")) {
      throw unsupported("ip() line filter");
    }
    if (v.kind() != LogqlLexer.Kind.STRING) {
      throw error(v, "unexpected " + describe(v) + ", expected a quoted string after " + op.text());
    }
    if (peek().isIdent("or")) {
      throw unsupported("'or' in a line filter");
    }
    boolean contains = op.text().startsWith("|");
    boolean regex = op.text().endsWith("~");
    return new LineFilter(contains, v.text(), regex ? compile(v, v.text()) : null);
  }

  private void stage(List<Stage> stages) {
    LogqlLexer.Token t = next();
    if (t.kind() != LogqlLexer.Kind.IDENT) {
      if (t.is("(")) {
        throw unsupported("parenthesised label filter");
      }
      throw error(t, "unexpected " + describe(t) + " after |, expected json, logfmt or a label filter");
    }
    String name = t.text();
    LogqlLexer.Token after = peek();
    boolean parserName = name.equals("json") || name.equals("logfmt");
    boolean filter = after.kind() == LogqlLexer.Kind.OP && !after.text().startsWith("|") && !after.text().equals("!>")
        && !(parserName && (after.text().equals("!=") || after.text().equals("!~")))
        && !Set.of("{", "}", "(", ")", ",").contains(after.text());
    if (!filter && (name.equals("json") || name.equals("logfmt"))) {
      if (after.kind() == LogqlLexer.Kind.IDENT || after.kind() == LogqlLexer.Kind.STRING || after.text().startsWith("--")) {
        throw unsupported(name + " with parameters");
      }
      stages.add(new ParserStage(name));
      return;
    }
    if (!filter && UNSUPPORTED_STAGES.contains(name)) {
      throw unsupported(name);
    }
    if (!filter) {
      throw error(after, "unexpected " + describe(after) + " after label '" + abbreviate(name)
          + "', expected one of = != =~ !~ > >= < <= ==");
    }
    labelFilter(name, stages);
    while (peek().is(",") || peek().isIdent("and")) {
      next();
      LogqlLexer.Token n = next();
      if (n.kind() != LogqlLexer.Kind.IDENT) {
        throw error(n, "unexpected " + describe(n) + ", expected a label name");
      }
      labelFilter(n.text(), stages);
    }
    if (peek().isIdent("or")) {
      throw unsupported("'or' between label filters");
    }
  }

  private void labelFilter(String name, List<Stage> stages) {
    LogqlLexer.Token op = next();
    LogqlLexer.Token v = next();
    if (v.isIdent("ip")) {
      throw unsupported("ip() label filter");
    }
    if (v.kind() == LogqlLexer.Kind.STRING) {
      MatchOp mop = matchOp(op);
      if (mop == null) {
        throw error(op, "unexpected " + op.text() + " before a string, use one of = != =~ !~");
      }
      stages.add(new LabelFilter(matcher(name, mop, v)));
      return;
    }
    if (v.kind() == LogqlLexer.Kind.NUMBER) {
      String o = op.text().equals("=") ? "==" : op.text();
      if (!Set.of(">", ">=", "<", "<=", "==", "!=").contains(o)) {
        throw error(op, "unexpected " + op.text() + " before a number, use one of > >= < <= == !=");
      }
      double d;
      try {
        d = Double.parseDouble(v.text());
      } catch (NumberFormatException e) {
        throw error(v, "invalid number '" + abbreviate(v.text()) + "'");
      }
      stages.add(new NumericFilter(name, o, d));
      return;
    }
    if (v.kind() == LogqlLexer.Kind.IDENT && v.text().matches("[0-9.].*|.*[0-9].*")) {
      throw unsupported("duration or bytes comparison '" + abbreviate(v.text()) + "'");
    }
    throw error(v, "unexpected " + describe(v) + ", expected a quoted string or a number after " + name + op.text());
  }

  private LogqlLexer.Token peek() {
    return tokens.get(pos);
  }

  private LogqlLexer.Token next() {
    LogqlLexer.Token t = tokens.get(pos);
    if (!t.isEnd()) {
      pos++;
    }
    return t;
  }

  private LogqlLexer.Token expect(String text) {
    LogqlLexer.Token t = next();
    if (!t.is(text) || t.kind() == LogqlLexer.Kind.STRING) {
      throw error(t, "unexpected " + describe(t) + ", expected " + text);
    }
    return t;
  }

  private void expectEnd() {
    LogqlLexer.Token t = peek();
    if (!t.isEnd()) {
      throw error(t, "unexpected " + describe(t) + ", expected the end of the query");
    }
  }

  private static String describe(LogqlLexer.Token t) {
    return switch (t.kind()) {
      case END -> "end of query";
      case STRING -> "string \"" + abbreviate(t.text()) + "\"";
      case RANGE -> "range [" + abbreviate(t.text()) + "]";
      default -> "'" + abbreviate(t.text()) + "'";
    };
  }

  private LookoutException error(LogqlLexer.Token t, String message) {
    return LogqlLexer.error(src, t.offset(), message);
  }

  static LookoutException unsupported(String construct) {
    return new LookoutException(ErrorCode.EXECUTION, "unsupported in Lookout's LogQL: " + construct
        + " (supported: stream selectors, line filters |= != |~ !~, | json, | logfmt, label filters,"
        + " count_over_time, rate, bytes_over_time, bytes_rate, sum, avg, min, max, count, topk, bottomk"
        + " with by/without)");
  }

  static String abbreviate(String v) {
    return v.length() > 64 ? v.substring(0, 64) + "..." : v;
  }
}
