package io.lookout.storage.internal.tsdb;

import io.lookout.model.metrics.Labels;
import io.lookout.model.metrics.MetricMetadata;
import io.lookout.model.metrics.NativeHistogram;
import io.lookout.model.metrics.Sample;
import io.lookout.model.metrics.SeriesBatch;
import io.lookout.storage.internal.Partitioning;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The time-series store: a head in memory per tenant (series and their open chunks), fed from the
 * write-ahead log, and Lucene partitions ({@code <root>/<tenant>/<partition>/}) the head is
 * persisted to at each commit. The caller (the storage engine) serialises {@link #apply} against
 * {@link #commit} with its commit lock, exactly as for logs and spans.
 */
public final class Tsdb {
  private static final Logger LOG = LoggerFactory.getLogger(Tsdb.class);
  public static final String OOO_WINDOW_VAR = "LOOKOUT_METRICS_OOO_WINDOW";

  final Path root;
  final long partMs;
  final long windowMs;
  final TsdbMetrics metrics;
  final Map<String, TenantHead> heads = new ConcurrentHashMap<>();
  final Map<String, NavigableMap<Long, TsdbPartition>> parts = new ConcurrentHashMap<>();
  private final String windowText;
  private volatile String commitFailure;

  public Tsdb(Path root, long partitionNanos, long windowMs, String windowText, TsdbMetrics metrics) {
    this.root = root;
    this.partMs = partitionNanos / 1_000_000L;
    this.windowMs = windowMs;
    this.windowText = windowText;
    this.metrics = metrics;
    metrics.seriesGauge(() -> {
      long n = 0;
      for (TenantHead h : heads.values()) {
        n += h.size();
      }
      return n;
    });
  }

  /** Opens the partitions on disk and registers their series (with their newest time) in the head. */
  public void openExisting() throws IOException {
    Files.createDirectories(root);
    try (Stream<Path> tenants = Files.list(root)) {
      for (Path t : tenants.filter(Files::isDirectory).toList()) {
        try (Stream<Path> ps = Files.list(t)) {
          for (Path p : ps.filter(Files::isDirectory).toList()) {
            Long startNanos = Partitioning.parseStart(p.getFileName().toString());
            if (startNanos == null) {
              continue;
            }
            String tenant = t.getFileName().toString();
            long start = startNanos / 1_000_000L;
            TsdbPartition part = TsdbPartition.open(tenant, start, partMs, p);
            partitions(tenant).put(start, part);
            PartitionReader.restoreSeries(part, head(tenant));
          }
        }
        MetadataFile.load(t, head(t.getFileName().toString()));
      }
    }
  }

  TenantHead head(String tenant) {
    return heads.computeIfAbsent(tenant, TenantHead::new);
  }

  NavigableMap<Long, TsdbPartition> partitions(String tenant) {
    return parts.computeIfAbsent(tenant, k -> new ConcurrentSkipListMap<>());
  }

  private TsdbPartition partitionFor(String tenant, long startMs) throws IOException {
    NavigableMap<Long, TsdbPartition> m = partitions(tenant);
    TsdbPartition p = m.get(startMs);
    if (p != null) {
      return p;
    }
    synchronized (this) {
      p = m.get(startMs);
      if (p == null) {
        String name = Partitioning.name(startMs * 1_000_000L, partMs * 1_000_000L);
        p = TsdbPartition.open(tenant, startMs, partMs, root.resolve(tenant).resolve(name));
        m.put(startMs, p);
      }
      return p;
    }
  }

  /** The partition of a tenant starting at {@code startMs}, with the series indexed in it. */
  private TsdbPartition partitionWithSeries(String tenant, MemSeries s, long startMs) throws IOException {
    TsdbPartition p = partitionFor(tenant, startMs);
    if (!s.indexedIn.contains(startMs)) {
      p.addSeries(s);
      s.indexedIn.add(startMs);
    }
    return p;
  }

  /** What an append keeps after the checks that can be made before the write-ahead log. */
  public record Prepared(SeriesBatch batch, long accepted, long rejected, String message, SeriesRefs refs) {}

  /**
   * The head series of a batch's series, by position (null where new), found by the append-time
   * check and reused to encode the log entry and to add the batch without looking them up again.
   */
  public static final class SeriesRefs {
    final MemSeries[] series;

    SeriesRefs(int n) {
      series = new MemSeries[n];
    }

    /** The series at {@code i}, or null when it was new or has left the head since. */
    MemSeries at(int i) {
      MemSeries s = i < series.length ? series[i] : null;
      return s == null || s.removed ? null : s;
    }
  }

  /**
   * Refuses samples older than the retention or the out-of-order window of their series, and a
   * different value at a series' newest timestamp; the rest goes to the log.
   */
  public Prepared prepare(String tenant, SeriesBatch batch, long retentionCutoffMs, String retentionText) {
    TenantHead head = heads.get(tenant);
    long tooOld = 0;
    long outOfWindow = 0;
    long duplicate = 0;
    List<SeriesBatch.Series> kept = null;
    List<SeriesBatch.Series> all = batch.series();
    SeriesRefs refs = new SeriesRefs(all.size());
    for (int i = 0; i < all.size(); i++) {
      SeriesBatch.Series s = all.get(i);
      MemSeries ms = head == null ? null : head.get(s.labels());
      refs.series[i] = ms;
      if (s.histograms().isEmpty() && (ms != null ? ms.allNewer(s.samples(), retentionCutoffMs)
          : allAtOrAfter(s.samples(), retentionCutoffMs))) {
        if (kept != null) {
          kept.add(s);
        }
        continue;
      }
      List<Sample> samples = null;
      List<NativeHistogram> hists = null;
      for (int j = 0; j < s.samples().size(); j++) {
        Sample x = s.samples().get(j);
        MemSeries.Outcome o = x.timestampMillis() < retentionCutoffMs ? null
            : ms == null ? MemSeries.Outcome.ADDED : ms.peekFloat(x.timestampMillis(), x.value(), windowMs);
        if (o == MemSeries.Outcome.ADDED || o == MemSeries.Outcome.SAME) {
          if (samples != null) {
            samples.add(x);
          }
          continue;
        }
        if (samples == null) {
          samples = new ArrayList<>(s.samples().subList(0, j));
        }
        if (o == null) {
          tooOld++;
        } else if (o == MemSeries.Outcome.TOO_OLD) {
          outOfWindow++;
        } else {
          duplicate++;
        }
      }
      for (int j = 0; j < s.histograms().size(); j++) {
        NativeHistogram h = s.histograms().get(j);
        MemSeries.Outcome o = h.timestampMillis() < retentionCutoffMs ? null
            : ms == null ? MemSeries.Outcome.ADDED : ms.peekHistogram(h.timestampMillis(), windowMs);
        if (o == MemSeries.Outcome.ADDED) {
          if (hists != null) {
            hists.add(h);
          }
          continue;
        }
        if (hists == null) {
          hists = new ArrayList<>(s.histograms().subList(0, j));
        }
        if (o == null) {
          tooOld++;
        } else {
          outOfWindow++;
        }
      }
      if (samples != null || hists != null) {
        if (kept == null) {
          kept = new ArrayList<>(all.subList(0, i));
        }
        kept.add(new SeriesBatch.Series(s.labels(), samples != null ? samples : s.samples(),
            hists != null ? hists : s.histograms(), s.exemplars()));
      } else if (kept != null) {
        kept.add(s);
      }
    }
    long total = batch.sampleCount();
    long rejected = tooOld + outOfWindow + duplicate;
    if (rejected == 0) {
      return new Prepared(batch, total, 0, "", refs);
    }
    count("retention", tooOld);
    count("out_of_window", outOfWindow);
    count("duplicate", duplicate);
    List<String> why = new ArrayList<>();
    if (tooOld > 0) {
      why.add(tooOld + " older than the retention (LOOKOUT_RETENTION=" + retentionText + ")");
    }
    if (outOfWindow > 0) {
      why.add(outOfWindow + " older than their series' newest sample by more than the out-of-order window ("
          + OOO_WINDOW_VAR + "=" + windowText + ")");
    }
    if (duplicate > 0) {
      why.add(duplicate + " with a different value for a timestamp already stored");
    }
    String msg = rejected + " of " + total + " samples were rejected: " + String.join("; ", why);
    return new Prepared(new SeriesBatch(kept, batch.metadata()), total - rejected, rejected, msg, refs);
  }

  private static boolean allAtOrAfter(List<Sample> samples, long cutoff) {
    for (int i = 0; i < samples.size(); i++) {
      if (samples.get(i).timestampMillis() < cutoff) {
        return false;
      }
    }
    return true;
  }

  private void count(String reason, long n) {
    if (n > 0) {
      metrics.rejected.labelValues(reason).inc(n);
    }
  }

  /**
   * Adds a durable batch to the head. When {@code replay}, samples whose partition already
   * committed {@code seq} are skipped (they are in the index).
   */
  public long apply(String tenant, long seq, SeriesBatch batch, long retentionCutoffMs, boolean replay) {
    return apply(tenant, seq, batch, null, retentionCutoffMs, replay);
  }

  /** As {@link #apply(String, long, SeriesBatch, long, boolean)}, with the series found by {@link #prepare}. */
  public long apply(String tenant, long seq, SeriesBatch batch, SeriesRefs refs, long retentionCutoffMs,
      boolean replay) {
    TenantHead head = head(tenant);
    for (MetricMetadata m : batch.metadata()) {
      if (!m.equals(head.metadata.put(m.familyName(), m))) {
        head.metadataDirty = true;
      }
    }
    NavigableMap<Long, TsdbPartition> pm = replay ? partitions(tenant) : null;
    long added = 0;
    long duplicate = 0;
    long tooOld = 0;
    long exemplars = 0;
    long[] counts = new long[MemSeries.Outcome.values().length];
    java.util.function.LongPredicate skip = replay ? t -> TsdbExemplars.committed(pm, t, seq, partMs) : null;
    List<SeriesBatch.Series> all = batch.series();
    for (int i = 0; i < all.size(); i++) {
      SeriesBatch.Series s = all.get(i);
      MemSeries ms = refs == null ? null : refs.at(i);
      if (ms == null) {
        ms = head.getOrCreate(s.labels());
      }
      if (!s.samples().isEmpty()) {
        ms.appendFloats(s.samples(), retentionCutoffMs, skip, windowMs, partMs, counts);
      }
      for (NativeHistogram h : s.histograms()) {
        long t = h.timestampMillis();
        if (t < retentionCutoffMs || (replay && TsdbExemplars.committed(pm, t, seq, partMs))) {
          continue;
        }
        switch (ms.appendHistogram(h, windowMs, partMs)) {
          case ADDED -> added++;
          case DUPLICATE -> duplicate++;
          case TOO_OLD -> tooOld++;
          case SAME -> { }
        }
      }
      if (!s.exemplars().isEmpty()) {
        exemplars += TsdbExemplars.apply(ms, s, seq, retentionCutoffMs, pm, partMs);
      }
    }
    added += counts[MemSeries.Outcome.ADDED.ordinal()];
    duplicate += counts[MemSeries.Outcome.DUPLICATE.ordinal()];
    tooOld += counts[MemSeries.Outcome.TOO_OLD.ordinal()];
    metrics.exemplars.inc(exemplars);
    metrics.samples.inc(added);
    count("duplicate", duplicate);
    count("out_of_window", tooOld);
    return added;
  }

  /**
   * Writes everything the indexes lack (new chunks, snapshots of open chunks, out-of-order
   * samples, series documents) and commits each changed partition with {@code wal_seq=seq}. The
   * caller blocks {@link #apply} meanwhile.
   */
  public void commit(long seq, long retentionCutoffMs) throws IOException {
    List<MemSeries.ChunkWrite> writes = new ArrayList<>();
    try {
      for (TenantHead head : heads.values()) {
        for (MemSeries s : head.all()) {
          s.evict(windowMs, retentionCutoffMs, partMs);
          writes.clear();
          s.collectWrites(partMs, writes);
          for (MemSeries.ChunkWrite w : writes) {
            if (w.partStartMs() + partMs <= retentionCutoffMs) {
              continue;
            }
            partitionWithSeries(head.tenant, s, w.partStartMs()).addChunk(s.ref, w);
          }
          TsdbExemplars.write(s, partMs, retentionCutoffMs, start -> partitionWithSeries(head.tenant, s, start));
        }
        if (head.metadataDirty) {
          head.metadataDirty = false;
          MetadataFile.save(root.resolve(head.tenant), head);
        }
      }
      for (TsdbPartition p : allPartitions()) {
        p.commitIfDirty(seq);
      }
      commitFailure = null;
    } catch (IOException | RuntimeException e) {
      commitFailure = "commit of the time-series store failed: " + e.getMessage();
      throw e;
    }
  }

  List<TsdbPartition> allPartitions() {
    List<TsdbPartition> out = new ArrayList<>();
    for (NavigableMap<Long, TsdbPartition> m : parts.values()) {
      out.addAll(m.values());
    }
    return out;
  }

  public long maxCommittedSeq() {
    long max = -1;
    for (TsdbPartition p : allPartitions()) {
      max = Math.max(max, p.committedSeq());
    }
    return max;
  }

  /** Deletes partitions ending at or before {@code cutoffMs} and their head data; returns how many. */
  public int deleteExpired(long cutoffMs) throws IOException {
    int n = 0;
    for (NavigableMap<Long, TsdbPartition> m : parts.values()) {
      for (TsdbPartition p : List.copyOf(m.values())) {
        if (p.endMs <= cutoffMs && m.remove(p.startMs, p)) {
          LOG.info("retention: deleting partition {}", p.dir);
          p.close();
          deleteTree(p.dir);
          n++;
        }
      }
    }
    for (TenantHead h : heads.values()) {
      for (MemSeries s : List.copyOf(h.all())) {
        if (s.evict(windowMs, cutoffMs, partMs) && s.maxT < cutoffMs) {
          h.remove(s);
        }
      }
    }
    return n;
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** The first failure among the partition writers and the last commit, or null. */
  public String failure() {
    for (TsdbPartition p : allPartitions()) {
      Throwable t = p.tragedy();
      if (t != null) {
        return "time-series index " + p.dir + " failed: " + t.getMessage();
      }
    }
    return commitFailure;
  }

  public void close() {
    for (TsdbPartition p : allPartitions()) {
      try {
        p.close();
      } catch (IOException | RuntimeException e) {
        LOG.warn("closing {} failed", p.dir, e);
      }
    }
  }

  Collection<TenantHead> headsView() {
    return heads.values();
  }

  /** Series and their labels restored for tests and startup logs. */
  public long headSeries() {
    long n = 0;
    for (TenantHead h : heads.values()) {
      n += h.size();
    }
    return n;
  }

  static Labels labelsOf(MemSeries s) {
    return s.labels;
  }
}
