package io.lookout.storage.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SpanIdsTest {
  @Test
  void traceIdsRoundTripCanonicalOrNot() {
    for (String id : new String[] {"4bf92f3577b34da6a3ce929d0e0e4736", "aa", "", "4BF92F3577B34DA6A3CE929D0E0E4736",
        "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz", "grüße"}) {
      byte[] b = SpanIds.encodeTrace(id);
      assertThat(SpanIds.decodeTrace(b, 0, b.length)).isEqualTo(id);
    }
    assertThat(SpanIds.encodeTrace("4bf92f3577b34da6a3ce929d0e0e4736")).hasSize(17);
  }

  @Test
  void spanIdsAreTheirValueWhenCanonical() {
    assertThat(SpanIds.encodeSpan("00f067aa0ba902b7")).isEqualTo(0x00f067aa0ba902b7L);
    assertThat(SpanIds.encodeSpan("ffffffffffffffff")).isEqualTo(-1L);
    assertThat(SpanIds.encodeSpan("01")).isNotEqualTo(SpanIds.encodeSpan("02"));
  }
}
