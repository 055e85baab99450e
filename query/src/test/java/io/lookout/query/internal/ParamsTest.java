package io.lookout.query.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lookout.model.LookoutException;
import org.junit.jupiter.api.Test;

class ParamsTest {
  private static final long S = 1_000_000_000L;

  @Test
  void autoStepIsTheSmallestLadderStepWithAtMost200Buckets() {
    assertThat(Params.autoStep(0)).isEqualTo(S);
    assertThat(Params.autoStep(199 * S)).isEqualTo(S);
    assertThat(Params.autoStep(200 * S)).isEqualTo(5 * S);
    assertThat(Params.autoStep(3600 * S)).isEqualTo(30 * S);
    assertThat(Params.autoStep(24 * 3600 * S)).isEqualTo(10 * 60 * S);
    assertThat(Params.autoStep(199L * 86400 * S)).isEqualTo(86400 * S);
  }

  @Test
  void autoStepBeyondTheLadderUsesWholeDays() {
    assertThat(Params.autoStep(1000L * 86400 * S)).isEqualTo(5 * 86400 * S);
    assertThat(Params.autoStep(Long.MAX_VALUE) / S / 86400).isGreaterThan(200);
  }

  @Test
  void traceIdIsLowerCased() {
    assertThat(Params.traceId("4BF92F3577B34DA6A3CE929D0E0E4736")).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    assertThatThrownBy(() -> Params.traceId(null)).isInstanceOf(LookoutException.class);
  }

  @Test
  void fieldNameRejectsBlankAndControlCharacters() {
    assertThat(Params.fieldName("attributes.http.method")).isEqualTo("attributes.http.method");
    assertThatThrownBy(() -> Params.fieldName(" ")).hasMessageStartingWith("invalid field name ' '");
    assertThatThrownBy(() -> Params.fieldName("a\nb")).isInstanceOf(LookoutException.class);
    assertThatThrownBy(() -> Params.fieldName("x".repeat(257))).isInstanceOf(LookoutException.class);
  }
}
