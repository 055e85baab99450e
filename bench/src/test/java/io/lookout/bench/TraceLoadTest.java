package io.lookout.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lookout.bench.internal.SpanSummary;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TraceLoadTest {

  @Test
  void streamsEveryTraceRetriesRefusalsWaitsAndMeasures(@TempDir Path tmp) throws Exception {
    Path dataDir = Files.createDirectory(tmp.resolve("data"));
    Files.write(dataDir.resolve("segment"), new byte[20_000]);
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    try (FakeLookout fake = new FakeLookout(3)) {
      BenchArgs a = BenchArgs.parse(
          "--signal", "traces", "--otlp", fake.otlpUri().toString(), "--api", fake.apiUri().toString(),
          "--spans", "20000", "--batch", "1000", "--connections", "3", "--data-dir", dataDir.toString(),
          "--seed", "5", "--query-runs", "3", "--wait-seconds", "60");

      SpanSummary s = TraceLoad.run(a, new PrintStream(log, true, StandardCharsets.UTF_8));

      FakeTraces traces = fake.traces();
      assertThat(s.traces()).isEqualTo(2000);
      assertThat(traces.traces()).hasSize(2000);
      assertThat(traces.posts()).isEqualTo(20 + 3);
      assertThat(s.retries()).isEqualTo(3);
      long stored = traces.traces().values().stream().mapToLong(List::size).sum();
      assertThat(s.spans()).isEqualTo(stored).isBetween(19_000L, 21_000L);
      SpanCorpus corpus = SpanCorpus.of(5, 2000, 0);
      assertThat(traces.traces().get(corpus.trace(1999).traceId())).hasSize(corpus.trace(1999).spans().size());
      assertThat(s.diskBytes()).isEqualTo(20_000);
      assertThat(s.cores()).isEqualTo(Runtime.getRuntime().availableProcessors());
      assertThat(s.byId().runs()).isEqualTo(TraceLoad.LOOKUPS);
      assertThat(s.errors().runs()).isEqualTo(3);
      assertThat(traces.searches()).isEqualTo(4 * (1 + 2 + 3));
      assertThat(s.row()).startsWith("| lookout traces end-to-end | ").contains(" cores) | 1 | 3 |");
      String out = log.toString(StandardCharsets.UTF_8);
      assertThat(out).contains("spans=" + s.spans()).contains("sampled traces complete").doesNotContain("warning");
    }
  }

  @Test
  void failsWhenTheServerIsUnreachable() {
    BenchArgs a = BenchArgs.parse("--signal", "traces", "--otlp", "http://127.0.0.1:1", "--api",
        "http://127.0.0.1:1", "--spans", "50", "--wait-seconds", "1");
    assertThatThrownBy(() -> TraceLoad.run(a, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("127.0.0.1:1");
  }

  @Test
  void drawsDistinctIndices() {
    long[] drawn = TraceLoad.distinct(new SplittableRandom(1), 1000, 200);
    assertThat(drawn).hasSize(200).doesNotHaveDuplicates();
    assertThat(java.util.Arrays.stream(drawn).allMatch(i -> i >= 0 && i < 1000)).isTrue();
    assertThat(TraceLoad.distinct(new SplittableRandom(1), 5, 200)).containsExactlyInAnyOrder(0, 1, 2, 3, 4);
  }

  @Test
  void parsesTheTraceOptions() {
    BenchArgs a = BenchArgs.parse("--signal", "traces", "--spans", "2000000");
    assertThat(a.signal()).isEqualTo(Signal.TRACES);
    assertThat(a.spans()).isEqualTo(2_000_000);
    assertThat(a.queryRuns()).isEqualTo(50);
    assertThat(BenchArgs.defaults().signal()).isEqualTo(Signal.LOGS);
    assertThat(BenchArgs.defaults().queryRuns()).isEqualTo(20);
    assertThat(BenchArgs.parse("--signal", "traces", "--query-runs", "7").queryRuns()).isEqualTo(7);
    assertThatThrownBy(() -> BenchArgs.parse("--signal", "profiles")).hasMessageContaining("logs, traces or metrics");
    assertThatThrownBy(() -> LuceneReference.run(BenchArgs.parse("--signal", "traces"), System.err))
        .hasMessageContaining("logs only");
  }
}
