package io.lookout.storage.internal.tsdb;

import io.lookout.model.ErrorCode;
import io.lookout.model.LookoutException;
import io.lookout.model.metrics.Exemplar;
import io.lookout.model.metrics.LabelMatcher;
import io.lookout.model.metrics.Labels;
import io.lookout.model.metrics.MetricMetadata;
import io.lookout.model.metrics.NativeHistogram;
import io.lookout.model.metrics.SelectLimits;
import io.lookout.model.metrics.SeriesExemplars;
import io.lookout.model.metrics.SeriesSamples;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.util.BytesRef;

/** The read side of the time-series store: select, series, label names and values, metadata. */
public final class TsdbReads {
  private final Tsdb tsdb;

  public TsdbReads(Tsdb tsdb) {
    this.tsdb = tsdb;
  }

  public List<SeriesSamples> select(String tenant, List<LabelMatcher> matchers, long minT, long maxT,
      SelectLimits limits) {
    long t0 = System.nanoTime();
    long deadline = limits.timeoutMillis() > 0 ? t0 + limits.timeoutMillis() * 1_000_000L : Long.MAX_VALUE;
    Matchers ms = Matchers.compile(matchers);
    Map<Labels, SeriesData> acc = new HashMap<>();
    long[] raw = {0};
    // the head first (a chunk evicted from it after this point is already visible in the index)
    List<Map.Entry<Labels, List<byte[]>>> headChunks = new ArrayList<>();
    List<Map.Entry<Labels, TreeMap<Long, Object>>> headOoo = new ArrayList<>();
    TenantHead head = tsdb.heads.get(tenant);
    if (head != null) {
      for (MemSeries s : candidates(head, ms)) {
        if (!ms.matches(s.labels)) {
          continue;
        }
        List<byte[]> cs = new ArrayList<>();
        TreeMap<Long, Object> ooo = new TreeMap<>();
        s.snapshot(minT, maxT, cs, ooo);
        if (!cs.isEmpty()) {
          headChunks.add(Map.entry(s.labels, cs));
        }
        if (!ooo.isEmpty()) {
          headOoo.add(Map.entry(s.labels, ooo));
        }
      }
    }
    forPartitions(tenant, minT, maxT, (part, searcher) -> {
      Map<Long, Labels> refs = PartitionReader.matchSeries(searcher, ms.query());
      long[] sorted = refs.keySet().stream().mapToLong(Long::longValue).sorted().toArray();
      PartitionReader.chunks(searcher, sorted, minT, maxT, (ref, bytes) -> {
        checkDeadline(deadline, limits);
        decode(data(acc, refs.get(ref), limits), bytes.bytes, bytes.offset, bytes.length, minT, maxT, raw, limits);
      });
    });
    for (Map.Entry<Labels, List<byte[]>> e : headChunks) {
      SeriesData d = data(acc, e.getKey(), limits);
      for (byte[] b : e.getValue()) {
        decode(d, b, 0, b.length, minT, maxT, raw, limits);
      }
    }
    for (Map.Entry<Labels, TreeMap<Long, Object>> e : headOoo) {
      SeriesData d = data(acc, e.getKey(), limits);
      e.getValue().forEach((t, v) -> {
        if (v instanceof Double x) {
          d.add(t, x);
        } else {
          d.add((NativeHistogram) v);
        }
      });
    }
    List<SeriesSamples> out = new ArrayList<>(acc.size());
    long total = 0;
    for (SeriesData d : acc.values()) {
      SeriesSamples s = d.finish();
      total += s.size() + s.histograms().size();
      if (total > limits.maxSamples()) {
        throw tooManySamples(limits);
      }
      if (s.size() + s.histograms().size() > 0) {
        out.add(s);
      }
    }
    out.sort((a, b) -> a.labels().compareTo(b.labels()));
    tsdb.metrics.selectSeconds.observe((System.nanoTime() - t0) / 1e9);
    return out;
  }

  private static Collection<MemSeries> candidates(TenantHead head, Matchers ms) {
    String name = ms.exactName();
    return name != null ? head.named(name) : head.all();
  }

  private static SeriesData data(Map<Labels, SeriesData> acc, Labels labels, SelectLimits limits) {
    SeriesData d = acc.get(labels);
    if (d == null) {
      if (acc.size() >= limits.maxSeries()) {
        throw new LookoutException(ErrorCode.EXECUTION, "the query selects more than " + limits.maxSeries()
            + " series: add label matchers or query a shorter range" + remedy(limits));
      }
      d = new SeriesData(labels);
      acc.put(labels, d);
    }
    return d;
  }

  private static LookoutException tooManySamples(SelectLimits limits) {
    return new LookoutException(ErrorCode.EXECUTION, "the query selects more than " + limits.maxSamples()
        + " samples: query a shorter range or fewer series" + remedy(limits));
  }

  private static String remedy(SelectLimits limits) {
    return limits.remedy().isEmpty() ? "" : "; " + limits.remedy();
  }

  private static void checkDeadline(long deadline, SelectLimits limits) {
    if (System.nanoTime() > deadline) {
      throw new LookoutException(ErrorCode.TIMEOUT, "select timed out after " + limits.timeoutMillis()
          + "ms: query a shorter range or fewer series");
    }
  }

  private static void decode(SeriesData d, byte[] b, int off, int len, long minT, long maxT, long[] raw,
      SelectLimits limits) {
    if (PackedChunk.isFloatChunk(b[off])) {
      PackedChunk.decodeFloats(b, off, len, (t, v) -> {
        if (t >= minT && t <= maxT) {
          d.add(t, v);
          raw[0]++;
        }
      });
    } else {
      for (NativeHistogram h : HistogramCodec.decodeChunk(b, off, len)) {
        if (h.timestampMillis() >= minT && h.timestampMillis() <= maxT) {
          d.add(h);
          raw[0]++;
        }
      }
    }
    // duplicates (an open chunk both in the index and in the head) are dropped later; allow for them
    if (raw[0] > 2 * limits.maxSamples() + 1024) {
      throw tooManySamples(limits);
    }
  }

  private interface PartitionVisitor {
    void visit(TsdbPartition p, IndexSearcher s) throws IOException;
  }

  private void forPartitions(String tenant, long minT, long maxT, PartitionVisitor v) {
    NavigableMap<Long, TsdbPartition> m = tsdb.parts.get(tenant);
    if (m == null) {
      return;
    }
    for (TsdbPartition p : m.headMap(maxT, true).values()) {
      if (!p.overlaps(minT, maxT)) {
        continue;
      }
      IndexSearcher s = null;
      try {
        s = p.acquire();
        if (s != null) {
          v.visit(p, s);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } finally {
        if (s != null) {
          p.release(s);
        }
      }
    }
  }

  /** Label sets of matching series with data in the range (partition granularity for persisted data). */
  public List<Labels> series(String tenant, List<List<LabelMatcher>> sets, long start, long end, int limit) {
    TreeSet<Labels> out = new TreeSet<>();
    forMatching(tenant, sets, start, end, out::add);
    return truncate(new ArrayList<>(out), limit);
  }

  /**
   * Exemplars of the series matching any set, in {@code [start, end]}, from the head and the
   * indexes (an exemplar in both while a commit is under way is kept once); at most {@code limit}
   * series when positive.
   */
  public List<SeriesExemplars> exemplars(String tenant, List<List<LabelMatcher>> sets, long start, long end,
      int limit) {
    Map<Labels, java.util.LinkedHashSet<Exemplar>> acc = new TreeMap<>();
    List<List<LabelMatcher>> all = sets.isEmpty() ? List.of(List.of()) : sets;
    for (List<LabelMatcher> set : all) {
      Matchers ms = Matchers.compile(set);
      TenantHead head = tsdb.heads.get(tenant);
      if (head != null) {
        for (MemSeries s : candidates(head, ms)) {
          if (ms.matches(s.labels)) {
            List<Exemplar> es = new ArrayList<>();
            s.exemplarsIn(start, end, es);
            if (!es.isEmpty()) {
              acc.computeIfAbsent(s.labels, k -> new java.util.LinkedHashSet<>()).addAll(es);
            }
          }
        }
      }
      forPartitions(tenant, start, end, (p, searcher) -> {
        Map<Long, Labels> refs = PartitionReader.matchSeries(searcher, ms.query());
        PartitionReader.exemplars(searcher, refs.keySet(), (ref, b) -> {
          for (Exemplar e : ExemplarCodec.decode(b.bytes, b.offset, b.length)) {
            if (e.timestampMillis() >= start && e.timestampMillis() <= end) {
              acc.computeIfAbsent(refs.get(ref), k -> new java.util.LinkedHashSet<>()).add(e);
            }
          }
        });
      });
    }
    List<SeriesExemplars> out = new ArrayList<>(acc.size());
    for (Map.Entry<Labels, java.util.LinkedHashSet<Exemplar>> e : acc.entrySet()) {
      if (limit > 0 && out.size() >= limit) {
        break;
      }
      List<Exemplar> es = new ArrayList<>(e.getValue());
      es.sort(java.util.Comparator.comparingLong(Exemplar::timestampMillis));
      out.add(new SeriesExemplars(e.getKey(), es));
    }
    return out;
  }

  public List<String> labelNames(String tenant, List<List<LabelMatcher>> sets, long start, long end, int limit) {
    TreeSet<String> out = new TreeSet<>(Labels.NAME_ORDER);
    if (sets.isEmpty()) {
      terms(tenant, TsdbPartition.NAMES, start, end, out);
      headLabels(tenant, start, end, l -> l.list().forEach(x -> out.add(x.name())));
    } else {
      forMatching(tenant, sets, start, end, l -> l.list().forEach(x -> out.add(x.name())));
    }
    return truncate(new ArrayList<>(out), limit);
  }

  public List<String> labelValues(String tenant, String name, List<List<LabelMatcher>> sets, long start, long end,
      int limit) {
    TreeSet<String> out = new TreeSet<>(Labels.NAME_ORDER);
    Consumer<Labels> add = l -> {
      String v = l.get(name);
      if (v != null) {
        out.add(v);
      }
    };
    if (sets.isEmpty()) {
      terms(tenant, TsdbPartition.LABEL_PREFIX + name, start, end, out);
      headLabels(tenant, start, end, add);
    } else {
      forMatching(tenant, sets, start, end, add);
    }
    return truncate(new ArrayList<>(out), limit);
  }

  public Map<String, List<MetricMetadata>> metadata(String tenant, String metric, int limit) {
    TenantHead head = tsdb.heads.get(tenant);
    Map<String, List<MetricMetadata>> out = new LinkedHashMap<>();
    if (head == null) {
      return out;
    }
    TreeMap<String, MetricMetadata> sorted = new TreeMap<>(head.metadata);
    for (MetricMetadata m : sorted.values()) {
      if (metric != null && !metric.equals(m.familyName())) {
        continue;
      }
      if (limit > 0 && out.size() >= limit) {
        break;
      }
      out.put(m.familyName(), List.of(m));
    }
    return out;
  }

  private void forMatching(String tenant, List<List<LabelMatcher>> sets, long start, long end,
      Consumer<Labels> sink) {
    List<List<LabelMatcher>> all = sets.isEmpty() ? List.of(List.of()) : sets;
    for (List<LabelMatcher> set : all) {
      Matchers ms = Matchers.compile(set);
      TenantHead head = tsdb.heads.get(tenant);
      if (head != null) {
        for (MemSeries s : candidates(head, ms)) {
          if (ms.matches(s.labels) && s.hasDataIn(start, end)) {
            sink.accept(s.labels);
          }
        }
      }
      forPartitions(tenant, start, end, (p, searcher) ->
          PartitionReader.matchSeries(searcher, ms.query()).values().forEach(sink));
    }
  }

  private void headLabels(String tenant, long start, long end, Consumer<Labels> sink) {
    TenantHead head = tsdb.heads.get(tenant);
    if (head != null) {
      for (MemSeries s : head.all()) {
        if (s.hasDataIn(start, end)) {
          sink.accept(s.labels);
        }
      }
    }
  }

  private void terms(String tenant, String field, long start, long end, TreeSet<String> out) {
    forPartitions(tenant, start, end, (p, searcher) -> {
      for (LeafReaderContext ctx : searcher.getIndexReader().leaves()) {
        Terms terms = ctx.reader().terms(field);
        if (terms == null) {
          continue;
        }
        TermsEnum te = terms.iterator();
        for (BytesRef t = te.next(); t != null; t = te.next()) {
          out.add(t.utf8ToString());
        }
      }
    });
  }

  private static <T> List<T> truncate(List<T> l, int limit) {
    return limit > 0 && l.size() > limit ? new ArrayList<>(l.subList(0, limit)) : l;
  }
}
