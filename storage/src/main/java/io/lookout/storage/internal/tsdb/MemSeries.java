package io.lookout.storage.internal.tsdb;

import io.lookout.model.metrics.Exemplar;
import io.lookout.model.metrics.Labels;
import io.lookout.model.metrics.NativeHistogram;
import io.lookout.model.metrics.Sample;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The head state of one series: in-order chunks (the last one open), out-of-order samples not yet
 * persisted, and the newest timestamp and value for duplicate and window checks. Every method
 * runs under the series' monitor.
 */
final class MemSeries {
  enum Outcome { ADDED, SAME, DUPLICATE, TOO_OLD }

  final Labels labels;
  final long ref;
  final String name;
  /** The labels as the write-ahead log and the series index encode them. */
  final byte[] encodedLabels;
  /** Set once the series left its tenant's head (retention); an append must look it up again. */
  volatile boolean removed;
  /** Newest timestamp accepted (head or, after a restart, persisted); MIN_VALUE when none. */
  volatile long maxT = Long.MIN_VALUE;
  private long lastBits;
  private NativeHistogram lastHist;
  final List<HeadChunk> chunks = new ArrayList<>(2);
  final TreeMap<Long, Object> ooo = new TreeMap<>();
  /** Partitions (start, ms) whose index holds this series' document. */
  final Set<Long> indexedIn = new HashSet<>(2);
  /** Newest exemplars; null until the first. */
  private ExemplarBuffer exemplars;

  MemSeries(Labels labels, long ref) {
    this.labels = labels;
    this.ref = ref;
    this.name = labels.metricName();
    this.encodedLabels = SeriesCodec.encodeLabels(labels);
  }

  /**
   * True when every sample is at or after {@code cutoff} and newer than the newest accepted, so
   * that an append would add them all (the fast path of the append-time check).
   */
  synchronized boolean allNewer(List<Sample> samples, long cutoff) {
    long floor = Math.max(maxT, cutoff - 1);
    for (int i = 0; i < samples.size(); i++) {
      if (samples.get(i).timestampMillis() <= floor) {
        return false;
      }
    }
    return true;
  }

  /**
   * Appends float samples under one lock, skipping those before {@code cutoff} or whose partition
   * already committed them ({@code skip}); adds each outcome to {@code counts} (by ordinal).
   */
  synchronized void appendFloats(List<Sample> samples, long cutoff, java.util.function.LongPredicate skip,
      long window, long partMs, long[] counts) {
    for (int i = 0; i < samples.size(); i++) {
      Sample x = samples.get(i);
      long t = x.timestampMillis();
      if (t < cutoff || (skip != null && skip.test(t))) {
        continue;
      }
      counts[appendFloat(t, x.value(), window, partMs).ordinal()]++;
    }
  }

  /** Append-time check without changing state: would this float sample be refused? */
  synchronized Outcome peekFloat(long t, double v, long window) {
    if (t > maxT) {
      return Outcome.ADDED;
    }
    if (t == maxT && lastHist == null && !chunks.isEmpty()) {
      return lastBits == Double.doubleToRawLongBits(v) ? Outcome.SAME : Outcome.DUPLICATE;
    }
    return t < maxT - window ? Outcome.TOO_OLD : Outcome.ADDED;
  }

  synchronized Outcome peekHistogram(long t, long window) {
    if (t >= maxT) {
      return Outcome.ADDED;
    }
    return t < maxT - window ? Outcome.TOO_OLD : Outcome.ADDED;
  }

  synchronized Outcome appendFloat(long t, double v, long window, long partMs) {
    long bits = Double.doubleToRawLongBits(v);
    if (t > maxT) {
      HeadChunk c = openChunk(t, false, partMs);
      c.append(t, v);
      maxT = t;
      lastBits = bits;
      lastHist = null;
      return Outcome.ADDED;
    }
    return older(t, v, window);
  }

  synchronized Outcome appendHistogram(NativeHistogram h, long window, long partMs) {
    long t = h.timestampMillis();
    if (t > maxT) {
      HeadChunk c = openChunk(t, true, partMs);
      c.hists.add(h);
      maxT = t;
      lastHist = h;
      return Outcome.ADDED;
    }
    return older(t, h, window);
  }

  private Outcome older(long t, Object v, long window) {
    Object existing = t == maxT ? last() : null;
    if (existing == null) {
      existing = ooo.get(t);
    }
    if (existing == null) {
      for (int i = chunks.size() - 1; i >= 0 && existing == null; i--) {
        existing = chunks.get(i).valueAt(t);
      }
    }
    if (existing != null) {
      return same(existing, v) ? Outcome.SAME : Outcome.DUPLICATE;
    }
    if (t < maxT - window) {
      return Outcome.TOO_OLD;
    }
    ooo.put(t, v);
    return Outcome.ADDED;
  }

  private Object last() {
    if (maxT == Long.MIN_VALUE || chunks.isEmpty()) {
      return null;
    }
    return lastHist != null ? lastHist : (Object) Double.longBitsToDouble(lastBits);
  }

  private static boolean same(Object a, Object b) {
    if (a instanceof Double x && b instanceof Double y) {
      return Double.doubleToRawLongBits(x) == Double.doubleToRawLongBits(y);
    }
    return a.equals(b);
  }

  private HeadChunk openChunk(long t, boolean histogram, long partMs) {
    long part = Math.floorDiv(t, partMs) * partMs;
    HeadChunk c = chunks.isEmpty() ? null : chunks.get(chunks.size() - 1);
    if (c != null && c.isOpen() && c.partStartMs == part && c.isHistogram() == histogram
        && c.count() < HeadChunk.MAX_SAMPLES) {
      return c;
    }
    if (c != null && c.isOpen()) {
      c.close();
    }
    HeadChunk n = new HeadChunk(ThreadLocalRandom.current().nextLong(), part, histogram);
    chunks.add(n);
    return n;
  }

  /** A chunk to write at commit. */
  record ChunkWrite(long partStartMs, long minT, long maxT, byte[] bytes, long id, boolean open, boolean replaces) {}

  /** Collects what the index lacks: dirty chunks (snapshots of open ones) and out-of-order samples. */
  synchronized void collectWrites(long partMs, List<ChunkWrite> out) {
    for (HeadChunk c : chunks) {
      if (c.dirty()) {
        out.add(new ChunkWrite(c.partStartMs, c.minT(), c.maxT(), c.persistBytes(), c.id, c.isOpen(),
            c.persistedCount > 0));
        c.persistedCount = c.count();
      }
    }
    if (ooo.isEmpty()) {
      return;
    }
    // out-of-order samples become chunks of their own, one per partition and kind
    Map<Long, List<Map.Entry<Long, Object>>> byPart = new TreeMap<>();
    for (Map.Entry<Long, Object> e : ooo.entrySet()) {
      byPart.computeIfAbsent(Math.floorDiv(e.getKey(), partMs) * partMs, k -> new ArrayList<>()).add(e);
    }
    for (Map.Entry<Long, List<Map.Entry<Long, Object>>> p : byPart.entrySet()) {
      long[] ts = new long[p.getValue().size()];
      double[] vs = new double[ts.length];
      int nf = 0;
      List<NativeHistogram> hists = new ArrayList<>();
      for (Map.Entry<Long, Object> e : p.getValue()) {
        if (e.getValue() instanceof Double d) {
          ts[nf] = e.getKey();
          vs[nf++] = d;
        } else {
          hists.add((NativeHistogram) e.getValue());
        }
      }
      ThreadLocalRandom rnd = ThreadLocalRandom.current();
      if (nf > 0) {
        out.add(new ChunkWrite(p.getKey(), ts[0], ts[nf - 1], PackedChunk.encode(ts, vs, nf), rnd.nextLong(), false,
            false));
      }
      if (!hists.isEmpty()) {
        out.add(new ChunkWrite(p.getKey(), hists.get(0).timestampMillis(),
            hists.get(hists.size() - 1).timestampMillis(), HistogramCodec.encodeChunk(hists), rnd.nextLong(),
            false, false));
      }
    }
    ooo.clear();
  }

  /**
   * Drops closed chunks the index already holds once they are older than the out-of-order window
   * (kept until then for duplicate checks), and chunks of partitions ending before
   * {@code cutoffMs}. Returns true when the series holds nothing in memory any more.
   */
  synchronized boolean evict(long window, long cutoffMs, long partMs) {
    Iterator<HeadChunk> it = chunks.iterator();
    while (it.hasNext()) {
      HeadChunk c = it.next();
      boolean expired = c.partStartMs + partMs <= cutoffMs;
      boolean done = !c.isOpen() && !c.dirty() && c.maxT() < maxT - window;
      if (expired || done) {
        it.remove();
      }
    }
    ooo.headMap(cutoffMs).clear();
    indexedIn.removeIf(p -> p + partMs <= cutoffMs);
    if (exemplars != null) {
      exemplars.evict(cutoffMs);
      if (exemplars.isEmpty()) {
        exemplars = null;
      }
    }
    return chunks.isEmpty() && ooo.isEmpty() && (exemplars == null || !exemplars.hasUnpersisted());
  }

  /**
   * Gathers the head data overlapping {@code [minT, maxT]} into {@code d} for a query: copies of
   * the float chunks' bytes (decoded later, outside the lock), the histograms and the out-of-order
   * samples in the range; every chunk is registered so that partition copies of it are recognised.
   */
  synchronized void snapshot(long minT, long maxTq, SeriesData d) {
    for (HeadChunk c : chunks) {
      if (c.count() > 0 && c.minT() <= maxTq && c.maxT() >= minT) {
        if (!c.isHistogram()) {
          d.headFloatChunk(c.floatBytes(), c.minT(), c.maxT());
        } else {
          d.headHistogramChunk(c.minT(), c.maxT());
          for (NativeHistogram h : c.hists) {
            if (h.timestampMillis() >= minT && h.timestampMillis() <= maxTq) {
              d.add(h);
            }
          }
        }
      }
    }
    if (!ooo.isEmpty()) {
      for (Map.Entry<Long, Object> e : ooo.subMap(minT, true, maxTq, true).entrySet()) {
        if (e.getValue() instanceof Double v) {
          d.add(e.getKey(), v);
        } else {
          d.add((NativeHistogram) e.getValue());
        }
      }
    }
  }

  /** Keeps an exemplar unless older than the newest kept or already kept; true when kept. */
  synchronized boolean addExemplar(Exemplar e) {
    if (exemplars == null) {
      exemplars = new ExemplarBuffer();
    }
    return exemplars.add(e);
  }

  /** The exemplars the index lacks, by partition start; from now on they count as persisted. */
  synchronized Map<Long, List<Exemplar>> takeExemplarWrites(long partMs) {
    return exemplars == null || !exemplars.hasUnpersisted() ? Map.of() : exemplars.takeUnpersisted(partMs);
  }

  /** The exemplars in the head with timestamps in {@code [minT, maxT]}. */
  synchronized void exemplarsIn(long minT, long maxTq, List<Exemplar> out) {
    if (exemplars != null) {
      exemplars.in(minT, maxTq, out);
    }
  }

  synchronized long memoryBytes() {
    long n = 128L + ooo.size() * 64L + (exemplars == null ? 0 : exemplars.size() * 160L);
    for (HeadChunk c : chunks) {
      n += c.memoryBytes();
    }
    return n;
  }

  synchronized void restoreMaxT(long t) {
    if (t > maxT) {
      maxT = t;
    }
  }

  /** True when the head holds data overlapping {@code [minT, maxT]}. */
  synchronized boolean hasDataIn(long minT, long maxTq) {
    for (HeadChunk c : chunks) {
      if (c.count() > 0 && c.minT() <= maxTq && c.maxT() >= minT) {
        return true;
      }
    }
    return !ooo.subMap(minT, true, maxTq, true).isEmpty();
  }
}
