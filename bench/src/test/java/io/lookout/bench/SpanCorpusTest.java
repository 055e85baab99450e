package io.lookout.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lookout.bench.internal.ServiceGraph;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SpanCorpusTest {
  static final long ANCHOR = 1_764_151_200_000_000_000L;
  static final int TRACES = 5000;

  private static List<GeneratedTrace> traces(SpanCorpus c, int n) {
    List<GeneratedTrace> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(c.trace(i));
    }
    return out;
  }

  @Test
  void sameSeedGivesTheSameTracesInAnyOrder() {
    SpanCorpus a = SpanCorpus.of(7, TRACES, ANCHOR);
    SpanCorpus b = SpanCorpus.of(7, TRACES, ANCHOR);
    assertThat(a.trace(123)).isEqualTo(b.trace(123));
    b.trace(4999);
    assertThat(traces(a, 200)).isEqualTo(traces(b, 200));
    assertThat(SpanCorpus.of(8, TRACES, ANCHOR).trace(123).traceId()).isNotEqualTo(a.trace(123).traceId());
  }

  @Test
  void everyTraceIsOneValidTree() {
    SpanCorpus c = SpanCorpus.of(42, TRACES, ANCHOR);
    for (GeneratedTrace t : traces(c, 2000)) {
      List<GeneratedSpan> spans = t.spans();
      assertThat(spans.size()).isBetween(SpanCorpus.MIN_SPANS, SpanCorpus.MAX_SPANS);
      assertThat(t.traceId()).matches("[0-9a-f]{32}").isNotEqualTo("0".repeat(32));
      assertThat(spans.stream().filter(s -> s.parent() < 0)).hasSize(1);
      GeneratedSpan root = t.root();
      assertThat(root.parent()).isEqualTo(-1);
      assertThat(root.parentSpanId()).isZero();
      assertThat(root.kind()).isEqualTo(GeneratedSpan.KIND_SERVER);
      assertThat(root.service()).isEqualTo(ServiceGraph.ROOT_SERVICE);
      assertThat(spans.stream().map(GeneratedSpan::spanId).distinct()).hasSize(spans.size());
      for (GeneratedSpan s : spans) {
        assertThat(s.spanId()).isNotZero();
        assertThat(s.spanIdHex()).matches("[0-9a-f]{16}");
        assertThat(s.endNanos()).isGreaterThanOrEqualTo(s.startNanos());
        assertThat(s.error()).isEqualTo(s.exception() != null);
        if (s.parent() < 0) {
          continue;
        }
        assertThat(s.parent()).isLessThan(s.index());
        GeneratedSpan p = spans.get(s.parent());
        assertThat(s.parentSpanId()).isEqualTo(p.spanId());
        assertThat(s.startNanos()).isGreaterThanOrEqualTo(p.startNanos());
        assertThat(s.endNanos()).isLessThanOrEqualTo(p.endNanos());
        // children only hang under SERVER spans (local work or calls) or under the CLIENT that calls them
        if (s.kind() == GeneratedSpan.KIND_SERVER) {
          assertThat(p.kind()).isEqualTo(GeneratedSpan.KIND_CLIENT);
          assertThat(p.service()).isNotEqualTo(s.service());
          assertThat(p.attributes().get("net.peer.name")).isEqualTo(s.service());
          assertThat(p.name()).isEqualTo(s.name());
          assertThat(p.error()).isEqualTo(s.error());
          assertThat(ServiceGraph.service(p.service()).calls())
              .anyMatch(call -> call.service().equals(s.service()) && call.route().spanName().equals(s.name()));
        } else {
          assertThat(p.kind()).isEqualTo(GeneratedSpan.KIND_SERVER);
          assertThat(p.service()).isEqualTo(s.service());
        }
      }
      assertThat(spans.stream().filter(s -> s.kind() == GeneratedSpan.KIND_CLIENT)
          .filter(s -> spans.stream().anyMatch(x -> x.parent() == s.index()))
          .allMatch(s -> spans.stream().filter(x -> x.parent() == s.index()).count() == 1)).isTrue();
    }
  }

  @Test
  void spansCarryTheUsualAttributes() {
    SpanCorpus c = SpanCorpus.of(42, TRACES, ANCHOR);
    for (GeneratedTrace t : traces(c, 500)) {
      for (GeneratedSpan s : t.spans()) {
        Map<String, Object> a = s.attributes();
        if (s.kind() == GeneratedSpan.KIND_SERVER) {
          assertThat(a).containsKeys("http.method", "http.route", "http.target", "http.status_code");
          assertThat(a.get("http.status_code")).isEqualTo(s.error() ? 500L : 200L);
        } else if (s.kind() == GeneratedSpan.KIND_CLIENT && a.containsKey("http.url")) {
          assertThat(a).containsKeys("http.method", "net.peer.name", "http.status_code");
        } else if (s.kind() == GeneratedSpan.KIND_CLIENT) {
          assertThat(a).containsKeys("db.system", "db.statement", "db.operation", "net.peer.name");
          assertThat((String) a.get("db.statement")).doesNotContain("%d").containsPattern("\\d");
        } else {
          assertThat(a).containsKey("code.function");
        }
        assertThat(s.host()).startsWith(s.service() + "-");
      }
    }
  }

  @Test
  void mixesKindsServicesAndAboutTwoPercentErrors() {
    SpanCorpus c = SpanCorpus.of(3, TRACES, ANCHOR);
    Map<Integer, Integer> kinds = new HashMap<>();
    Set<String> services = new HashSet<>();
    long spans = 0;
    long errors = 0;
    long slowRoots = 0;
    long slowPayments = 0;
    for (GeneratedTrace t : traces(c, TRACES)) {
      for (GeneratedSpan s : t.spans()) {
        kinds.merge(s.kind(), 1, Integer::sum);
        services.add(s.service());
        spans++;
        errors += s.error() ? 1 : 0;
      }
      slowRoots += t.root().durationNanos() >= 500_000_000L ? 1 : 0;
      slowPayments += t.spans().stream()
          .anyMatch(s -> s.service().equals("payments") && s.durationNanos() >= 500_000_000L) ? 1 : 0;
    }
    assertThat((double) spans / TRACES).isBetween(9.5, 10.5);
    assertThat((double) errors / spans).isBetween(0.012, 0.028);
    assertThat(kinds.keySet()).containsExactlyInAnyOrder(
        GeneratedSpan.KIND_INTERNAL, GeneratedSpan.KIND_SERVER, GeneratedSpan.KIND_CLIENT);
    long tenth = spans / 10;
    assertThat(kinds.values()).allMatch(n -> n > tenth);
    assertThat(services).containsExactlyInAnyOrderElementsOf(ServiceGraph.SERVICES.keySet());
    assertThat(slowRoots).isBetween(5L, (long) (TRACES * 0.05));
    assertThat(slowPayments).isBetween(1L, slowRoots);
  }

  @Test
  void spreadsRootsOverTheHourBeforeTheAnchor() {
    SpanCorpus c = SpanCorpus.of(1, TRACES, ANCHOR);
    long hour = Duration.ofHours(1).toNanos();
    assertThat(c.windowStartNanos()).isEqualTo(ANCHOR - hour);
    List<GeneratedTrace> all = traces(c, TRACES);
    assertThat(all).allMatch(t -> t.root().startNanos() >= ANCHOR - hour && t.root().startNanos() <= ANCHOR);
    assertThat(all.getFirst().root().startNanos()).isLessThan(ANCHOR - hour + 10_000_000_000L);
    assertThat(all.getLast().root().startNanos()).isGreaterThan(ANCHOR - 10_000_000_000L);
  }

  @Test
  void nowModeStampsTheWallClock() {
    long before = System.currentTimeMillis() * 1_000_000L;
    SpanCorpus c = new SpanCorpus(1, 10, TimeMode.NOW, ANCHOR, SpanCorpus.DEFAULT_WINDOW);
    GeneratedTrace t = c.trace(3);
    assertThat(t.root().startNanos()).isGreaterThanOrEqualTo(before - 1_000_000L);
    assertThat(t.traceId()).isEqualTo(SpanCorpus.of(1, 10, ANCHOR).trace(3).traceId());
  }

  @Test
  void rejectsBadConfig() {
    assertThatThrownBy(() -> SpanCorpus.of(1, 0, ANCHOR)).hasMessageContaining("planned traces must be at least 1");
    assertThatThrownBy(() -> new SpanCorpus(1, 1, TimeMode.SPREAD, ANCHOR, Duration.ZERO))
        .hasMessageContaining("time window must be positive");
  }
}
