package io.lookout.storage.internal;

import io.lookout.model.LogRecord;
import io.lookout.model.Span;
import io.lookout.model.metrics.SeriesBatch;
import io.lookout.model.spi.AppendResult;
import io.lookout.model.spi.CheckResult;
import io.lookout.storage.StorageConfig;
import io.lookout.storage.internal.tsdb.Tsdb;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires the write-ahead log, the indexer queue and threads, the partition indexes and the
 * background refresh, commit and retention tasks. See the package's durability rules in
 * {@link #commit(boolean)} and {@link #open}.
 */
public final class StorageEngine {
  private static final Logger LOG = LoggerFactory.getLogger(StorageEngine.class);
  private final LongSupplier clock;
  private final StorageMetrics metrics;
  private final Wal wal;
  private final IndexQueue queue;
  private final IndexSet logs;
  private final IndexSet spans;
  private final Tsdb tsdb;
  private final Indexer indexer;
  private final Appender appender;
  private final ReentrantReadWriteLock commitLock = new ReentrantReadWriteLock();
  /** Taken to dequeue; a samples entry takes {@link #samplesLock} before giving it up. */
  private final ReentrantLock dequeueLock = new ReentrantLock();
  /**
   * Held while a samples entry is added to the head, so that entries are added in log order: two
   * indexers adding two requests of one series the other way round would turn the earlier one
   * into out-of-order samples (slower to add, larger to store).
   */
  private final ReentrantLock samplesLock = new ReentrantLock();
  private final AtomicLong maxDequeued = new AtomicLong(-1);
  private final List<Thread> indexThreads = new ArrayList<>();
  private final ScheduledExecutorService refresher;
  private final ScheduledExecutorService maintenance;
  private volatile boolean stopIndexers;
  private volatile boolean haltIndexers;
  private volatile String commitFailure;

  private StorageEngine(StorageConfig config, StorageMetrics metrics, LongSupplier clock) throws IOException {
    this.clock = clock;
    this.metrics = metrics;
    Path data = config.dataDir();
    Partitioning partitioning = new Partitioning(config.partition().toNanos());
    this.wal = new Wal(data.resolve("wal"), config.walSegmentBytes(), metrics);
    this.queue = new IndexQueue(config.indexQueueBytes());
    this.logs = new IndexSet(Signal.LOGS, data, partitioning);
    this.spans = new IndexSet(Signal.SPANS, data, partitioning);
    this.tsdb = new Tsdb(data.resolve(Signal.METRICS.dirName()), config.partition().toNanos(),
        config.metricsOooWindow().toMillis(), config.metricsOooWindowText(), metrics.tsdb);
    this.indexer = new Indexer(logs, spans, tsdb, metrics);
    this.appender = new Appender(config, clock, metrics, wal, queue);
    this.appender.tsdb(tsdb);
    this.refresher = Executors.newSingleThreadScheduledExecutor(
        Thread.ofPlatform().name("lookout-refresh").daemon().factory());
    this.maintenance = Executors.newSingleThreadScheduledExecutor(
        Thread.ofPlatform().name("lookout-commit").daemon().factory());
  }

  /**
   * Opens the indexes, replays the log (skipping each record its target index already committed),
   * commits and refreshes, then starts the writer, indexers and background tasks.
   */
  public static StorageEngine open(StorageConfig config, StorageMetrics metrics, LongSupplier clock)
      throws IOException {
    StorageEngine e = new StorageEngine(config, metrics, clock);
    e.logs.openExisting();
    e.spans.openExisting();
    e.tsdb.openExisting();
    long[] replayed = new long[1];
    long[] legacy = new long[1];
    long walMax = e.wal.replay(entry -> {
      e.maxDequeued.accumulateAndGet(entry.seq, Math::max);
      if (entry.signal == Signal.METRICS) {
        legacy[0]++;
        return;
      }
      long n = e.indexer.apply(entry, e.retentionCutoff(), true);
      replayed[0] += n;
      if (n > 0) {
        metrics.replayedRecords.labelValues(entry.signal.dirName()).inc(n);
      }
    });
    long next = Math.max(Math.max(walMax, e.wal.readCheckpoint()),
        Math.max(Math.max(e.logs.maxCommittedSeq(), e.spans.maxCommittedSeq()),
            e.tsdb.maxCommittedSeq())) + 1;
    e.maxDequeued.accumulateAndGet(next - 1, Math::max);
    if (legacy[0] > 0) {
      LOG.warn("skipped {} write-ahead log entries of raw OTLP metric exports (written by an older version,"
          + " no longer stored)", legacy[0]);
    }
    if (walMax >= 0) {
      LOG.info("replayed the write-ahead log up to sequence {}: {} records re-added", walMax, replayed[0]);
    }
    e.commit(true);
    e.deleteExpired();
    for (PartitionIndex p : e.allIndexes()) {
      p.refreshBlocking();
    }
    e.wal.start(next, e.appender);
    for (int i = 0; i < config.indexThreads(); i++) {
      e.indexThreads.add(Thread.ofPlatform().name("lookout-indexer-" + i).daemon().start(e::indexLoop));
    }
    long refresh = config.refreshInterval().toMillis();
    e.refresher.scheduleWithFixedDelay(e::refresh, refresh, refresh, TimeUnit.MILLISECONDS);
    long commit = config.commitInterval().toMillis();
    e.maintenance.scheduleWithFixedDelay(() -> e.safely("commit", () -> e.commit(true)), commit, commit,
        TimeUnit.MILLISECONDS);
    e.maintenance.scheduleWithFixedDelay(() -> e.safely("retention", e::deleteExpired), 60, 60, TimeUnit.SECONDS);
    metrics.gauge("lookout_storage_index_queue_bytes",
        "bytes accepted but not yet indexed (limit LOOKOUT_INDEX_QUEUE_BYTES)", e.queue::reservedBytes);
    metrics.gauge("lookout_storage_index_lag_seconds",
        "age of the oldest entry waiting in the index queue (0 when empty)", e.queue::lagSeconds);
    metrics.gauge("lookout_storage_wal_segments", "write-ahead log segment files", e.wal::segmentCount);
    metrics.gauge("lookout_storage_open_indexes", "open partition indexes", () -> e.allIndexes().size());
    return e;
  }

  public IndexSet logs() {
    return logs;
  }

  public IndexSet spans() {
    return spans;
  }

  public Tsdb tsdb() {
    return tsdb;
  }

  public StorageMetrics metrics() {
    return metrics;
  }

  public long now() {
    return clock.getAsLong();
  }

  long retentionCutoff() {
    return appender.retentionCutoff();
  }

  public CompletableFuture<AppendResult> appendLogs(String tenant, List<LogRecord> records) {
    return appender.appendLogs(tenant, records);
  }

  public CompletableFuture<AppendResult> appendSpans(String tenant, List<Span> records) {
    return appender.appendSpans(tenant, records);
  }

  public CompletableFuture<AppendResult> appendSeries(String tenant, SeriesBatch batch) {
    return appender.appendSeries(tenant, batch);
  }

  private void indexLoop() {
    while (!haltIndexers) {
      WalEntry e = null;
      boolean samples = false;
      try {
        commitLock.readLock().lockInterruptibly();
      } catch (InterruptedException ie) {
        return;
      }
      try {
        dequeueLock.lockInterruptibly();
        try {
          e = queue.poll(20);
          if (e != null && e.signal == Signal.SAMPLES) {
            samplesLock.lock();
            samples = true;
          }
        } finally {
          dequeueLock.unlock();
        }
        if (e == null) {
          if (stopIndexers && queue.isEmpty()) {
            return;
          }
          continue;
        }
        maxDequeued.accumulateAndGet(e.seq, Math::max);
        indexer.apply(e, retentionCutoff());
      } catch (InterruptedException ie) {
        return;
      } catch (RuntimeException ex) {
        LOG.error("indexing write-ahead log entry {} of tenant {} failed", e == null ? -1 : e.seq,
            e == null ? "" : e.tenant, ex);
      } finally {
        if (samples) {
          samplesLock.unlock();
        }
        commitLock.readLock().unlock();
        if (e != null) {
          queue.release(e.memoryBytes());
        }
      }
    }
  }

  /**
   * Blocks the indexers, notes W (every entry up to W was dequeued, and so fully added, since the
   * queue is FIFO), commits each changed index with {@code wal_seq=W}, then deletes the log
   * segments whose entries are all <= W.
   */
  public void commit(boolean deleteSegments) throws IOException {
    long t0 = System.nanoTime();
    long w;
    commitLock.writeLock().lock();
    try {
      w = maxDequeued.get();
      for (PartitionIndex p : allIndexes()) {
        try {
          p.commitIfDirty(w);
        } catch (IOException | RuntimeException ex) {
          commitFailure = "commit of " + p.dir + " failed: " + ex.getMessage();
          throw ex;
        }
      }
      tsdb.commit(w, Math.floorDiv(retentionCutoff(), 1_000_000L));
      commitFailure = null;
    } finally {
      commitLock.writeLock().unlock();
    }
    if (w >= 0) {
      wal.writeCheckpoint(w);
    }
    if (deleteSegments) {
      wal.deleteThrough(w);
    }
    metrics.commitSeconds.observe((System.nanoTime() - t0) / 1e9);
  }

  /** Deletes partitions that ended before now minus the retention. */
  public void deleteExpired() throws IOException {
    long cutoff = retentionCutoff();
    commitLock.writeLock().lock();
    try {
      for (IndexSet set : List.of(logs, spans)) {
        for (PartitionIndex p : set.removeEndingBefore(cutoff)) {
          LOG.info("retention: deleting partition {}", p.dir);
          p.close();
          deleteTree(p.dir);
          metrics.deletedPartitions.labelValues(set.signal().dirName()).inc();
        }
      }
      int n = tsdb.deleteExpired(Math.floorDiv(cutoff, 1_000_000L));
      if (n > 0) {
        metrics.deletedPartitions.labelValues(Signal.METRICS.dirName()).inc(n);
      }
    } finally {
      commitLock.writeLock().unlock();
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private void refresh() {
    for (PartitionIndex p : allIndexes()) {
      try {
        p.refreshIfStale();
      } catch (IOException | RuntimeException ex) {
        LOG.warn("refresh of {} failed", p.dir, ex);
      }
    }
  }

  /** Refreshes every index now (tests; and after replay). */
  public void refreshAll() throws IOException {
    for (PartitionIndex p : allIndexes()) {
      p.refreshBlocking();
    }
  }

  private void safely(String what, IoAction a) {
    try {
      a.run();
    } catch (IOException | RuntimeException ex) {
      LOG.error("{} failed", what, ex);
    }
  }

  private interface IoAction {
    void run() throws IOException;
  }

  List<PartitionIndex> allIndexes() {
    List<PartitionIndex> all = new ArrayList<>(logs.all());
    all.addAll(spans.all());
    return all;
  }

  /** True once nothing accepted is waiting to be indexed. */
  public boolean idle() {
    return queue.reservedBytes() == 0;
  }

  /** Blocks indexers until the returned handle is closed (tests: deterministic overload). */
  public AutoCloseable pauseIndexing() {
    commitLock.writeLock().lock();
    return () -> commitLock.writeLock().unlock();
  }

  public CheckResult check() {
    if (appender.refusing()) {
      return CheckResult.failed("storage is closed");
    }
    Exception walFailure = wal.failure();
    if (walFailure != null) {
      return CheckResult.failed("write-ahead log failed: " + walFailure.getMessage());
    }
    for (PartitionIndex p : allIndexes()) {
      Throwable t = p.tragedy();
      if (t != null) {
        return CheckResult.failed("index " + p.dir + " failed: " + t.getMessage());
      }
    }
    String tf = tsdb.failure();
    if (tf != null) {
      return CheckResult.failed(tf);
    }
    String cf = commitFailure;
    return cf == null ? CheckResult.OK : CheckResult.failed(cf);
  }

  /** Refuses new appends, writes and indexes everything accepted, commits and closes. */
  public void close() {
    if (appender.refusing()) {
      return;
    }
    appender.refuse();
    try {
      wal.close();
    } catch (IOException e) {
      LOG.error("closing the write-ahead log failed", e);
    }
    stopIndexers = true;
    joinIndexers();
    shutdown(refresher);
    shutdown(maintenance);
    safely("final commit", () -> commit(true));
    closeIndexes();
  }

  /** Test hook: stops everything without committing, as if the process had been killed. */
  public void crash() {
    appender.refuse();
    haltIndexers = true;
    try {
      wal.abandon();
    } catch (IOException e) {
      LOG.debug("abandon", e);
    }
    for (Thread t : indexThreads) {
      t.interrupt();
    }
    joinIndexers();
    refresher.shutdownNow();
    maintenance.shutdownNow();
    closeIndexes();
  }

  private void joinIndexers() {
    for (Thread t : indexThreads) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static void shutdown(ScheduledExecutorService s) {
    s.shutdown();
    try {
      if (!s.awaitTermination(30, TimeUnit.SECONDS)) {
        s.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void closeIndexes() {
    for (PartitionIndex p : allIndexes()) {
      try {
        p.close();
      } catch (IOException | RuntimeException e) {
        LOG.warn("closing {} failed", p.dir, e);
      }
    }
    tsdb.close();
  }
}
