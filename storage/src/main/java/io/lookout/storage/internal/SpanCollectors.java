package io.lookout.storage.internal;

import io.lookout.model.spi.TraceSummary;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import org.apache.lucene.index.BinaryDocValues;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.SortedDocValues;
import org.apache.lucene.search.CollectorManager;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.SimpleCollector;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.BytesRefHash;

/**
 * Collectors of the trace search that read span doc values only. A span without the doc values
 * (written before they existed) is skipped. The managers share one accumulator between their
 * collectors, so they need a searcher without an executor (as {@link Searchers} builds them).
 */
final class SpanCollectors {
  private SpanCollectors() {}

  /** Per distinct trace id, the earliest start seen. */
  static final class TraceMins {
    private final BytesRefHash hash = new BytesRefHash();
    private final int max;
    private long[] mins = new long[256];

    TraceMins(int max) {
      this.max = max;
    }

    void add(BytesRef trace, long start) {
      int id = hash.add(trace);
      if (id >= 0) {
        if (id >= max) {
          throw SpanAggregations.tooLarge("the trace search matched more than " + max
              + " traces before the cursor, the limit is " + max + ": use a shorter time range or more filters");
        }
        if (id >= mins.length) {
          mins = Arrays.copyOf(mins, mins.length * 2);
        }
        mins[id] = start;
      } else {
        id = -id - 1;
        mins[id] = Math.min(mins[id], start);
      }
    }

    int size() {
      return hash.size();
    }

    long min(int id) {
      return mins[id];
    }

    /** The trace id, into {@code scratch} (valid until the next call). */
    BytesRef trace(int id, BytesRef scratch) {
      return hash.get(id, scratch);
    }
  }

  static CollectorManager<SimpleCollector, TraceMins> traceMins(TraceMins into) {
    return manager(() -> new SimpleCollector() {
      BinaryDocValues trace;
      NumericDocValues start;

      @Override
      protected void doSetNextReader(LeafReaderContext ctx) throws IOException {
        trace = DocValues.getBinary(ctx.reader(), Documents.DV_TRACE);
        start = DocValues.getNumeric(ctx.reader(), Documents.START);
      }

      @Override
      public void collect(int doc) throws IOException {
        if (trace.advanceExact(doc) && start.advanceExact(doc)) {
          into.add(trace.binaryValue(), start.longValue());
        }
      }

      @Override
      public ScoreMode scoreMode() {
        return ScoreMode.COMPLETE_NO_SCORES;
      }
    }, into);
  }

  /** Summaries of the traces of the matching spans, keyed by encoded trace id. */
  static CollectorManager<SimpleCollector, Map<BytesRef, TraceSummary>> summaries() {
    Map<BytesRef, Acc> accs = new HashMap<>();
    CollectorManager<SimpleCollector, Map<BytesRef, Acc>> m = manager(() -> new SimpleCollector() {
      SpanValues v;

      @Override
      protected void doSetNextReader(LeafReaderContext ctx) throws IOException {
        v = new SpanValues(ctx.reader());
      }

      @Override
      public void collect(int doc) throws IOException {
        if (!v.trace.advanceExact(doc) || !v.start.advanceExact(doc)) {
          return;
        }
        BytesRef t = v.trace.binaryValue();
        Acc a = accs.get(t);
        if (a == null) {
          a = new Acc(TraceSearch.decode(t));
          accs.put(BytesRef.deepCopyOf(t), a);
        }
        long start = v.start.longValue();
        long duration = v.duration.advanceExact(doc) ? v.duration.longValue() : 0;
        boolean error = v.status.advanceExact(doc) && v.status.longValue() == 2;
        boolean root = !v.parent.advanceExact(doc);
        String service = v.service.advanceExact(doc) ? v.service.lookupOrd(v.service.ordValue()).utf8ToString() : "";
        a.add(start, duration, error, root, service, v.name, doc);
      }

      @Override
      public ScoreMode scoreMode() {
        return ScoreMode.COMPLETE_NO_SCORES;
      }
    }, accs);
    return new CollectorManager<>() {
      @Override
      public SimpleCollector newCollector() throws IOException {
        return m.newCollector();
      }

      @Override
      public Map<BytesRef, TraceSummary> reduce(Collection<SimpleCollector> collectors) {
        Map<BytesRef, TraceSummary> out = new HashMap<>();
        accs.forEach((k, a) -> out.put(k, a.summary()));
        return out;
      }
    };
  }

  /** The doc values of one segment's spans. */
  static final class SpanValues {
    final BinaryDocValues trace;
    final NumericDocValues start;
    final NumericDocValues duration;
    final NumericDocValues status;
    final NumericDocValues parent;
    final SortedDocValues service;
    final SortedDocValues name;

    SpanValues(LeafReader r) throws IOException {
      trace = DocValues.getBinary(r, Documents.DV_TRACE);
      start = DocValues.getNumeric(r, Documents.START);
      duration = DocValues.getNumeric(r, Documents.DURATION);
      status = DocValues.getNumeric(r, Documents.DV_STATUS);
      parent = DocValues.getNumeric(r, Documents.DV_PARENT);
      service = DocValues.getSorted(r, Documents.SERVICE);
      name = DocValues.getSorted(r, Documents.DV_NAME);
    }
  }

  /** One trace's summary as its spans are seen, in any order. */
  private static final class Acc {
    final String traceId;
    final TreeSet<String> services = new TreeSet<>();
    int spans;
    int errors;
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    boolean rootIsReal;
    long rootStart = Long.MAX_VALUE;
    String rootService = "";
    String rootName = "";

    Acc(String traceId) {
      this.traceId = traceId;
    }

    void add(long start, long duration, boolean error, boolean root, String service, SortedDocValues names, int doc)
        throws IOException {
      spans++;
      errors += error ? 1 : 0;
      first = Math.min(first, start);
      last = Math.max(last, start + duration);
      services.add(service);
      // the root span wins; without one, the earliest span stands in
      boolean better = root && !rootIsReal || root == rootIsReal && start < rootStart;
      if (better) {
        rootIsReal = root;
        rootStart = start;
        rootService = service;
        rootName = names.advanceExact(doc) ? names.lookupOrd(names.ordValue()).utf8ToString() : "";
      }
    }

    TraceSummary summary() {
      services.remove("");
      return new TraceSummary(traceId, rootService, rootName, first, Math.max(0, last - first), spans, errors,
          new ArrayList<>(services));
    }
  }

  /** A manager whose collectors all feed one accumulator (sequential search only). */
  static <T> CollectorManager<SimpleCollector, T> manager(java.util.function.Supplier<SimpleCollector> make,
      T result) {
    return new CollectorManager<>() {
      @Override
      public SimpleCollector newCollector() {
        return make.get();
      }

      @Override
      public T reduce(Collection<SimpleCollector> collectors) {
        return result;
      }
    };
  }
}
