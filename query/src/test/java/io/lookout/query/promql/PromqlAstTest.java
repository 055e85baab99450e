package io.lookout.query.promql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lookout.model.ErrorCode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class PromqlAstTest {
  private static final PositionRange NONE = PositionRange.NONE;

  private static Expr parse(String q) {
    return PromqlParser.parse(q);
  }

  private static VectorSelector sel(String name) {
    return new VectorSelector(name, List.of(), Duration.ZERO, null, NONE);
  }

  private static NumberLiteral num(double v) {
    return new NumberLiteral(v, NONE);
  }

  private static Binary bin(BinaryOp op, Expr l, Expr r) {
    return new Binary(op, l, r, false, null, NONE);
  }

  @Test
  void multiplicationBindsTighterThanAddition() {
    assertThat(parse("1 + 2 * 3"))
        .isEqualTo(bin(BinaryOp.ADD, num(1), bin(BinaryOp.MUL, num(2), num(3))));
    assertThat(parse("1 * 2 + 3"))
        .isEqualTo(bin(BinaryOp.ADD, bin(BinaryOp.MUL, num(1), num(2)), num(3)));
  }

  @Test
  void powerIsRightAssociativeAndOthersLeft() {
    assertThat(parse("2 ^ 3 ^ 2"))
        .isEqualTo(bin(BinaryOp.POW, num(2), bin(BinaryOp.POW, num(3), num(2))));
    assertThat(parse("1 - 2 - 3"))
        .isEqualTo(bin(BinaryOp.SUB, bin(BinaryOp.SUB, num(1), num(2)), num(3)));
    assertThat(parse("a / b % c atan2 d"))
        .isEqualTo(
            bin(
                BinaryOp.ATAN2,
                bin(BinaryOp.MOD, bin(BinaryOp.DIV, sel("a"), sel("b")), sel("c")),
                sel("d")));
  }

  @Test
  void precedenceLadderFromOrToPower() {
    Expr e = parse("a or b and c == d + e * f ^ g");
    assertThat(e)
        .isEqualTo(
            bin(
                BinaryOp.OR,
                sel("a"),
                bin(
                    BinaryOp.AND,
                    sel("b"),
                    bin(
                        BinaryOp.EQL,
                        sel("c"),
                        bin(
                            BinaryOp.ADD,
                            sel("d"),
                            bin(BinaryOp.MUL, sel("e"), bin(BinaryOp.POW, sel("f"), sel("g"))))))));
    assertThat(parse("a and b unless c"))
        .isEqualTo(bin(BinaryOp.UNLESS, bin(BinaryOp.AND, sel("a"), sel("b")), sel("c")));
  }

  @Test
  void unaryMinusBindsLikeMultiplicationBelowPower() {
    assertThat(parse("-2 ^ 2"))
        .isEqualTo(new Unary(true, bin(BinaryOp.POW, num(2), num(2)), NONE));
    assertThat(parse("-a * b"))
        .isEqualTo(bin(BinaryOp.MUL, new Unary(true, sel("a"), NONE), sel("b")));
    assertThat(parse("-a + b"))
        .isEqualTo(bin(BinaryOp.ADD, new Unary(true, sel("a"), NONE), sel("b")));
  }

  @Test
  void modifiersInEitherOrderGiveTheSameSelector() {
    VectorSelector expected =
        new VectorSelector(
            "foo", List.of(), Duration.ofMinutes(-5), AtModifier.at(1_609_746_000_000L), NONE);
    assertThat(parse("foo offset -5m @ 1609746000")).isEqualTo(expected);
    assertThat(parse("foo @ 1609746000 offset -5m")).isEqualTo(expected);
    assertThat(((VectorSelector) parse("foo @ end()")).at()).isEqualTo(AtModifier.END);
  }

  @Test
  void rangeSelectorKeepsModifiersOnItsSelector() {
    MatrixSelector m = (MatrixSelector) parse("foo{a=\"b\"}[5m] @ start() offset 1h");
    assertThat(m.range()).isEqualTo(Duration.ofMinutes(5));
    assertThat(m.selector().offset()).isEqualTo(Duration.ofHours(1));
    assertThat(m.selector().at()).isEqualTo(AtModifier.START);
    assertThat(m.selector().matchers())
        .containsExactly(new Matcher("a", Matcher.Op.EQUAL, "b"));
    assertThat(m.type()).isEqualTo(ValueType.MATRIX);
  }

  @Test
  void subqueryHasRangeStepAndModifiers() {
    Subquery s = (Subquery) parse("rate(x[5m])[1h:30s] offset 1d");
    assertThat(s.range()).isEqualTo(Duration.ofHours(1));
    assertThat(s.step()).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.offset()).isEqualTo(Duration.ofDays(1));
    assertThat(s.expr()).isInstanceOf(Call.class);
    assertThat(((Subquery) parse("x[1h:]")).step()).isEqualTo(Duration.ZERO);
  }

  @Test
  void aggregationGroupingBeforeOrAfterIsTheSame() {
    Aggregate a = (Aggregate) parse("topk(3, foo) without (job, instance)");
    assertThat(a).isEqualTo(parse("topk without (job, instance) (3, foo)"));
    assertThat(a.op()).isEqualTo(AggregateOp.TOPK);
    assertThat(a.param()).isEqualTo(num(3));
    assertThat(a.grouping()).containsExactly("job", "instance");
    assertThat(a.without()).isTrue();
    assertThat(((Aggregate) parse("sum(x)")).param()).isNull();
  }

  @Test
  void vectorMatchingIsRecorded() {
    Binary b = (Binary) parse("a * on (job) group_left (version) b");
    assertThat(b.matching())
        .isEqualTo(
            new VectorMatching(
                VectorMatching.Cardinality.MANY_TO_ONE, true, List.of("job"), List.of("version")));
    Binary c = (Binary) parse("a > bool ignoring (x) group_right b");
    assertThat(c.returnBool()).isTrue();
    assertThat(c.matching().on()).isFalse();
    assertThat(c.matching().cardinality()).isEqualTo(VectorMatching.Cardinality.ONE_TO_MANY);
    assertThat(((Binary) parse("a + b")).matching()).isNull();
  }

  @Test
  void typesFollowPrometheus() {
    assertThat(parse("1").type()).isEqualTo(ValueType.SCALAR);
    assertThat(parse("'s'").type()).isEqualTo(ValueType.STRING);
    assertThat(parse("foo").type()).isEqualTo(ValueType.VECTOR);
    assertThat(parse("foo[5m]").type()).isEqualTo(ValueType.MATRIX);
    assertThat(parse("foo[5m:]").type()).isEqualTo(ValueType.MATRIX);
    assertThat(parse("time()").type()).isEqualTo(ValueType.SCALAR);
    assertThat(parse("scalar(foo) * 2").type()).isEqualTo(ValueType.SCALAR);
    assertThat(parse("foo * 2").type()).isEqualTo(ValueType.VECTOR);
    assertThat(parse("1 > bool 2").type()).isEqualTo(ValueType.SCALAR);
    assertThat(parse("-(foo)").type()).isEqualTo(ValueType.VECTOR);
    assertThat(parse("count_values('v', foo)").type()).isEqualTo(ValueType.VECTOR);
  }

  @Test
  void positionsCoverTheSourceText() {
    String q = "sum(rate(foo{a=\"b\"}[5m])) + 1";
    Binary b = (Binary) parse(q);
    assertThat(b.pos()).isEqualTo(new PositionRange(0, q.length()));
    Aggregate a = (Aggregate) b.lhs();
    assertThat(q.substring(a.pos().start(), a.pos().end())).isEqualTo("sum(rate(foo{a=\"b\"}[5m]))");
    Call c = (Call) a.expr();
    assertThat(q.substring(c.pos().start(), c.pos().end())).isEqualTo("rate(foo{a=\"b\"}[5m])");
    MatrixSelector m = (MatrixSelector) c.args().getFirst();
    assertThat(q.substring(m.pos().start(), m.pos().end())).isEqualTo("foo{a=\"b\"}[5m]");
    assertThat(q.substring(b.rhs().pos().start(), b.rhs().pos().end())).isEqualTo("1");
  }

  @Test
  void equalityIgnoresPositions() {
    assertThat(parse("foo + bar")).isEqualTo(parse("  foo   +   bar  "));
    assertThat(parse("foo + bar").pos()).isNotEqualTo(parse("  foo   +   bar  ").pos());
  }

  @Test
  void nameAsMatcherIsKeptApartFromTheName() {
    VectorSelector v = (VectorSelector) parse("{__name__=\"foo\", job=\"x\"}");
    assertThat(v.name()).isEmpty();
    assertThat(v.allMatchers()).hasSize(2);
    VectorSelector w = (VectorSelector) parse("foo{job=\"x\"}");
    assertThat(w.allMatchers())
        .containsExactly(
            new Matcher("__name__", Matcher.Op.EQUAL, "foo"), new Matcher("job", Matcher.Op.EQUAL, "x"));
  }

  @Test
  void stringEscapesAreDecoded() {
    assertThat(((StringLiteral) parse("\"a\\tb\\u00e9\\x41\\101\"")).value()).isEqualTo("a\tbéAA");
    assertThat(((StringLiteral) parse("`a\\tb`")).value()).isEqualTo("a\\tb");
    assertThat(((StringLiteral) parse("'it\\'s'")).value()).isEqualTo("it's");
  }

  @Test
  void numberFormsHaveTheirValues() {
    assertThat(((NumberLiteral) parse("0x1f")).value()).isEqualTo(31);
    assertThat(((NumberLiteral) parse("1_000")).value()).isEqualTo(1000);
    assertThat(((NumberLiteral) parse("1h30m")).value()).isEqualTo(5400);
    assertThat(((NumberLiteral) parse("NaN")).value()).isNaN();
    assertThat(((NumberLiteral) parse("Inf")).value()).isInfinite();
  }

  @Test
  void functionTableKnowsEveryPrometheusFunction() {
    assertThat(Functions.all()).hasSizeGreaterThanOrEqualTo(80);
    assertThat(Functions.get("rate").argTypes()).containsExactly(ValueType.MATRIX);
    assertThat(Functions.get("label_join").variadic()).isTrue();
    assertThat(Functions.get("time").returnType()).isEqualTo(ValueType.SCALAR);
    assertThat(Functions.get("nope")).isNull();
    for (Function f : Functions.all()) {
      StringBuilder q = new StringBuilder(f.name()).append('(');
      for (int i = 0; i < f.minArgs(); i++) {
        q.append(i == 0 ? "" : ", ")
            .append(
                switch (f.argType(i)) {
                  case SCALAR -> "1";
                  case STRING -> "\"l\"";
                  case VECTOR -> "foo";
                  case MATRIX -> "foo[5m]";
                });
      }
      Expr e = parse(q.append(')').toString());
      assertThat(e.type()).as(f.name()).isEqualTo(f.returnType());
    }
  }

  @Test
  void codeBuiltTreesPrintWithTheParenthesesTheyNeed() {
    Expr e = bin(BinaryOp.MUL, bin(BinaryOp.ADD, num(1), num(2)), num(3));
    assertThat(e.toString()).isEqualTo("(1 + 2) * 3");
    Expr f = bin(BinaryOp.SUB, num(1), bin(BinaryOp.SUB, num(2), num(3)));
    assertThat(f.toString()).isEqualTo("1 - (2 - 3)");
    Expr g = bin(BinaryOp.POW, new Unary(true, num(2), NONE), num(2));
    assertThat(g.toString()).isEqualTo("(-2) ^ 2");
    Expr h = new Unary(true, bin(BinaryOp.ADD, sel("a"), sel("b")), NONE);
    assertThat(h.toString()).isEqualTo("-(a + b)");
    Expr s = new Subquery(bin(BinaryOp.ADD, sel("a"), sel("b")), Duration.ofHours(1), Duration.ZERO, Duration.ZERO, null, NONE);
    assertThat(s.toString()).isEqualTo("(a + b)[1h:]");
    assertThat(parse(e.toString()).toString()).isEqualTo(e.toString());
  }

  @Test
  void selectorForSeriesApi() {
    assertThat(PromqlParser.parseSelector("up{job=\"api\"}").name()).isEqualTo("up");
    assertThatThrownBy(() -> PromqlParser.parseSelector("sum(up)"))
        .isInstanceOf(PromqlParseException.class)
        .hasMessage("1:1: parse error: expected a vector selector such as up{job=\"api\"}");
    assertThatThrownBy(() -> PromqlParser.parseSelector("up offset 5m"))
        .isInstanceOf(PromqlParseException.class);
  }

  @Test
  void parseErrorCarriesPositionAndMapsToBadData() {
    PromqlParseException e =
        (PromqlParseException)
            org.assertj.core.api.Assertions.catchThrowable(() -> parse("foo +\n  bar{a=}"));
    assertThat(e.line()).isEqualTo(2);
    assertThat(e.column()).isEqualTo(9);
    assertThat(e.offset()).isEqualTo(14);
    assertThat(e.detail()).isEqualTo("unexpected \"}\" in label matching, expected string");
    assertThat(e.toBadData().code()).isEqualTo(ErrorCode.BAD_DATA);
    assertThat(e.toBadData().getMessage()).isEqualTo(e.getMessage());
  }

  @Test
  void deepNestingIsRefusedNotAStackOverflow() {
    String deep = "(".repeat(100_000) + "1" + ")".repeat(100_000);
    assertThatThrownBy(() -> parse(deep))
        .isInstanceOf(PromqlParseException.class)
        .hasMessageContaining("nested too deeply");
    String minus = "-".repeat(100_000) + "1";
    assertThatThrownBy(() -> parse(minus)).hasMessageContaining("nested too deeply");
    String ok = "(".repeat(200) + "1" + ")".repeat(200);
    assertThat(parse(ok).type()).isEqualTo(ValueType.SCALAR);
  }

  @Test
  void longOperatorChainsAreBoundedLikeNesting() {
    String ok = String.join(" or ", java.util.Collections.nCopies(400, "foo"));
    assertThat(parse(ok).toString()).isEqualTo(ok);
    String chain = String.join(" + ", java.util.Collections.nCopies(20_000, "foo"));
    assertThatThrownBy(() -> parse(chain)).hasMessageContaining("nested too deeply");
  }

  @Test
  void lexicalErrorAfterSyntaxErrorIsNotReportedFirst() {
    assertThatThrownBy(() -> parse("foo bar \"unterminated"))
        .hasMessage("1:5: parse error: unexpected identifier \"bar\"");
  }
}
