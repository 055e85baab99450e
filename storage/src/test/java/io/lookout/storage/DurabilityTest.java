package io.lookout.storage;

import static io.lookout.storage.TestData.SECOND;
import static io.lookout.storage.TestData.awaitCount;
import static io.lookout.storage.TestData.count;
import static org.assertj.core.api.Assertions.assertThat;

import io.lookout.model.LogRecord;
import io.lookout.model.spi.AppendResult;
import io.lookout.storage.internal.ByteWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Write-ahead log behaviour: group commit, torn tails, and exact counts after simulated crashes. */
class DurabilityTest {
  @TempDir Path dir;
  final long base = TestData.nowNanos() - 600 * SECOND;
  final AtomicLong clock = new AtomicLong(TestData.nowNanos());

  /** Commits only when the test asks (interval 1h), small segments so that several exist. */
  private LuceneStorage open() {
    StorageConfig cfg = new StorageConfig(dir, Duration.ofDays(7), Duration.ofHours(1), Duration.ofMillis(10),
        Duration.ofHours(1), 2, 256L << 20, 8 << 10);
    return LuceneStorage.open(cfg, new PrometheusRegistry(), clock::get);
  }

  private void append(LuceneStorage s, int n, String tag) {
    List<LogRecord> recs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      recs.add(TestData.log(base + i * 1000L, "svc", tag + " record " + i));
    }
    // several entries, so that segments roll and commits fall between entries
    for (int from = 0; from < n; from += 50) {
      AppendResult r = s.logs().append("t", recs.subList(from, Math.min(n, from + 50))).join();
      assertThat(r.rejected()).isZero();
    }
  }

  /** Reopens after a crash and checks the replayed index holds exactly the expected records. */
  private LuceneStorage reopenAndExpect(long total, long tagged, String tag) {
    LuceneStorage s = open();
    assertThat(count(s.logs(), "t", "*")).isEqualTo(total);
    assertThat(count(s.logs(), "t", tag)).isEqualTo(tagged);
    return s;
  }

  @Test
  void concurrentAppendersAreGroupCommittedAndAllDurable() throws Exception {
    LuceneStorage s = open();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<CompletableFuture<AppendResult>> futures = new ArrayList<>();
    List<CompletableFuture<?>> submitted = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      int thread = t;
      submitted.add(CompletableFuture.runAsync(() -> {
        for (int i = 0; i < 50; i++) {
          List<LogRecord> batch = new ArrayList<>();
          for (int j = 0; j < 10; j++) {
            batch.add(TestData.log(base + thread * 1_000_000L + i * 100L + j, "svc" + thread, "concurrent"));
          }
          synchronized (futures) {
            futures.add(s.logs().append("t", batch));
          }
        }
      }, pool));
    }
    CompletableFuture.allOf(submitted.toArray(CompletableFuture[]::new)).join();
    pool.shutdown();
    CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();
    assertThat(futures).allSatisfy(f -> assertThat(f.join().accepted()).isEqualTo(10));
    s.engine().crash();
    LuceneStorage again = reopenAndExpect(4000, 4000, "concurrent");
    again.close();
  }

  @Test
  void crashBeforeAnyCommitReplaysEverythingOnce() {
    LuceneStorage s = open();
    append(s, 500, "alpha");
    awaitCount(s.logs(), "t", "*", 500);
    s.engine().crash();
    LuceneStorage again = reopenAndExpect(500, 500, "alpha");
    again.engine().crash();
    reopenAndExpect(500, 500, "alpha").close();
  }

  @Test
  void crashAfterCommitReplaysOnlyTheTail() throws IOException {
    LuceneStorage s = open();
    append(s, 300, "alpha");
    awaitCount(s.logs(), "t", "*", 300);
    s.engine().commit(true);
    append(s, 200, "beta");
    s.engine().crash();
    reopenAndExpect(500, 200, "beta").close();
  }

  @Test
  void crashBetweenCommitAndSegmentDeletionDuplicatesNothing() throws IOException {
    LuceneStorage s = open();
    append(s, 400, "alpha");
    awaitCount(s.logs(), "t", "*", 400);
    s.engine().commit(false);
    assertThat(walSegments()).hasSizeGreaterThan(1);
    s.engine().crash();
    LuceneStorage again = reopenAndExpect(400, 400, "alpha");
    again.close();
    // the reopen committed, so the old segments are gone
    assertThat(walSegments()).hasSizeLessThanOrEqualTo(1);
  }

  @Test
  void crashWithUnindexedBacklogLosesNothingAcknowledged() throws Exception {
    LuceneStorage s = open();
    append(s, 100, "alpha");
    try (AutoCloseable paused = s.engine().pauseIndexing()) {
      append(s, 150, "beta");
      s.engine().crash();
    }
    reopenAndExpect(250, 150, "beta").close();
  }

  @Test
  void tornTailIsTruncatedAndLaterAppendsSurvive() throws IOException {
    LuceneStorage s = open();
    append(s, 120, "alpha");
    s.engine().crash();
    List<Path> segs = walSegments();
    Path last = segs.getLast();
    // a torn entry: header claims 1000 bytes, only a few follow
    Files.write(last, new byte[] {0, 0, 3, (byte) 232, 1, 2, 3, 4, 0, 0, 0, 0, 0, 0, 0, 9, 42, 42},
        StandardOpenOption.APPEND);
    long sizeWithGarbage = Files.size(last);
    LuceneStorage again = reopenAndExpect(120, 120, "alpha");
    assertThat(Files.exists(last) ? Files.size(last) : 0).isLessThan(sizeWithGarbage);
    append(again, 30, "beta");
    again.engine().crash();
    reopenAndExpect(150, 30, "beta").close();
  }

  @Test
  void corruptChecksumStopsReplayAtTheDamagedEntry() throws IOException {
    LuceneStorage s = open();
    append(s, 50, "alpha");
    s.engine().crash();
    Path last = walSegments().getLast();
    byte[] bytes = Files.readAllBytes(last);
    bytes[bytes.length - 1] ^= 0x55;
    Files.write(last, bytes);
    // the last entry (the last 50-record batch, here the only one) fails its checksum: dropped
    reopenAndExpect(0, 0, "alpha").close();
  }

  @Test
  void closeCommitsSoReopenReplaysNothing() {
    LuceneStorage s = open();
    append(s, 200, "alpha");
    s.close();
    PrometheusRegistry reg = new PrometheusRegistry();
    StorageConfig cfg = new StorageConfig(dir, Duration.ofDays(7), Duration.ofHours(1), Duration.ofMillis(10),
        Duration.ofHours(1), 2, 256L << 20, 8 << 10);
    LuceneStorage again = LuceneStorage.open(cfg, reg, clock::get);
    assertThat(count(again.logs(), "t", "alpha")).isEqualTo(200);
    assertThat(reg.scrape().stream().filter(m -> m.getMetadata().getName().equals("lookout_storage_replayed_records"))
        .flatMap(m -> m.getDataPoints().stream()).count()).isZero();
    again.close();
  }

  @Test
  void rawMetricEntriesOfTheFirstVersionAreSkippedOnReplayAndSpoolFilesLeftAlone() throws IOException {
    LuceneStorage s = open();
    append(s, 120, "alpha");
    s.engine().crash();
    // an entry of the removed raw OTLP metrics signal (code 3), as the first version wrote it
    ByteWriter w = new ByteWriter(64);
    w.writeByte(1);
    w.writeByte(3);
    w.writeString("t");
    w.writeLong(base);
    w.writeVInt(2);
    w.writeVInt(3);
    w.writeBytes(new byte[] {7, 8, 9}, 0, 3);
    byte[] payload = w.toByteArray();
    long seq = 1_000;
    CRC32 crc = new CRC32();
    crc.update(ByteBuffer.allocate(8).putLong(0, seq));
    crc.update(payload);
    ByteBuffer header = ByteBuffer.allocate(16).putInt(payload.length).putInt((int) crc.getValue()).putLong(seq);
    Path last = walSegments().getLast();
    Files.write(last, header.array(), StandardOpenOption.APPEND);
    Files.write(last, payload, StandardOpenOption.APPEND);
    Path spool = dir.resolve("metrics").resolve("t").resolve("pending-legacy.otlp");
    Files.createDirectories(spool.getParent());
    Files.write(spool, new byte[] {0, 0, 0, 1, 5});

    PrometheusRegistry reg = new PrometheusRegistry();
    StorageConfig cfg = new StorageConfig(dir, Duration.ofDays(7), Duration.ofHours(1), Duration.ofMillis(10),
        Duration.ofHours(1), 2, 256L << 20, 8 << 10);
    LuceneStorage again = LuceneStorage.open(cfg, reg, clock::get);
    assertThat(count(again.logs(), "t", "alpha")).isEqualTo(120);
    assertThat(again.metrics().check().healthy()).isTrue();
    assertThat(reg.scrape().stream().filter(m -> m.getMetadata().getName().equals("lookout_storage_replayed_records"))
        .flatMap(m -> m.getDataPoints().stream())
        .map(d -> d.getLabels().get("signal"))).doesNotContain("metrics");
    // new entries continue after the skipped one, so a later crash replays them
    append(again, 30, "beta");
    again.engine().crash();
    reopenAndExpect(150, 30, "beta").close();
    assertThat(Files.readAllBytes(spool)).containsExactly(0, 0, 0, 1, 5);
  }

  @Test
  void retentionDeletesExpiredPartitions() throws IOException {
    LuceneStorage s = open();
    append(s, 10, "alpha");
    awaitCount(s.logs(), "t", "*", 10);
    s.engine().commit(true);
    assertThat(s.logs().tenants()).containsExactly("t");
    clock.addAndGet(8 * 86_400 * SECOND);
    s.engine().deleteExpired();
    assertThat(count(s.logs(), "t", "*")).isZero();
    assertThat(s.logs().tenants()).isEmpty();
    try (Stream<Path> parts = Files.list(dir.resolve("logs").resolve("t"))) {
      assertThat(parts.toList()).isEmpty();
    }
    s.close();
  }

  @Test
  void tenantsAreThoseWithStoredDataPerSignalAndSurviveRestart() {
    LuceneStorage s = open();
    assertThat(s.logs().tenants()).isEmpty();
    assertThat(s.spans().tenants()).isEmpty();
    s.logs().append("acme", List.of(TestData.log(base, "svc", "hello"))).join();
    s.spans().append("globex", List.of(TestData.span("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331", null,
        base, "api"))).join();
    TestData.await("both signals indexed", () -> s.logs().tenants().contains("acme")
        && s.spans().tenants().contains("globex"));
    assertThat(s.logs().tenants()).containsExactly("acme");
    assertThat(s.spans().tenants()).containsExactly("globex");
    s.close();
    LuceneStorage again = open();
    assertThat(again.logs().tenants()).containsExactly("acme");
    assertThat(again.spans().tenants()).containsExactly("globex");
    again.close();
  }

  private List<Path> walSegments() throws IOException {
    try (Stream<Path> s = Files.list(dir.resolve("wal"))) {
      return s.filter(p -> p.toString().endsWith(".wal")).sorted().toList();
    }
  }
}
