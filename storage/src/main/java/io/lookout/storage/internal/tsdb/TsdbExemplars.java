package io.lookout.storage.internal.tsdb;

import io.lookout.model.metrics.Exemplar;
import io.lookout.model.metrics.NativeHistogram;
import io.lookout.model.metrics.Sample;
import io.lookout.model.metrics.SeriesBatch;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;

/**
 * The exemplar side of the time-series store: keeping a batch's exemplars in the head buffer of
 * their series, and writing the buffered exemplars to their partitions at commit.
 */
final class TsdbExemplars {
  /** The partition starting at a time, with the series indexed in it (created if needed). */
  interface PartitionLookup {
    TsdbPartition withSeries(long partStartMs) throws IOException;
  }

  private TsdbExemplars() {}

  /**
   * Keeps the exemplars of a series in its head buffer; an exemplar without a timestamp takes the
   * newest sample time of the series in the batch (the same on replay, from the same log entry).
   * When {@code pm} is not null (replay), exemplars whose partition already committed {@code seq}
   * are skipped. Returns how many were kept.
   */
  static long apply(MemSeries ms, SeriesBatch.Series s, long seq, long retentionCutoffMs,
      NavigableMap<Long, TsdbPartition> pm, long partMs) {
    long newest = Long.MIN_VALUE;
    for (Sample x : s.samples()) {
      newest = Math.max(newest, x.timestampMillis());
    }
    for (NativeHistogram h : s.histograms()) {
      newest = Math.max(newest, h.timestampMillis());
    }
    List<Exemplar> sorted = new ArrayList<>(s.exemplars().size());
    for (Exemplar e : s.exemplars()) {
      if (e.timestampMillis() != 0) {
        sorted.add(e);
      } else if (newest != Long.MIN_VALUE) {
        sorted.add(new Exemplar(e.labels(), e.value(), newest));
      }
    }
    sorted.sort(Comparator.comparingLong(Exemplar::timestampMillis));
    long kept = 0;
    for (Exemplar e : sorted) {
      long t = e.timestampMillis();
      if (t < retentionCutoffMs || (pm != null && committed(pm, t, seq, partMs))) {
        continue;
      }
      if (ms.addExemplar(e)) {
        kept++;
      }
    }
    return kept;
  }

  /** Writes the exemplars the series buffered since the last commit, skipping expired partitions. */
  static void write(MemSeries s, long partMs, long retentionCutoffMs, PartitionLookup parts) throws IOException {
    for (Map.Entry<Long, List<Exemplar>> e : s.takeExemplarWrites(partMs).entrySet()) {
      if (e.getKey() + partMs <= retentionCutoffMs) {
        continue;
      }
      parts.withSeries(e.getKey()).addExemplars(s.ref, ExemplarCodec.encode(e.getValue()));
    }
  }

  /** True when the partition holding {@code t} already committed {@code seq}. */
  static boolean committed(NavigableMap<Long, TsdbPartition> pm, long t, long seq, long partMs) {
    TsdbPartition p = pm.get(Math.floorDiv(t, partMs) * partMs);
    return p != null && p.committedSeq() >= seq;
  }
}
