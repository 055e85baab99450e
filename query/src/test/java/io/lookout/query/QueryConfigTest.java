package io.lookout.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QueryConfigTest {

  @Test
  void emptyEnvironmentGivesDefaults() {
    QueryConfig c = QueryConfig.fromEnv(Map.of());

    assertThat(c).isEqualTo(QueryConfig.defaults());
    assertThat(c.timeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.maxLimit()).isEqualTo(5000);
    assertThat(c.defaultRange()).isEqualTo(Duration.ofHours(1));
    assertThat(c.traceMaxSpans()).isEqualTo(10_000);
    assertThat(c.workers()).isEqualTo(8);
    assertThat(c.maxPending()).isEqualTo(64);
  }

  @Test
  void readsEveryVariable() {
    QueryConfig c = QueryConfig.fromEnv(Map.of(
        "LOOKOUT_QUERY_TIMEOUT", "1m30s",
        "LOOKOUT_QUERY_MAX_LIMIT", "200",
        "LOOKOUT_QUERY_DEFAULT_RANGE", "15m",
        "LOOKOUT_TRACE_MAX_SPANS", " 50 ",
        "LOOKOUT_QUERY_WORKERS", "3",
        "LOOKOUT_QUERY_MAX_PENDING", "",
        "UNRELATED", "x"));

    assertThat(c).isEqualTo(new QueryConfig(Duration.ofSeconds(90), 200, Duration.ofMinutes(15), 50, 3, 64));
  }

  @Test
  void readsThePromqlLimits() {
    QueryConfig c = QueryConfig.fromEnv(Map.of(
        "LOOKOUT_PROMQL_MAX_SAMPLES", "1000",
        "LOOKOUT_PROMQL_MAX_SERIES", "20",
        "LOOKOUT_PROMQL_LOOKBACK_DELTA", "1m"));

    assertThat(c.promqlMaxSamples()).isEqualTo(1000);
    assertThat(c.promqlMaxSeries()).isEqualTo(20);
    assertThat(c.promqlLookbackDelta()).isEqualTo(Duration.ofMinutes(1));
    assertThat(QueryConfig.defaults().promqlMaxSamples()).isEqualTo(50_000_000L);
    assertThat(QueryConfig.defaults().promqlMaxSeries()).isEqualTo(100_000);
    assertThat(QueryConfig.defaults().promqlLookbackDelta()).isEqualTo(Duration.ofMinutes(5));
    assertThatThrownBy(() -> QueryConfig.fromEnv(Map.of("LOOKOUT_PROMQL_MAX_SAMPLES", "0")))
        .hasMessage("invalid LOOKOUT_PROMQL_MAX_SAMPLES '0': use a positive integer");
  }

  @Test
  void invalidValuesNameTheVariable() {
    assertThatThrownBy(() -> QueryConfig.fromEnv(Map.of("LOOKOUT_QUERY_MAX_LIMIT", "lots")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("invalid LOOKOUT_QUERY_MAX_LIMIT 'lots': use a positive integer");
    assertThatThrownBy(() -> QueryConfig.fromEnv(Map.of("LOOKOUT_QUERY_MAX_LIMIT", "0")))
        .hasMessage("invalid LOOKOUT_QUERY_MAX_LIMIT '0': use an integer from 1 to 1000000");
    assertThatThrownBy(() -> QueryConfig.fromEnv(Map.of("LOOKOUT_QUERY_TIMEOUT", "soon")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("invalid LOOKOUT_QUERY_TIMEOUT 'soon'");
    assertThat(QueryConfig.fromEnv(Map.of()).lokiMaxScannedLines()).isEqualTo(1_000_000L);
    assertThat(QueryConfig.fromEnv(Map.of("LOOKOUT_LOKI_MAX_SCANNED_LINES", "5000")).lokiMaxScannedLines())
        .isEqualTo(5000L);
    assertThatThrownBy(() -> QueryConfig.fromEnv(Map.of("LOOKOUT_LOKI_MAX_SCANNED_LINES", "0")))
        .hasMessage("invalid LOOKOUT_LOKI_MAX_SCANNED_LINES '0': use a positive integer");
    assertThatThrownBy(() -> QueryConfig.fromEnv(Map.of("LOOKOUT_QUERY_DEFAULT_RANGE", "0s")))
        .hasMessageStartingWith("invalid LOOKOUT_QUERY_DEFAULT_RANGE");
  }
}
