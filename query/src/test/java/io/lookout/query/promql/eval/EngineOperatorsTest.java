package io.lookout.query.promql.eval;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lookout.model.ErrorCode;
import io.lookout.model.LookoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Aggregations, binary operators and vector matching at t=300s (a=200, b=100, c=60). */
class EngineOperatorsTest {
  private static final EngineFixture F = new EngineFixture();
  private static final String NA = "{__name__=\"http_requests_total\", instance=\"a\", job=\"api\"}";
  private static final String NB = "{__name__=\"http_requests_total\", instance=\"b\", job=\"api\"}";
  private static final String NC = "{__name__=\"http_requests_total\", instance=\"c\", job=\"web\"}";
  private static final String A = "{instance=\"a\", job=\"api\"}";
  private static final String B = "{instance=\"b\", job=\"api\"}";
  private static final String C = "{instance=\"c\", job=\"web\"}";

  static Stream<Arguments> aggregations() {
    return Stream.of(
        Arguments.of("sum(http_requests_total)", "{} 360"),
        Arguments.of("sum by (job) (http_requests_total)", "{job=\"api\"} 300; {job=\"web\"} 60"),
        Arguments.of("sum without (instance) (http_requests_total)", "{job=\"api\"} 300; {job=\"web\"} 60"),
        Arguments.of("sum by (__name__) (http_requests_total)", "{__name__=\"http_requests_total\"} 360"),
        Arguments.of("avg by (job) (http_requests_total)", "{job=\"api\"} 150; {job=\"web\"} 60"),
        Arguments.of("min(http_requests_total)", "{} 60"),
        Arguments.of("max by (job) (http_requests_total)", "{job=\"api\"} 200; {job=\"web\"} 60"),
        Arguments.of("count(http_requests_total)", "{} 3"),
        Arguments.of("group by (job) (http_requests_total)", "{job=\"api\"} 1; {job=\"web\"} 1"),
        Arguments.of("stdvar(http_requests_total)", "{} 3466.6666666666665"),
        Arguments.of("stddev(http_requests_total)", "{} 58.87840577551898"),
        Arguments.of("topk(2, http_requests_total)", NA + " 200; " + NB + " 100"),
        Arguments.of("bottomk(1, http_requests_total)", NC + " 60"),
        Arguments.of("topk by (job) (1, http_requests_total)", NA + " 200; " + NC + " 60"),
        Arguments.of("topk(0, http_requests_total)", ""),
        Arguments.of("quantile(0.5, http_requests_total)", "{} 100"),
        Arguments.of("quantile(0.75, http_requests_total)", "{} 150"),
        Arguments.of("count_values(\"v\", m)", "{v=\"-2.5\"} 1; {v=\"8\"} 1"),
        Arguments.of("count_values by (job) (\"v\", job_info)", "{job=\"api\", v=\"1\"} 1; {job=\"web\", v=\"1\"} 1"),
        Arguments.of("sum(nope)", ""));
  }

  static Stream<Arguments> binaries() {
    return Stream.of(
        Arguments.of("1 + 2 * 3", "scalar 7"),
        Arguments.of("2 ^ 3 ^ 2", "scalar 512"),
        Arguments.of("7 % 4", "scalar 3"),
        Arguments.of("1 > bool 2", "scalar 0"),
        Arguments.of("-http_requests_total{instance=\"a\"}", A + " -200"),
        Arguments.of("http_requests_total{instance=\"a\"} / 2", A + " 100"),
        Arguments.of("400 / http_requests_total{instance=\"a\"}", A + " 2"),
        Arguments.of("http_requests_total > 90", NA + " 200; " + NB + " 100"),
        Arguments.of("150 < http_requests_total", NA + " 200"),
        Arguments.of("http_requests_total > bool 90", A + " 1; " + B + " 1; " + C + " 0"),
        Arguments.of("http_requests_total{instance=\"a\"} / 0", A + " +Inf"),
        Arguments.of("http_requests_total - http_requests_total", A + " 0; " + B + " 0; " + C + " 0"),
        Arguments.of("http_requests_total / ignoring(instance) group_left sum by (job) (http_requests_total)",
            A + " 0.6666666666666666; " + B + " 0.3333333333333333; " + C + " 1"),
        Arguments.of("sum by (job) (http_requests_total) / on(job) group_right http_requests_total",
            A + " 1.5; " + B + " 3; " + C + " 1"),
        Arguments.of("http_requests_total * on(job) group_left(team) job_info",
            "{instance=\"a\", job=\"api\", team=\"t1\"} 200; {instance=\"b\", job=\"api\", team=\"t1\"} 100;"
                + " {instance=\"c\", job=\"web\", team=\"t2\"} 60"),
        Arguments.of("sum by (job) (http_requests_total) + on(job) job_info", "{job=\"api\"} 301; {job=\"web\"} 61"),
        Arguments.of("sum by (job) (http_requests_total) > on(job) job_info", "{job=\"api\"} 300; {job=\"web\"} 60"),
        Arguments.of("http_requests_total and on(job) job_info{team=\"t1\"}", NA + " 200; " + NB + " 100"),
        Arguments.of("http_requests_total unless on(job) job_info{team=\"t1\"}", NC + " 60"),
        Arguments.of("m or g", "{__name__=\"m\", instance=\"a\"} -2.5; {__name__=\"m\", instance=\"b\"} 8"),
        Arguments.of("g or m", "{__name__=\"g\", instance=\"a\"} 6; {__name__=\"m\", instance=\"b\"} 8"),
        Arguments.of("g or on(instance) m", "{__name__=\"g\", instance=\"a\"} 6; {__name__=\"m\", instance=\"b\"} 8"),
        Arguments.of("g and nope", ""),
        Arguments.of("2 ^ m{instance=\"b\"}", "{instance=\"b\"} 256"),
        Arguments.of("m{instance=\"b\"} atan2 0", "{instance=\"b\"} 1.5707963267948966"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("aggregations")
  void aggregationGivesHandComputedResult(String query, String expected) {
    F.check(query, 300, expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("binaries")
  void binaryOperatorGivesHandComputedResult(String query, String expected) {
    F.check(query, 300, expected);
  }

  @Test
  void manyToManyMatchIsAnExecutionError() {
    assertThatThrownBy(() -> F.instant("http_requests_total / on(job) http_requests_total", 300))
        .isInstanceOf(LookoutException.class)
        .hasMessageStartingWith("found duplicate series for the match group {job=\"api\"} on the right hand-side")
        .extracting(e -> ((LookoutException) e).code()).isEqualTo(ErrorCode.EXECUTION);
  }

  @Test
  void implicitManyToOneIsAnExecutionError() {
    assertThatThrownBy(() -> F.instant("http_requests_total / on(job) sum by (job) (http_requests_total)", 300))
        .hasMessageStartingWith("multiple matches for labels {job=\"api\"}: many-to-one matching must be explicit");
  }

  @Test
  void droppingTheNameIntoDuplicatesIsAnExecutionError() {
    assertThatThrownBy(() -> F.instant("abs({__name__=~\"m|g\", instance=\"a\"})", 300))
        .hasMessageStartingWith("vector cannot contain metrics with the same labelset {instance=\"a\"}");
  }
}
