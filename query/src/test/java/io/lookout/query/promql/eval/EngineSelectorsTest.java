package io.lookout.query.promql.eval;

import static io.lookout.query.promql.eval.EngineFixture.S;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lookout.model.ErrorCode;
import io.lookout.model.LookoutException;
import io.lookout.model.metrics.Labels;
import io.lookout.model.metrics.NativeHistogram;
import io.lookout.query.promql.PromqlParser;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Lookback, staleness, offset, {@code @}, subqueries, range queries and limits. */
class EngineSelectorsTest {
  private static final EngineFixture F = new EngineFixture();
  private static final String G = "{__name__=\"g\", instance=\"a\"}";

  static Stream<Arguments> cases() {
    return Stream.of(
        // g: 1,5,3,8,2,6 at 0,60,...,300s
        Arguments.of("g", 300, G + " 6"),
        Arguments.of("g", 330, G + " 6"),
        Arguments.of("g", 599, G + " 6"),
        Arguments.of("g", 600, ""), // exactly 5m old: outside the left-open lookback
        Arguments.of("g", 601, ""),
        Arguments.of("g", -1, ""),
        Arguments.of("st", 20, "{__name__=\"st\"} 2"),
        Arguments.of("st", 30, ""), // staleness marker is the newest sample
        Arguments.of("st", 100, ""),
        Arguments.of("count_over_time(st[1m])", 40, "{} 2"),
        Arguments.of("g offset 1m", 300, G + " 2"),
        Arguments.of("g offset -1m", 240, G + " 6"),
        Arguments.of("g @ 120", 300, G + " 3"),
        Arguments.of("g @ 120 offset 1m", 600, G + " 5"),
        Arguments.of("g @ start()", 300, G + " 6"),
        Arguments.of("sum_over_time(g[2m] offset 1m)", 300, "{instance=\"a\"} 10"),
        Arguments.of("sum_over_time(g[2m] @ 180)", 999, "{instance=\"a\"} 11"),
        Arguments.of("g[2m]", 300, G + " 240.0@2,300.0@6"),
        Arguments.of("{__name__=\"g\"}", 300, G + " 6"),
        Arguments.of("{__name__=~\"g|m\", instance=\"a\"}", 0, G + " 1; {__name__=\"m\", instance=\"a\"} -2.5"),
        // subqueries: steps aligned to 60s in (0s, 300s]
        Arguments.of("max_over_time(g[5m:1m])", 300, "{instance=\"a\"} 8"),
        Arguments.of("count_over_time(g[5m:1m])", 300, "{instance=\"a\"} 5"),
        Arguments.of("count_over_time(g[5m:])", 300, "{instance=\"a\"} 5"),
        // steps 210,240,270,300 see 8,2,2,6
        Arguments.of("sum_over_time(g[2m:30s])", 300, "{instance=\"a\"} 18"),
        Arguments.of("max_over_time(g[5m:1m] offset 2m)", 300, "{instance=\"a\"} 8"),
        Arguments.of("min_over_time(rate(http_requests_total{instance=\"a\"}[1m])[2m:1m])", 300,
            "{instance=\"a\", job=\"api\"} 0.6666666666666666"),
        Arguments.of("g[2m:1m]", 300, G + " 240.0@2,300.0@6"),
        Arguments.of("\"text\"", 300, "string text"));
  }

  @ParameterizedTest(name = "{0} at {1}s")
  @MethodSource("cases")
  void selectorGivesHandComputedResult(String query, long seconds, String expected) {
    F.check(query, seconds, expected);
  }

  @Test
  void closedWindowsFollowPrometheus2() {
    EngineFixture f = new EngineFixture();
    f.engine = new Engine(f.store, new EngineOptions(300_000, 1_000_000, 1000, 60_000, false));
    f.check("g", 600, G + " 6");
    f.check("count_over_time(g[5m])", 300, "{instance=\"a\"} 6");
  }

  @Test
  void lookbackIsConfigurable() {
    EngineFixture f = new EngineFixture();
    f.engine = new Engine(f.store, new EngineOptions(60_000, 1_000_000, 1000, 60_000, true));
    f.check("g", 330, G + " 6");
    f.check("g", 360, "");
  }

  @Test
  void rangeQueryStepsAndSortsSeriesByLabels() {
    Value v = F.range("sum by (job) (http_requests_total) / 10", 0, 60, 30);
    EngineFixture.assertMatches("range", EngineFixture.render(v),
        "{job=\"api\"} 0.0@0,30.0@3,60.0@6; {job=\"web\"} 0.0@0,30.0@0.6,60.0@1.2");
  }

  @Test
  void rangeQueryOfScalarIsOneSeriesWithoutLabels() {
    Value v = F.range("time() * 2", 0, 120, 60);
    EngineFixture.assertMatches("range", EngineFixture.render(v), "{} 0.0@0,60.0@120,120.0@240");
  }

  @Test
  void rangeQueryLeavesOutStepsWithoutData() {
    Value v = F.range("st", 0, 60, 15);
    EngineFixture.assertMatches("range", EngineFixture.render(v), "{__name__=\"st\"} 0.0@1,15.0@2");
  }

  @Test
  void selectorDataIsFetchedOnceForTheWholeRange() {
    EngineFixture f = new EngineFixture();
    f.range("rate(g[2m] offset 1m)", 600, 1200, 60);
    assertThat(f.store.selects).isEqualTo(1);
    assertThat(f.store.lastRange).containsExactly(420 * S, 1140 * S);
  }

  @Test
  void rangeQueryValidatesStepAndResolution() {
    assertThatThrownBy(() -> F.range("g", 0, 20_000, 1)).isInstanceOf(LookoutException.class)
        .hasMessageContaining("exceeded maximum resolution of 11000 points per timeseries")
        .extracting(e -> ((LookoutException) e).code()).isEqualTo(ErrorCode.BAD_DATA);
    assertThatThrownBy(() -> F.range("g", 10, 0, 1)).hasMessage("end timestamp must not be before start time");
    assertThatThrownBy(() -> F.range("g[1m]", 0, 10, 1)).hasMessageContaining("for range query");
  }

  @Test
  void unsupportedFunctionIsAnExecutionErrorBeforeAnyFetch() {
    EngineFixture f = new EngineFixture();
    assertThatThrownBy(() -> f.instant("holt_winters(g[5m], 0.5, 0.5)", 300))
        .isInstanceOf(LookoutException.class).hasMessage("function holt_winters is not supported yet")
        .extracting(e -> ((LookoutException) e).code()).isEqualTo(ErrorCode.EXECUTION);
    assertThatThrownBy(() -> f.instant("limitk(1, g)", 300)).hasMessage("aggregation limitk is not supported yet");
    assertThat(f.store.selects).isZero();
  }

  @Test
  void sampleLimitIsAnExecutionErrorNamingTheLimit() {
    EngineFixture f = new EngineFixture();
    f.engine = new Engine(f.store, new EngineOptions(300_000, 10, 1000, 60_000, true));
    assertThatThrownBy(() -> f.range("g", 0, 300, 1))
        .isInstanceOf(LookoutException.class)
        .hasMessageContaining("more than 10 samples").hasMessageContaining("LOOKOUT_PROMQL_MAX_SAMPLES");
    assertThatThrownBy(() -> f.instant("max_over_time(g[10m:1s])", 300))
        .hasMessageContaining("LOOKOUT_PROMQL_MAX_SAMPLES");
  }

  @Test
  void seriesLimitIsPassedToTheStoreAndEnforced() {
    EngineFixture f = new EngineFixture();
    f.engine = new Engine(f.store, new EngineOptions(300_000, 1_000_000, 2, 60_000, true));
    f.check("g", 300, G + " 6");
    assertThat(f.store.lastLimits.maxSeries()).isEqualTo(2);
    assertThatThrownBy(() -> f.instant("m + g", 0)).hasMessageContaining("limit");
  }

  @Test
  void nativeHistogramsAreRejectedRatherThanAnsweredWrongly() {
    EngineFixture f = new EngineFixture();
    f.store.addHistogram(Labels.of("__name__", "nh"), new NativeHistogram(300 * S, 0, 0, 0, 1, 1,
        List.of(new NativeHistogram.BucketSpan(0, 1)), new double[] {1}, List.of(), new double[0], null));
    assertThat(((Vector) f.instant("nh", 300)).elements().getFirst().histogram().count()).isEqualTo(1);
    assertThatThrownBy(() -> f.instant("abs(nh)", 300)).hasMessageContaining("native histogram");
    assertThatThrownBy(() -> f.instant("nh * 2", 300)).hasMessageContaining("native histogram");
  }

  @Test
  void timeoutIsATimeoutError() {
    EngineFixture f = new EngineFixture();
    assertThatThrownBy(() -> f.engine.range("default", PromqlParser.parse("g"), 0, 1000 * S, S, 0))
        .isInstanceOf(LookoutException.class)
        .extracting(e -> ((LookoutException) e).code()).isEqualTo(ErrorCode.TIMEOUT);
  }
}
