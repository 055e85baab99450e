package io.lookout.query.loki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lookout.model.ErrorCode;
import io.lookout.model.LookoutException;
import io.lookout.query.loki.Logql.LabelFilter;
import io.lookout.query.loki.Logql.LineFilter;
import io.lookout.query.loki.Logql.LogExpr;
import io.lookout.query.loki.Logql.MatchOp;
import io.lookout.query.loki.Logql.NumericFilter;
import io.lookout.query.loki.Logql.ParserStage;
import io.lookout.query.loki.Logql.RangeAgg;
import io.lookout.query.loki.Logql.VectorAgg;
import java.util.List;
import org.junit.jupiter.api.Test;

class LogqlParserTest {

  @Test
  void parsesSelectorWithEveryMatcher() {
    LogExpr e = (LogExpr) LogqlParser.parse("{a=\"b\", c!=\"d\", e=~\"x.*\", f!~`y+`}");
    assertThat(e.matchers()).extracting(m -> m.name() + m.op().text + m.value())
        .containsExactly("a=b", "c!=d", "e=~x.*", "f!~y+");
    assertThat(e.matchers().get(2).matches("xyz")).isTrue();
    assertThat(e.matchers().get(2).matches("axyz")).isFalse(); // anchored
    assertThat(e.stages()).isEmpty();
  }

  @Test
  void parsesLineFiltersWithGoEscapesAndRawStrings() {
    LogExpr e = (LogExpr) LogqlParser.parse("{a=\"b\"} |= \"x\\ty\\\"\" != `raw\\n` |~ \"err(or)?\" !~ \"de.ug\"");
    assertThat(e.stages()).hasSize(4);
    LineFilter f0 = (LineFilter) e.stages().get(0);
    assertThat(f0.value()).isEqualTo("x\ty\"");
    assertThat(((LineFilter) e.stages().get(1)).value()).isEqualTo("raw\\n");
    assertThat(f0.test("a x\ty\" b")).isTrue();
    LineFilter re = (LineFilter) e.stages().get(2);
    assertThat(re.test("an error here")).isTrue(); // unanchored
    assertThat(((LineFilter) e.stages().get(3)).test("debug")).isFalse();
  }

  @Test
  void parsesParsersAndLabelFilters() {
    LogExpr e = (LogExpr) LogqlParser.parse(
        "{a=\"b\"} | json | logfmt | level=\"error\", status >= 500 and path=~\"/api.*\" | dur < 1.5 | x != 2 | y = 3");
    assertThat(e.stages()).hasSize(8);
    assertThat(e.stages().get(0)).isEqualTo(new ParserStage("json"));
    assertThat(e.stages().get(1)).isEqualTo(new ParserStage("logfmt"));
    assertThat(((LabelFilter) e.stages().get(2)).matcher().op()).isEqualTo(MatchOp.EQ);
    assertThat(e.stages().get(3)).isEqualTo(new NumericFilter("status", ">=", 500));
    assertThat(((LabelFilter) e.stages().get(4)).matcher().op()).isEqualTo(MatchOp.RE);
    assertThat(e.stages().get(5)).isEqualTo(new NumericFilter("dur", "<", 1.5));
    assertThat(e.stages().get(6)).isEqualTo(new NumericFilter("x", "!=", 2));
    assertThat(e.stages().get(7)).isEqualTo(new NumericFilter("y", "==", 3));
  }

  @Test
  void jsonFollowedByNegativeLineFilterIsAParser() {
    LogExpr e = (LogExpr) LogqlParser.parse("{a=\"b\"} | json != \"x\"");
    assertThat(e.stages()).containsExactly(new ParserStage("json"), ((LogExpr) LogqlParser.parse("{a=\"b\"} != \"x\"")).stages().get(0));
  }

  @Test
  void parsesRangeAndVectorAggregations() {
    RangeAgg r = (RangeAgg) LogqlParser.parse("count_over_time({a=\"b\"} |= \"x\" [5m])");
    assertThat(r.function()).isEqualTo("count_over_time");
    assertThat(r.rangeNanos()).isEqualTo(300_000_000_000L);
    assertThat(r.log().stages()).hasSize(1);
    RangeAgg r2 = (RangeAgg) LogqlParser.parse("bytes_rate({a=\"b\"}[1m] | json)");
    assertThat(r2.log().stages()).containsExactly(new ParserStage("json"));
    VectorAgg v = (VectorAgg) LogqlParser.parse("sum by (service_name, level) (rate({a=\"b\"}[1m]))");
    assertThat(v.grouping()).containsExactly("service_name", "level");
    assertThat(v.without()).isFalse();
    VectorAgg after = (VectorAgg) LogqlParser.parse("avg(bytes_over_time({a=\"b\"}[1m])) without (x)");
    assertThat(after.without()).isTrue();
    VectorAgg top = (VectorAgg) LogqlParser.parse("topk(3, sum by (a) (count_over_time({a=\"b\"}[1m])))");
    assertThat(top.k()).isEqualTo(3);
    assertThat(top.inner()).isInstanceOf(VectorAgg.class);
    assertThat(((VectorAgg) LogqlParser.parse("count(rate({a=\"b\"}[1m]))")).grouping()).isNull();
    assertThat(((VectorAgg) LogqlParser.parse("bottomk(1, rate({a=\"b\"}[1m]))")).op()).isEqualTo("bottomk");
    assertThat(((VectorAgg) LogqlParser.parse("min(rate({a=\"b\"}[1m]))")).op()).isEqualTo("min");
    assertThat(((VectorAgg) LogqlParser.parse("max(rate({a=\"b\"}[1m]))")).op()).isEqualTo("max");
  }

  @Test
  void syntaxErrorsAreBadDataWithThePosition() {
    for (String q : List.of("{a=\"b\"", "{a=b}", "{a=\"b\"} |= x", "{a=\"b\"} | ", "{a=\"b\"}[5m]",
        "count_over_time({a=\"b\"})", "rate({a=\"b\"}[xyz])", "{a=\"b\" \"c\"}", "sum(", "{a=\"unterminated}",
        "{a=\"\\q\"}", "{a=~\"(\"}", "foo", "{a=\"b\"} extra", "topk(x, rate({a=\"b\"}[1m]))", "{a=\"b\"} | x ~ 1")) {
      assertThatThrownBy(() -> LogqlParser.parse(q)).as(q).isInstanceOfSatisfying(LookoutException.class, e -> {
        assertThat(e.code()).as(q).isEqualTo(ErrorCode.BAD_DATA);
        assertThat(e.getMessage()).as(q).startsWith("parse error at line 1, col ");
      });
    }
    assertThatThrownBy(() -> LogqlParser.parse("{a=\"b\",\n c=}")).hasMessageStartingWith("parse error at line 2, col 4:");
  }

  @Test
  void emptyCompatibleSelectorsAndHostileRegexesAreRefused() {
    assertThatThrownBy(() -> LogqlParser.parse("{a=~\".*\"}")).hasMessageContaining("at least one regexp or equality matcher");
    assertThatThrownBy(() -> LogqlParser.parse("{}")).hasMessageContaining("at least one regexp or equality matcher");
    assertThatThrownBy(() -> LogqlParser.parse("{a=~\"((a{1000}){1000}){1000}\"}"))
        .hasMessageContaining("invalid repeat count");
    assertThatThrownBy(() -> LogqlParser.parse("")).hasMessageContaining("query is empty");
  }

  @Test
  void unsupportedConstructsAre422NamingTheConstruct() {
    String sel = "{a=\"b\"}";
    for (String[] c : new String[][] {
        {sel + " | line_format \"{{.a}}\"", "line_format"},
        {sel + " | label_format a=b", "label_format"},
        {sel + " | pattern \"<a>\"", "pattern"},
        {sel + " | regexp \"(?P<a>.)\"", "regexp"},
        {sel + " | unpack", "unpack"},
        {sel + " | drop a", "drop"},
        {sel + " | json a=\"b\"", "json with parameters"},
        {sel + " |= \"a\" or \"b\"", "'or' in a line filter"},
        {sel + " |> \"<_> a\"", "pattern line filter"},
        {sel + " | a=\"1\" or b=\"2\"", "'or' between label filters"},
        {sel + " | dur > 10ms", "duration or bytes comparison"},
        {"sum_over_time(" + sel + " | unwrap x [1m])", "function sum_over_time"},
        {"count_over_time(" + sel + "[1m] offset 1h)", "offset"},
        {"sum(rate(" + sel + "[1m])) / 2", "binary operation '/'"},
        {"rate(" + sel + "[1m]) > 1", "binary operation '>'"},
        {"1", "number literal"},
        {"vector(0)", "function vector"},
        {sel + " | (a=\"b\")", "parenthesised label filter"},
    }) {
      assertThatThrownBy(() -> LogqlParser.parse(c[0])).as(c[0]).isInstanceOfSatisfying(LookoutException.class, e -> {
        assertThat(e.code()).as(c[0]).isEqualTo(ErrorCode.EXECUTION);
        assertThat(e.getMessage()).as(c[0]).startsWith("unsupported in Lookout's LogQL: " + c[1]);
      });
    }
  }
}
