package io.lookout.storage.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.SortedDocValues;
import org.apache.lucene.search.CollectorManager;
import org.apache.lucene.search.Scorable;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.SimpleCollector;

/** Counting collectors that read doc values only, never stored documents. */
final class Collectors {
  private Collectors() {}

  /** Counts of {@code ts} per bucket {@code [origin + i*step, origin + (i+1)*step)}. */
  static CollectorManager<SimpleCollector, long[]> histogram(long origin, long step, int buckets) {
    return new CollectorManager<>() {
      @Override
      public SimpleCollector newCollector() {
        return new HistogramCollector(origin, step, buckets);
      }

      @Override
      public long[] reduce(Collection<SimpleCollector> collectors) {
        long[] sum = new long[buckets];
        for (SimpleCollector c : collectors) {
          long[] part = ((HistogramCollector) c).counts;
          for (int i = 0; i < buckets; i++) {
            sum[i] += part[i];
          }
        }
        return sum;
      }
    };
  }

  private static final class HistogramCollector extends SimpleCollector {
    final long origin;
    final long step;
    final long[] counts;
    NumericDocValues ts;

    HistogramCollector(long origin, long step, int buckets) {
      this.origin = origin;
      this.step = step;
      this.counts = new long[buckets];
    }

    @Override
    protected void doSetNextReader(LeafReaderContext ctx) throws IOException {
      ts = DocValues.getNumeric(ctx.reader(), Documents.TS);
    }

    @Override
    public void collect(int doc) throws IOException {
      if (ts.advanceExact(doc)) {
        long b = Math.floorDiv(ts.longValue() - origin, step);
        if (b >= 0 && b < counts.length) {
          counts[(int) b]++;
        }
      }
    }

    @Override
    public ScoreMode scoreMode() {
      return ScoreMode.COMPLETE_NO_SCORES;
    }
  }

  /** Counts of each value of a sorted doc-values field among the matches. */
  static CollectorManager<SortedCounter, Map<String, Long>> sortedValueCounts(String field) {
    return new CollectorManager<>() {
      @Override
      public SortedCounter newCollector() {
        return new SortedCounter(field);
      }

      @Override
      public Map<String, Long> reduce(Collection<SortedCounter> collectors) throws IOException {
        Map<String, Long> out = new HashMap<>();
        for (SortedCounter c : collectors) {
          c.resolveInto(out);
        }
        return out;
      }
    };
  }

  static final class SortedCounter extends SimpleCollector {
    private final String field;
    private final List<SortedDocValues> leaves = new ArrayList<>();
    private final List<int[]> leafCounts = new ArrayList<>();
    private SortedDocValues dv;
    private int[] counts;

    SortedCounter(String field) {
      this.field = field;
    }

    @Override
    protected void doSetNextReader(LeafReaderContext ctx) throws IOException {
      dv = DocValues.getSorted(ctx.reader(), field);
      counts = new int[Math.max(0, dv.getValueCount())];
      leaves.add(DocValues.getSorted(ctx.reader(), field));
      leafCounts.add(counts);
    }

    @Override
    public void collect(int doc) throws IOException {
      if (dv.advanceExact(doc)) {
        counts[dv.ordValue()]++;
      }
    }

    @Override
    public void setScorer(Scorable scorer) {}

    @Override
    public ScoreMode scoreMode() {
      return ScoreMode.COMPLETE_NO_SCORES;
    }

    void resolveInto(Map<String, Long> out) throws IOException {
      for (int i = 0; i < leaves.size(); i++) {
        int[] c = leafCounts.get(i);
        for (int ord = 0; ord < c.length; ord++) {
          if (c[ord] > 0) {
            out.merge(leaves.get(i).lookupOrd(ord).utf8ToString(), (long) c[ord], Long::sum);
          }
        }
      }
    }
  }

}
