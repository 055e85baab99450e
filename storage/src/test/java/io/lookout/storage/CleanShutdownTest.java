package io.lookout.storage;

import static io.lookout.storage.TestData.SECOND;
import static io.lookout.storage.TestData.count;
import static org.assertj.core.api.Assertions.assertThat;

import io.lookout.model.LogRecord;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CleanShutdownTest {
  @TempDir Path dir;
  final long base = TestData.nowNanos() - 600 * SECOND;
  final AtomicLong clock = new AtomicLong(TestData.nowNanos());

  private LuceneStorage open() {
    StorageConfig cfg = new StorageConfig(dir, Duration.ofDays(7), Duration.ofHours(1), Duration.ofMillis(10),
        Duration.ofHours(1), 2, 256L << 20, 8 << 10);
    return LuceneStorage.open(cfg, new PrometheusRegistry(), clock::get);
  }

  private void append(LuceneStorage s, int n, String tag) {
    for (int from = 0; from < n; from += 50) {
      List<LogRecord> recs = new ArrayList<>();
      for (int i = from; i < Math.min(n, from + 50); i++) {
        recs.add(TestData.log(base + i * 1000L, "svc", tag + " record " + i));
      }
      s.logs().append("t", recs).join();
    }
  }

  private List<Path> walSegments() throws IOException {
    try (Stream<Path> files = Files.list(dir.resolve("wal"))) {
      return files.filter(p -> p.toString().endsWith(".wal")).toList();
    }
  }

  private List<Path> partitions() throws IOException {
    try (Stream<Path> files = Files.walk(dir.resolve("logs"))) {
      return files.filter(p -> Files.exists(p.resolve("lookout.partition"))).toList();
    }
  }

  @Test
  void closeLeavesNoWalSegmentAndOnlyCommittedIndexFiles() throws IOException {
    LuceneStorage s = open();
    append(s, 400, "alpha");
    assertThat(walSegments()).isNotEmpty();
    s.close();

    assertThat(walSegments()).isEmpty();
    assertThat(partitions()).isNotEmpty();
    for (Path p : partitions()) {
      try (Directory d = FSDirectory.open(p)) {
        Set<String> committed = new HashSet<>(SegmentInfos.readLatestCommit(d).files(true));
        committed.add("write.lock");
        committed.add("lookout.partition");
        assertThat(d.listAll()).allMatch(committed::contains);
      }
    }
  }

  @Test
  void indexLagGaugeIsRegisteredAndZeroWhenIdle() {
    PrometheusRegistry reg = new PrometheusRegistry();
    StorageConfig cfg = new StorageConfig(dir, Duration.ofDays(7), Duration.ofHours(1), Duration.ofMillis(10),
        Duration.ofHours(1), 2, 256L << 20, 8 << 10);
    LuceneStorage s = LuceneStorage.open(cfg, reg, clock::get);
    append(s, 100, "alpha");
    TestData.await("indexing to finish", () -> s.engine().idle());
    assertThat(reg.scrape().stream()
        .filter(m -> m.getMetadata().getName().equals("lookout_storage_index_lag_seconds"))
        .flatMap(m -> m.getDataPoints().stream())
        .map(d -> ((GaugeDataPointSnapshot) d).getValue())
        .toList()).containsExactly(0.0);
    s.close();
  }

  @Test
  void restartAfterCleanCloseKeepsEverythingAndContinuesTheSequence() {
    LuceneStorage s = open();
    append(s, 200, "alpha");
    s.close();

    LuceneStorage again = open();
    assertThat(count(again.logs(), "t", "alpha")).isEqualTo(200);
    append(again, 100, "beta");
    again.engine().crash();

    LuceneStorage third = open();
    assertThat(count(third.logs(), "t", "alpha")).isEqualTo(200);
    assertThat(count(third.logs(), "t", "beta")).isEqualTo(100);
    third.close();
  }
}
