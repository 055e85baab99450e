package io.lookout.query.promql.eval;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each function against hand-computed results on {@link EngineFixture}'s data. */
class EngineFunctionsTest {
  private static final EngineFixture F = new EngineFixture();
  private static final String A = "{instance=\"a\", job=\"api\"}";

  static Stream<Arguments> cases() {
    return Stream.of(
        // rate family: window (240s, 300s] holds 255..300 (170..200)
        Arguments.of("rate(http_requests_total{instance=\"a\"}[1m])", 300, A + " 0.6666666666666666"),
        Arguments.of("increase(http_requests_total{instance=\"a\"}[1m])", 300, A + " 40"),
        Arguments.of("delta(http_requests_total{instance=\"a\"}[1m])", 300, A + " 40"),
        Arguments.of("irate(http_requests_total{instance=\"a\"}[1m])", 300, A + " 0.6666666666666666"),
        Arguments.of("idelta(http_requests_total{instance=\"a\"}[1m])", 300, A + " 10"),
        // counter reset: 20,30,5,15 -> 25 over 45s, extrapolated by 15s at the start
        Arguments.of("increase(resetting[1m])", 75, "{instance=\"r\"} 33.333333333333336"),
        Arguments.of("rate(resetting[1m])", 75, "{instance=\"r\"} 0.5555555555555556"),
        Arguments.of("irate(resetting[1m])", 60, "{instance=\"r\"} 0.3333333333333333"),
        Arguments.of("resets(resetting[2m])", 75, "{instance=\"r\"} 1"),
        Arguments.of("changes(resetting[2m])", 75, "{instance=\"r\"} 5"),
        // extrapolation stops at the counter's zero point: 1,4,7 at 30..60 -> 5s before the first
        Arguments.of("increase(late_counter[1m])", 60, "{} 7"),
        // first sample far from the window start: extrapolate half an interval only
        Arguments.of("delta(sparse[1m])", 60, "{} 2.5"),
        // as a counter, sparse extrapolates to its zero point 5s before the first sample
        Arguments.of("rate(sparse[1m])", 60, "{} 0.05"),
        // 1,2 at 0s and 15s: 15s to the zero point, 5s to the end: 35s of increase 1 over 15s
        Arguments.of("rate(st[1m])", 20, "{} 0.03888888888888889"),
        Arguments.of("rate(g[1m])", 300, ""),
        Arguments.of("deriv(lin[1m])", 300, "{} 0.5"),
        Arguments.of("predict_linear(lin[1m], 100)", 300, "{} 200"),
        // g: 5,3,8,2,6 in (0s, 300s]
        Arguments.of("avg_over_time(g[5m])", 300, "{instance=\"a\"} 4.8"),
        Arguments.of("min_over_time(g[5m])", 300, "{instance=\"a\"} 2"),
        Arguments.of("max_over_time(g[5m])", 300, "{instance=\"a\"} 8"),
        Arguments.of("sum_over_time(g[5m])", 300, "{instance=\"a\"} 24"),
        Arguments.of("count_over_time(g[5m])", 300, "{instance=\"a\"} 5"),
        Arguments.of("quantile_over_time(0.5, g[5m])", 300, "{instance=\"a\"} 5"),
        Arguments.of("quantile_over_time(0.3, g[5m])", 300, "{instance=\"a\"} 3.4"),
        Arguments.of("quantile_over_time(2, g[5m])", 300, "{instance=\"a\"} +Inf"),
        Arguments.of("stdvar_over_time(g[5m])", 300, "{instance=\"a\"} 4.56"),
        Arguments.of("stddev_over_time(g[5m])", 300, "{instance=\"a\"} 2.1354156504062622"),
        Arguments.of("last_over_time(g[5m])", 300, "{__name__=\"g\", instance=\"a\"} 6"),
        Arguments.of("present_over_time(g[5m])", 300, "{instance=\"a\"} 1"),
        Arguments.of("absent_over_time(g[5m])", 300, ""),
        Arguments.of("absent_over_time(nope{job=\"x\"}[5m])", 300, "{job=\"x\"} 1"),
        Arguments.of("absent(nope{job=\"x\", instance=~\"a.*\"})", 300, "{job=\"x\"} 1"),
        Arguments.of("absent(g)", 300, ""),
        Arguments.of("absent(sum(nope))", 300, "{} 1"),
        // math on m: a=-2.5, b=8
        Arguments.of("abs(m)", 0, "{instance=\"a\"} 2.5; {instance=\"b\"} 8"),
        Arguments.of("ceil(m)", 0, "{instance=\"a\"} -2; {instance=\"b\"} 8"),
        Arguments.of("floor(m)", 0, "{instance=\"a\"} -3; {instance=\"b\"} 8"),
        Arguments.of("round(m)", 0, "{instance=\"a\"} -2; {instance=\"b\"} 8"),
        Arguments.of("round(m, 5)", 0, "{instance=\"a\"} 0; {instance=\"b\"} 10"),
        Arguments.of("sgn(m)", 0, "{instance=\"a\"} -1; {instance=\"b\"} 1"),
        Arguments.of("log2(m{instance=\"b\"})", 0, "{instance=\"b\"} 3"),
        Arguments.of("log10(m{instance=\"b\"} * 125)", 0, "{instance=\"b\"} 3"),
        Arguments.of("ln(m)", 0, "{instance=\"a\"} NaN; {instance=\"b\"} 2.0794415416798357"),
        Arguments.of("sqrt(m{instance=\"b\"} * 2)", 0, "{instance=\"b\"} 4"),
        Arguments.of("exp(m{instance=\"b\"} - 8)", 0, "{instance=\"b\"} 1"),
        Arguments.of("clamp(m, -1, 1)", 0, "{instance=\"a\"} -1; {instance=\"b\"} 1"),
        Arguments.of("clamp(m, 1, -1)", 0, ""),
        Arguments.of("clamp_min(m, 0)", 0, "{instance=\"a\"} 0; {instance=\"b\"} 8"),
        Arguments.of("clamp_max(m, 0)", 0, "{instance=\"a\"} -2.5; {instance=\"b\"} 0"),
        Arguments.of("sort_desc(m)", 0, "{__name__=\"m\", instance=\"b\"} 8; {__name__=\"m\", instance=\"a\"} -2.5"),
        Arguments.of("sort(-m)", 0, "{instance=\"b\"} -8; {instance=\"a\"} 2.5"),
        Arguments.of("timestamp(g)", 330, "{instance=\"a\"} 300"),
        Arguments.of("timestamp(abs(g))", 330, "{instance=\"a\"} 330"),
        Arguments.of("time()", 330, "scalar 330"),
        Arguments.of("vector(2)", 0, "{} 2"),
        Arguments.of("scalar(m{instance=\"b\"})", 0, "scalar 8"),
        Arguments.of("scalar(m)", 0, "scalar NaN"),
        Arguments.of("pi()", 0, "scalar 3.141592653589793"),
        Arguments.of("day_of_week(vector(0))", 0, "{} 4"),
        Arguments.of("day_of_month(vector(1709164800))", 0, "{} 29"),
        Arguments.of("days_in_month(vector(1706745600))", 0, "{} 29"),
        Arguments.of("day_of_year(vector(1709164800))", 0, "{} 60"),
        Arguments.of("month(vector(1709164800))", 0, "{} 2"),
        Arguments.of("year()", 300, "{} 1970"),
        Arguments.of("hour(vector(18000))", 0, "{} 5"),
        Arguments.of("minute(vector(90))", 0, "{} 1"),
        Arguments.of("label_replace(g, \"dst\", \"$1-x\", \"instance\", \"(.*)\")", 300,
            "{__name__=\"g\", dst=\"a-x\", instance=\"a\"} 6"),
        Arguments.of("label_replace(g, \"dst\", \"${1}y\", \"instance\", \"(b)\")", 300,
            "{__name__=\"g\", instance=\"a\"} 6"),
        Arguments.of("label_replace(g, \"instance\", \"\", \"instance\", \".*\")", 300, "{__name__=\"g\"} 6"),
        Arguments.of("label_join(job_info, \"both\", \"/\", \"job\", \"team\")", 300,
            "{__name__=\"job_info\", both=\"api/t1\", job=\"api\", team=\"t1\"}"
                + " 1; {__name__=\"job_info\", both=\"web/t2\", job=\"web\", team=\"t2\"} 1"),
        // buckets 0.1:10 0.5:30 1:40 +Inf:50
        Arguments.of("histogram_quantile(0.5, h_bucket)", 300, "{job=\"api\"} 0.4"),
        Arguments.of("histogram_quantile(0.1, h_bucket)", 300, "{job=\"api\"} 0.05"),
        Arguments.of("histogram_quantile(0.9, h_bucket)", 300, "{job=\"api\"} 1"),
        Arguments.of("histogram_quantile(1.5, h_bucket)", 300, "{job=\"api\"} +Inf"),
        Arguments.of("histogram_quantile(0.5, h_bucket{le!=\"+Inf\"})", 300, "{job=\"api\"} NaN"));
  }

  @ParameterizedTest(name = "{0} at {1}s")
  @MethodSource("cases")
  void functionGivesHandComputedResult(String query, long seconds, String expected) {
    F.check(query, seconds, expected);
  }
}
