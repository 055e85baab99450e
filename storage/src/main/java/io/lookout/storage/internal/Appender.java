package io.lookout.storage.internal;

import io.lookout.model.ErrorCode;
import io.lookout.model.LogRecord;
import io.lookout.model.LookoutException;
import io.lookout.model.Span;
import io.lookout.model.metrics.SeriesBatch;
import io.lookout.model.spi.AppendResult;
import io.lookout.storage.StorageConfig;
import io.lookout.storage.internal.tsdb.Tsdb;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * The append path: drops records older than the retention, cuts batches into log entries,
 * reserves room in the index queue (refusing with OVERLOADED when it is full) and hands the
 * entries to the write-ahead log, whose writer completes them once they are on disk.
 */
final class Appender implements Wal.Listener {
  /** Records per log entry; their index in the entry is the low 20 bits of the document id. */
  static final int MAX_ENTRY_RECORDS = 1 << 16;

  private final StorageConfig config;
  private final LongSupplier clock;
  private final StorageMetrics metrics;
  private final Wal wal;
  private final IndexQueue queue;
  private volatile boolean refusing;
  private Tsdb tsdb;

  Appender(StorageConfig config, LongSupplier clock, StorageMetrics metrics, Wal wal, IndexQueue queue) {
    this.config = config;
    this.clock = clock;
    this.metrics = metrics;
    this.wal = wal;
    this.queue = queue;
  }

  void tsdb(Tsdb tsdb) {
    this.tsdb = tsdb;
  }

  long retentionCutoff() {
    return clock.getAsLong() - config.retention().toNanos();
  }

  /** From now on every append fails with OVERLOADED (the server is stopping). */
  void refuse() {
    refusing = true;
  }

  boolean refusing() {
    return refusing;
  }

  CompletableFuture<AppendResult> appendLogs(String tenant, List<LogRecord> records) {
    long cutoff = retentionCutoff();
    List<LogRecord> kept = new ArrayList<>(records.size());
    for (LogRecord r : records) {
      if (r.timestampNanos() >= cutoff) {
        kept.add(r);
      }
    }
    return appendRecords(Signal.LOGS, tenant, records.size(), kept);
  }

  CompletableFuture<AppendResult> appendSpans(String tenant, List<Span> records) {
    long cutoff = retentionCutoff();
    List<Span> kept = new ArrayList<>(records.size());
    for (Span s : records) {
      if (s.startNanos() >= cutoff) {
        kept.add(s);
      }
    }
    return appendRecords(Signal.SPANS, tenant, records.size(), kept);
  }

  CompletableFuture<AppendResult> appendSeries(String tenant, SeriesBatch batch) {
    Tsdb.Prepared p = tsdb.prepare(tenant, batch, Math.floorDiv(retentionCutoff(), 1_000_000L),
        config.retentionText());
    AppendResult result = new AppendResult(p.accepted(), p.rejected(), p.message());
    if (p.accepted() == 0 && p.batch().metadata().isEmpty()) {
      return CompletableFuture.completedFuture(result);
    }
    return submit(WalEntry.ofSeries(tenant, clock.getAsLong(), p.batch(), p.refs(), result));
  }

  @SuppressWarnings("unchecked")
  private CompletableFuture<AppendResult> appendRecords(Signal signal, String tenant, int total, List<?> kept) {
    long rejected = total - kept.size();
    String message = "";
    if (rejected > 0) {
      metrics.rejectedRecords.labelValues(signal.dirName()).inc(rejected);
      message = rejected + " of " + total + " records are older than the retention (LOOKOUT_RETENTION="
          + config.retentionText() + ") and were rejected";
    }
    AppendResult result = new AppendResult(kept.size(), rejected, message);
    if (kept.isEmpty()) {
      return CompletableFuture.completedFuture(result);
    }
    long received = clock.getAsLong();
    List<WalEntry> entries = new ArrayList<>();
    for (int from = 0; from < kept.size(); from += MAX_ENTRY_RECORDS) {
      List<?> chunk = kept.subList(from, Math.min(kept.size(), from + MAX_ENTRY_RECORDS));
      entries.add(signal == Signal.LOGS
          ? WalEntry.ofLogs(tenant, received, (List<LogRecord>) chunk, result)
          : WalEntry.ofSpans(tenant, received, (List<Span>) chunk, result));
    }
    CompletableFuture<?>[] futures = new CompletableFuture<?>[entries.size()];
    for (int i = 0; i < entries.size(); i++) {
      futures[i] = submit(entries.get(i));
    }
    if (futures.length == 1) {
      return (CompletableFuture<AppendResult>) futures[0];
    }
    return CompletableFuture.allOf(futures).thenApply(v -> result);
  }

  private CompletableFuture<AppendResult> submit(WalEntry e) {
    if (refusing) {
      return CompletableFuture.failedFuture(
          LookoutException.overloaded("storage is shutting down: retry against the restarted server", 5));
    }
    long bytes = e.memoryBytes();
    if (!queue.tryReserve(bytes)) {
      metrics.overloadedAppends.labelValues(e.signal.dirName()).inc();
      long queued = queue.reservedBytes();
      int retry = queue.retryAfterSeconds(bytes);
      return CompletableFuture.failedFuture(LookoutException.overloaded(
          "indexing is behind: " + queued + " bytes queued, the limit is LOOKOUT_INDEX_QUEUE_BYTES="
              + queue.budgetBytes() + "; retry after " + retry + "s", retry));
    }
    try {
      wal.submit(e);
    } catch (RuntimeException ex) {
      queue.release(bytes);
      return CompletableFuture.failedFuture(new LookoutException(ErrorCode.INTERNAL,
          "cannot append to the write-ahead log: " + ex.getMessage(), ex));
    }
    return e.future;
  }

  /** After the fsync: queue the batch for the indexers, then answer the appenders. */
  @Override
  public void durable(List<WalEntry> batch) {
    for (WalEntry e : batch) {
      queue.add(e);
      metrics.appendedRecords.labelValues(e.signal.dirName())
          .inc(e.signal == Signal.SAMPLES ? e.dataPoints : e.records.size());
    }
    for (WalEntry e : batch) {
      e.future.complete(e.result);
    }
  }

  @Override
  public void failed(List<WalEntry> batch, Exception cause) {
    for (WalEntry e : batch) {
      queue.release(e.memoryBytes());
      e.future.completeExceptionally(new LookoutException(ErrorCode.INTERNAL,
          "write-ahead log write failed: " + cause.getMessage(), cause));
    }
  }
}
