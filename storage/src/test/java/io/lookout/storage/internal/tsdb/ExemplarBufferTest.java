package io.lookout.storage.internal.tsdb;

import static org.assertj.core.api.Assertions.assertThat;

import io.lookout.model.metrics.Exemplar;
import io.lookout.model.metrics.Labels;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExemplarBufferTest {
  static Exemplar ex(long t, String trace) {
    return new Exemplar(Labels.of("trace_id", trace), 1, t);
  }

  static List<Exemplar> all(ExemplarBuffer b) {
    List<Exemplar> out = new ArrayList<>();
    b.in(Long.MIN_VALUE, Long.MAX_VALUE, out);
    return out;
  }

  @Test
  void outOfOrderIsInsertedInPlaceAndCopiesAreIgnored() {
    ExemplarBuffer b = new ExemplarBuffer();
    assertThat(b.add(ex(20, "b"))).isTrue();
    assertThat(b.add(ex(10, "a"))).isTrue();
    assertThat(b.add(ex(20, "c"))).isTrue();
    assertThat(b.add(ex(20, "b"))).isFalse();
    assertThat(all(b)).containsExactly(ex(10, "a"), ex(20, "b"), ex(20, "c"));
  }

  @Test
  void persistedOnceAndBoundedDroppingTheOldest() {
    ExemplarBuffer b = new ExemplarBuffer();
    for (int i = 0; i < ExemplarBuffer.CAPACITY + 5; i++) {
      b.add(ex(1000 + i, "t" + i));
    }
    assertThat(b.size()).isEqualTo(ExemplarBuffer.CAPACITY);
    assertThat(b.add(ex(1, "too old for a full buffer"))).isFalse();
    Map<Long, List<Exemplar>> w = b.takeUnpersisted(1000);
    assertThat(w.get(1000L)).hasSize(ExemplarBuffer.CAPACITY).startsWith(ex(1005, "t5"));
    assertThat(b.hasUnpersisted()).isFalse();
    assertThat(b.takeUnpersisted(1000)).isEmpty();
    b.add(ex(5000, "new"));
    assertThat(b.takeUnpersisted(1000)).containsExactly(Map.entry(5000L, List.of(ex(5000, "new"))));
    b.evict(2000);
    assertThat(all(b)).containsExactly(ex(5000, "new"));
  }
}
