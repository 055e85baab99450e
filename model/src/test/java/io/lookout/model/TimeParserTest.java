package io.lookout.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TimeParserTest {
  private static final long NOW = 1_764_151_200_000_000_000L;

  @Test
  void parsesEveryTimeFormat() {
    assertThat(TimeParser.parseTime("t", "2026-11-26T10:00:00.5Z", NOW)).isEqualTo(1_795_687_200_500_000_000L);
    assertThat(TimeParser.parseTime("t", "2026-11-26T11:00:00+01:00", NOW)).isEqualTo(1_795_687_200_000_000_000L);
    assertThat(TimeParser.parseTime("t", "1764151200", NOW)).isEqualTo(NOW);
    assertThat(TimeParser.parseTime("t", "1764151200.25", NOW)).isEqualTo(NOW + 250_000_000L);
    assertThat(TimeParser.parseTime("t", "1.7641512e9", NOW)).isEqualTo(NOW);
    assertThat(TimeParser.parseTime("t", "1.79570682764E9", NOW)).isEqualTo(1_795_706_827_640_000_000L);
    assertThat(TimeParser.parseTime("t", "now", NOW)).isEqualTo(NOW);
    assertThat(TimeParser.parseTime("t", "now-15m", NOW)).isEqualTo(NOW - 900_000_000_000L);
    assertThat(TimeParser.parseTime("t", "now+1h", NOW)).isEqualTo(NOW + 3_600_000_000_000L);
  }

  @Test
  void rejectsOtherTimesNamingTheParameterAndTheFormats() {
    assertThatThrownBy(() -> TimeParser.parseTime("start", "yesterday", NOW))
        .isInstanceOf(LookoutException.class)
        .hasMessageContaining("start").hasMessageContaining("RFC 3339").hasMessageContaining("now-15m");
    assertThatThrownBy(() -> TimeParser.parseTime("end", "1e400", NOW)).isInstanceOf(LookoutException.class);
  }

  @Test
  void parsesDurations() {
    assertThat(TimeParser.parseDuration("d", "250ms")).isEqualTo(250_000_000L);
    assertThat(TimeParser.parseDuration("d", "1.5s")).isEqualTo(1_500_000_000L);
    assertThat(TimeParser.parseDuration("d", "1h30m")).isEqualTo(5_400_000_000_000L);
    assertThat(TimeParser.parseDuration("d", "7d")).isEqualTo(7 * 86_400_000_000_000L);
    assertThat(TimeParser.parseDuration("d", "15")).isEqualTo(15_000_000_000L);
    assertThat(TimeParser.parseDuration("d", "1.5e1")).isEqualTo(15_000_000_000L);
    assertThatThrownBy(() -> TimeParser.parseDuration("step", "-5s"))
        .isInstanceOf(LookoutException.class).hasMessageContaining("step");
    assertThatThrownBy(() -> TimeParser.parseDuration("step", "5 minutes")).isInstanceOf(LookoutException.class);
  }
}
