package io.lookout.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

  private static long max(String v) {
    return IngestConfig.fromEnv(Map.of("LOOKOUT_MAX_REQUEST_BYTES", v)).maxRequestBytes();
  }
}
