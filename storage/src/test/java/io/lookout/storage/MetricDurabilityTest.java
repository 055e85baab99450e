package io.lookout.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.lookout.model.metrics.LabelMatcher;
import io.lookout.model.metrics.Labels;
import io.lookout.model.metrics.Sample;
import io.lookout.model.metrics.SelectLimits;
import io.lookout.model.metrics.SeriesBatch;
import io.lookout.model.metrics.SeriesSamples;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Crashes at chosen points: the replayed head plus the index hold exactly what was acknowledged. */
class MetricDurabilityTest {
  static final SelectLimits LIMITS = new SelectLimits(10_000, 10_000_000, 30_000);
  static final int SERIES = 20;

  @TempDir Path dir;
  final long t0 = System.currentTimeMillis() - 3_600_000L;
  int next;

  private LuceneStorage open() {
    StorageConfig cfg = new StorageConfig(dir, Duration.ofDays(7), Duration.ofHours(1), Duration.ofMillis(10),
        Duration.ofHours(1), 2, 256L << 20, 8 << 10);
    return LuceneStorage.open(cfg, new PrometheusRegistry());
  }

  /** Appends {@code rounds} batches of 7 samples per series, 1 s apart, continuing where the last left off. */
  private void append(LuceneStorage s, int rounds) {
    List<CompletableFuture<?>> fs = new ArrayList<>();
    for (int r = 0; r < rounds; r++) {
      List<SeriesBatch.Series> series = new ArrayList<>();
      for (int i = 0; i < SERIES; i++) {
        List<Sample> samples = new ArrayList<>();
        for (int k = 0; k < 7; k++) {
          int n = next + k;
          samples.add(new Sample(t0 + n * 1000L, i * 1000 + n * 0.5));
        }
        series.add(SeriesBatch.Series.ofSamples(Labels.of("__name__", "m", "i", Integer.toString(i)), samples));
      }
      next += 7;
      fs.add(s.metrics().append("t", new SeriesBatch(series, List.of())));
    }
    fs.forEach(CompletableFuture::join);
  }

  private void expectExact(LuceneStorage s) {
    TestData.await("indexed", () -> s.engine().idle());
    List<SeriesSamples> all = s.metrics().select("t", List.of(LabelMatcher.eq("__name__", "m")), 0, Long.MAX_VALUE,
        LIMITS);
    assertThat(all).hasSize(SERIES);
    for (SeriesSamples ss : all) {
      int i = Integer.parseInt(ss.labels().get("i"));
      assertThat(ss.timestamps()).hasSize(next);
      for (int n = 0; n < next; n++) {
        assertThat(ss.timestamps()[n]).isEqualTo(t0 + n * 1000L);
        assertThat(ss.values()[n]).isEqualTo(i * 1000 + n * 0.5);
      }
    }
  }

  @Test
  void crashAfterCommitsReplaysEachSampleOnce() throws Exception {
    LuceneStorage s = open();
    append(s, 10);
    TestData.await("indexed", () -> s.engine().idle());
    s.engine().commit(true); // open chunks persisted as snapshots
    append(s, 30); // more than a chunk: snapshots replaced, chunks cut
    TestData.await("indexed", () -> s.engine().idle());
    s.engine().commit(false); // committed, log segments kept: replay must skip what is in the index
    append(s, 5);
    s.engine().crash();

    LuceneStorage r = open();
    expectExact(r);
    append(r, 3); // the head continues after replay
    expectExact(r);
    r.engine().crash();

    LuceneStorage r2 = open();
    expectExact(r2);
    r2.close();
    LuceneStorage r3 = open();
    expectExact(r3);
    r3.close();
  }

  @Test
  void crashWithAnUnindexedBacklogLosesNothing() throws Exception {
    LuceneStorage s = open();
    append(s, 4);
    TestData.await("indexed", () -> s.engine().idle());
    s.engine().commit(true);
    try (AutoCloseable paused = s.engine().pauseIndexing()) {
      append(s, 6); // durable in the log, not in the head
      s.engine().crash();
    }
    LuceneStorage r = open();
    expectExact(r);
    r.close();
  }
}
