package io.lookout.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IngestConfigTest {
  @Test
  void defaultsTo64MiB() {
    assertThat(IngestConfig.fromEnv(Map.of()).maxRequestBytes()).isEqualTo(64L << 20);
    assertThat(IngestConfig.fromEnv(Map.of("LOOKOUT_MAX_REQUEST_BYTES", " ")).maxRequestBytes()).isEqualTo(64L << 20);
  }

  @Test
  void acceptsUnitsAndPlainBytes() {
    assertThat(max("64MiB")).isEqualTo(64L << 20);
    assertThat(max("1GiB")).isEqualTo(1L << 30);
    assertThat(max("512kib")).isEqualTo(512L << 10);
    assertThat(max("2 MB")).isEqualTo(2L << 20);
    assertThat(max("1048576")).isEqualTo(1L << 20);
  }

  @Test
  void rejectsMalformedAndOutOfRangeValuesNamingTheVariable() {
    assertThatThrownBy(() -> max("lots")).hasMessageContaining("LOOKOUT_MAX_REQUEST_BYTES").hasMessageContaining("64MiB");
    assertThatThrownBy(() -> max("12"))
        .hasMessage("LOOKOUT_MAX_REQUEST_BYTES must be between 1KiB and 2GiB, got 12 bytes");
    assertThatThrownBy(() -> max("3GiB")).hasMessageContaining("between 1KiB and 2GiB");
    assertThatThrownBy(() -> max("99999999999999999999")).hasMessageContaining("too large");
  }

  @Test
  void spanMetricsDefaultTo15sAnd10000Series() {
    IngestConfig c = IngestConfig.fromEnv(Map.of());
    assertThat(c.spanMetricsInterval()).isEqualTo(Duration.ofSeconds(15));
    assertThat(c.spanMetricsMaxSeries()).isEqualTo(10_000);
    assertThat(c.spanMetricsEnabled()).isTrue();
    assertThat(new IngestConfig(1 << 20).spanMetricsInterval()).isEqualTo(Duration.ofSeconds(15));
  }

  @Test
  void spanMetricsReadTheirVariablesAndZeroDisables() {
    IngestConfig c = IngestConfig.fromEnv(
        Map.of("LOOKOUT_SPANMETRICS_INTERVAL", "1m", "LOOKOUT_SPANMETRICS_MAX_SERIES", " 500 "));
    assertThat(c.spanMetricsInterval()).isEqualTo(Duration.ofMinutes(1));
    assertThat(c.spanMetricsMaxSeries()).isEqualTo(500);
    assertThat(IngestConfig.fromEnv(Map.of("LOOKOUT_SPANMETRICS_INTERVAL", "0")).spanMetricsEnabled()).isFalse();
    assertThat(IngestConfig.fromEnv(Map.of("LOOKOUT_SPANMETRICS_INTERVAL", "0s")).spanMetricsEnabled()).isFalse();
  }

  @Test
  void spanMetricsRejectBadValuesNamingTheVariable() {
    assertThatThrownBy(() -> IngestConfig.fromEnv(Map.of("LOOKOUT_SPANMETRICS_INTERVAL", "often")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("LOOKOUT_SPANMETRICS_INTERVAL");
    assertThatThrownBy(() -> IngestConfig.fromEnv(Map.of("LOOKOUT_SPANMETRICS_INTERVAL", "100ms")))
        .hasMessage("LOOKOUT_SPANMETRICS_INTERVAL must be 0 (disabled) or at least 1s, got 100ms");
    assertThatThrownBy(() -> IngestConfig.fromEnv(Map.of("LOOKOUT_SPANMETRICS_MAX_SERIES", "0")))
        .hasMessage("LOOKOUT_SPANMETRICS_MAX_SERIES must be between 1 and 1000000, got 0");
    assertThatThrownBy(() -> IngestConfig.fromEnv(Map.of("LOOKOUT_SPANMETRICS_MAX_SERIES", "many")))
        .hasMessageContaining("LOOKOUT_SPANMETRICS_MAX_SERIES").hasMessageContaining("whole number");
  }

  private static long max(String v) {
    return IngestConfig.fromEnv(Map.of("LOOKOUT_MAX_REQUEST_BYTES", v)).maxRequestBytes();
  }
}
