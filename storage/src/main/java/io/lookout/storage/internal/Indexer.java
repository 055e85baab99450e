package io.lookout.storage.internal;

import io.lookout.model.LogRecord;
import io.lookout.model.Span;
import io.lookout.storage.internal.tsdb.Tsdb;
import java.io.IOException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.Map;
import org.apache.lucene.util.BytesRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adds one durable entry to its indexes, skipping each record whose target index already
 * committed this entry's sequence (so replay after a crash adds every record exactly once).
 */
final class Indexer {
  private static final Logger LOG = LoggerFactory.getLogger(Indexer.class);

  private final IndexSet logs;
  private final IndexSet spans;
  private final StorageMetrics metrics;
  private final Tsdb tsdb;

  Indexer(IndexSet logs, IndexSet spans, Tsdb tsdb, StorageMetrics metrics) {
    this.tsdb = tsdb;
    this.logs = logs;
    this.spans = spans;
    this.metrics = metrics;
  }

  /** Returns the number of records added. */
  long apply(WalEntry e, long retentionCutoff) {
    return apply(e, retentionCutoff, false);
  }

  /** As {@link #apply(WalEntry, long)}; {@code replay} when the entry comes back from the log at start. */
  long apply(WalEntry e, long retentionCutoff, boolean replay) {
    if (e.signal == Signal.SAMPLES) {
      long n = tsdb.apply(e.tenant, e.seq, e.seriesBatch(), e.seriesRefs,
          Math.floorDiv(retentionCutoff, 1_000_000L), replay);
      e.seriesRefs = null;
      metrics.indexedRecords.labelValues(e.signal.dirName()).inc(n);
      return n;
    }
    if (e.signal == Signal.METRICS) {
      return 0; // raw OTLP exports of an older version: no longer stored (the engine skips them on replay)
    }
    IndexSet set = e.signal == Signal.LOGS ? logs : spans;
    int n = e.records.size();
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparing(i -> serviceOf(e.records.get(i))));
    Map<PartitionIndex, Boolean> touched = new IdentityHashMap<>();
    long added = 0;
    long errors = 0;
    Exception firstError = null;
    for (int i : order) {
      Object rec = e.records.get(i);
      long ts = rec instanceof LogRecord r ? r.timestampNanos() : ((Span) rec).startNanos();
      if (ts < retentionCutoff) {
        continue;
      }
      try {
        PartitionIndex p = set.forTimestamp(e.tenant, ts);
        if (p.committedSeq() >= e.seq) {
          continue;
        }
        // Marked before adding: if the writer fails (a tragic error closes it), the next commit
        // of this index fails too, so the write-ahead log behind it is kept for replay.
        touched.put(p, Boolean.TRUE);
        BytesRef src = new BytesRef(e.payload, e.offsets[i], e.lengths[i]);
        if (rec instanceof LogRecord r) {
          p.writer().addDocument(Documents.log(r, src, e.seq << 20 | i));
        } else {
          p.writer().addDocument(Documents.span((Span) rec, src));
        }
        added++;
      } catch (IOException | RuntimeException ex) {
        errors++;
        if (firstError == null) {
          firstError = ex;
        }
      }
    }
    for (PartitionIndex p : touched.keySet()) {
      p.markChanged();
    }
    String label = e.signal.dirName();
    if (added > 0) {
      metrics.indexedRecords.labelValues(label).inc(added);
    }
    if (errors > 0) {
      metrics.indexErrors.labelValues(label).inc(errors);
      LOG.error("could not index {} of {} records of entry {} (tenant {})", errors, n, e.seq, e.tenant, firstError);
    }
    return added;
  }

  private static String serviceOf(Object rec) {
    return rec instanceof LogRecord r ? r.service() : ((Span) rec).service();
  }
}
