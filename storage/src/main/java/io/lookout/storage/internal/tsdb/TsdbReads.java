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
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
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

  /**
   * The samples of the matching series in {@code [minT, maxT]}. The head is gathered first (a chunk
   * evicted from it after that point is already visible in the index), then the partitions; a
   * chunk both in the head and in a partition (persisted, kept in the head for the out-of-order
   * window) is recognised by its doc values and read from one place only. Every chunk is decoded
   * once, into arrays of the exact result size.
   */
  public List<SeriesSamples> select(String tenant, List<LabelMatcher> matchers, long minT, long maxT,
      SelectLimits limits) {
    long t0 = System.nanoTime();
    long deadline = limits.timeoutMillis() > 0 ? t0 + limits.timeoutMillis() * 1_000_000L : Long.MAX_VALUE;
    Matchers ms = Matchers.compile(matchers);
    Map<Labels, SeriesData> acc = new HashMap<>();
    long[] raw = {0};
    TenantHead head = tsdb.heads.get(tenant);
    if (head != null) {
      for (MemSeries s : candidates(head, ms)) {
        if (!ms.matches(s.labels)) {
          continue;
        }
        SeriesData d = new SeriesData(s.labels, minT, maxT);
        s.snapshot(minT, maxT, d);
        if (!d.isEmpty()) {
          checkSeries(acc, limits);
          acc.put(s.labels, d);
          raw[0] += d.rawCount();
        }
      }
      checkRaw(raw[0], limits);
    }
    forPartitions(tenant, minT, maxT, (part, searcher) -> {
      Map<Long, Labels> refs = PartitionReader.matchSeries(searcher, ms.query());
      long[] sorted = refs.keySet().stream().mapToLong(Long::longValue).sorted().toArray();
      SeriesData[] ds = new SeriesData[sorted.length];
      boolean[] looked = new boolean[sorted.length];
      int[] visited = {0};
      PartitionReader.chunks(searcher, sorted, minT, maxT, new PartitionReader.ChunkVisitor() {
        @Override
        public boolean wants(int i, long lo, long hi) {
          if (!looked[i]) {
            looked[i] = true;
            ds[i] = acc.get(refs.get(sorted[i]));
          }
          SeriesData d = ds[i];
          if (d == null) {
            return true;
          }
          long before = d.rawCount();
          boolean wanted = d.wantsPartitionChunk(lo, hi); // may drop the head's copy of the chunk
          raw[0] += d.rawCount() - before;
          return wanted;
        }

        @Override
        public void chunk(int i, long lo, long hi, BytesRef bytes) {
          if ((++visited[0] & 63) == 0) {
            checkDeadline(deadline, limits);
          }
          SeriesData d = ds[i];
          if (d == null) {
            d = data(acc, refs.get(sorted[i]), minT, maxT, limits);
            ds[i] = d;
          }
          long before = d.rawCount();
          byte[] b = Arrays.copyOfRange(bytes.bytes, bytes.offset, bytes.offset + bytes.length);
          if (PackedChunk.isFloatChunk(b[0])) {
            d.floatChunk(b, 0, b.length, lo, hi);
          } else {
            for (NativeHistogram h : HistogramCodec.decodeChunk(b, 0, b.length)) {
              if (h.timestampMillis() >= minT && h.timestampMillis() <= maxT) {
                d.add(h);
              }
            }
          }
          raw[0] += d.rawCount() - before;
          checkRaw(raw[0], limits);
        }
      });
    });
    checkDeadline(deadline, limits);
    List<SeriesSamples> out = new ArrayList<>(acc.size());
    SeriesData.Scratch scratch = new SeriesData.Scratch();
    long total = 0;
    for (SeriesData d : acc.values()) {
      SeriesSamples s = d.finish(scratch);
      int n = s.size() + s.histograms().size();
      total += n;
      if (total > limits.maxSamples()) {
        throw tooManySamples(limits);
      }
      if (n > 0) {
        out.add(s);
      }
    }
    out.sort((a, b) -> a.labels().compareTo(b.labels()));
    tsdb.metrics.selectSeconds.observe((System.nanoTime() - t0) / 1e9);
    return out;
  }

  private static Collection<MemSeries> candidates(TenantHead head, Matchers ms) {
    Set<String> names = ms.exactNames();
    if (names == null) {
      return head.all();
    }
    if (names.size() == 1) {
      return head.named(names.iterator().next());
    }
    List<MemSeries> out = new ArrayList<>(); // a series has one name: no duplicates
    for (String name : names) {
      out.addAll(head.named(name));
    }
    return out;
  }

  private static void checkSeries(Map<Labels, SeriesData> acc, SelectLimits limits) {
    if (acc.size() >= limits.maxSeries()) {
      throw new LookoutException(ErrorCode.EXECUTION, "the query selects more than " + limits.maxSeries()
          + " series: add label matchers or query a shorter range" + remedy(limits));
    }
  }

  private static SeriesData data(Map<Labels, SeriesData> acc, Labels labels, long minT, long maxT,
      SelectLimits limits) {
    SeriesData d = acc.get(labels);
    if (d == null) {
      checkSeries(acc, limits);
      d = new SeriesData(labels, minT, maxT);
      acc.put(labels, d);
    }
    return d;
  }

  /**
   * Samples gathered so far that are surely in the range (chunks straddling its ends are not
   * counted); duplicates of genuine overlaps are allowed for. Bounds the work before decoding; the
   * result is checked exactly as it is decoded.
   */
  private static void checkRaw(long raw, SelectLimits limits) {
    if (raw > 2 * limits.maxSamples() + 1024) {
      throw tooManySamples(limits);
    }
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
