package io.lookout.storage.internal;

import io.lookout.model.spi.DependencyEdge;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.lucene.index.BinaryDocValues;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.SortedDocValues;
import org.apache.lucene.search.CollectorManager;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.SimpleCollector;
import org.apache.lucene.util.BytesRef;

/**
 * The parent-child join of the service map, in primitive arrays: per span its trace hash, span
 * id, parent id, service and error flag (29 bytes), then an open-addressing table from (trace,
 * span) to the span (8 bytes per span). At most {@code max} spans; more fail with TOO_LARGE.
 */
final class SpanJoin {
  private static final byte HAS_PARENT = 1;
  private static final byte ERROR = 2;

  private final int max;
  private final Map<String, Integer> serviceIds = new HashMap<>();
  private final List<String> serviceNames = new ArrayList<>();
  private long[] traces = new long[1024];
  private long[] ids = new long[1024];
  private long[] parents = new long[1024];
  private int[] services = new int[1024];
  private byte[] flags = new byte[1024];
  private int size;

  SpanJoin(int max) {
    this.max = max;
  }

  int serviceId(String name) {
    return serviceIds.computeIfAbsent(name, k -> {
      serviceNames.add(k);
      return serviceNames.size() - 1;
    });
  }

  void add(long trace, long id, boolean hasParent, long parent, int service, boolean error) {
    if (size == max) {
      throw SpanAggregations.tooLarge("the service map of this range would join more than " + max
          + " spans, the limit is " + max + ": use a shorter time range");
    }
    if (size == ids.length) {
      int n = Math.min(max, size * 2);
      traces = Arrays.copyOf(traces, n);
      ids = Arrays.copyOf(ids, n);
      parents = Arrays.copyOf(parents, n);
      services = Arrays.copyOf(services, n);
      flags = Arrays.copyOf(flags, n);
    }
    traces[size] = trace;
    ids[size] = id;
    parents[size] = parent;
    services[size] = service;
    flags[size] = (byte) ((hasParent ? HAS_PARENT : 0) | (error ? ERROR : 0));
    size++;
  }

  /** Edges sorted by parent then child service. */
  List<DependencyEdge> edges() {
    int cap = Integer.highestOneBit(Math.max(2, size * 2 - 1)) << 1;
    int mask = cap - 1;
    int[] table = new int[cap];
    for (int i = 0; i < size; i++) {
      int slot = slot(traces[i], ids[i], mask);
      while (table[slot] != 0) {
        slot = (slot + 1) & mask;
      }
      table[slot] = i + 1;
    }
    Map<Long, long[]> counts = new HashMap<>();
    for (int i = 0; i < size; i++) {
      if ((flags[i] & HAS_PARENT) == 0) {
        continue;
      }
      int slot = slot(traces[i], parents[i], mask);
      for (int e = table[slot]; e != 0; slot = (slot + 1) & mask, e = table[slot]) {
        int p = e - 1;
        if (traces[p] == traces[i] && ids[p] == parents[i]) {
          if (services[p] != services[i]) {
            long[] c = counts.computeIfAbsent((long) services[p] << 32 | services[i], k -> new long[2]);
            c[0]++;
            c[1] += (flags[i] & ERROR) != 0 ? 1 : 0;
          }
          break;
        }
      }
    }
    List<DependencyEdge> out = new ArrayList<>(counts.size());
    counts.forEach((k, c) -> out.add(new DependencyEdge(serviceNames.get((int) (k >>> 32)),
        serviceNames.get((int) (long) k), c[0], c[1])));
    out.sort(Comparator.comparing(DependencyEdge::parent).thenComparing(DependencyEdge::child));
    return out;
  }

  private static int slot(long trace, long id, int mask) {
    return (int) SpanIds.mix(trace ^ id * 0x9e3779b97f4a7c15L) & mask;
  }

  static CollectorManager<SimpleCollector, SpanJoin> collector(SpanJoin into) {
    return SpanCollectors.manager(() -> new SimpleCollector() {
      BinaryDocValues trace;
      NumericDocValues span;
      NumericDocValues parent;
      NumericDocValues status;
      SortedDocValues service;
      int[] leafServices;

      @Override
      protected void doSetNextReader(LeafReaderContext ctx) throws IOException {
        trace = DocValues.getBinary(ctx.reader(), Documents.DV_TRACE);
        span = DocValues.getNumeric(ctx.reader(), Documents.DV_SPAN);
        parent = DocValues.getNumeric(ctx.reader(), Documents.DV_PARENT);
        status = DocValues.getNumeric(ctx.reader(), Documents.DV_STATUS);
        service = DocValues.getSorted(ctx.reader(), Documents.SERVICE);
        leafServices = new int[service.getValueCount()];
        Arrays.fill(leafServices, -1);
      }

      @Override
      public void collect(int doc) throws IOException {
        if (!trace.advanceExact(doc) || !span.advanceExact(doc) || !service.advanceExact(doc)) {
          return;
        }
        int ord = service.ordValue();
        if (leafServices[ord] < 0) {
          leafServices[ord] = into.serviceId(service.lookupOrd(ord).utf8ToString());
        }
        BytesRef t = trace.binaryValue();
        boolean hasParent = parent.advanceExact(doc);
        into.add(SpanIds.hashTrace(t.bytes, t.offset, t.length), span.longValue(), hasParent,
            hasParent ? parent.longValue() : 0, leafServices[ord],
            status.advanceExact(doc) && status.longValue() == 2);
      }

      @Override
      public ScoreMode scoreMode() {
        return ScoreMode.COMPLETE_NO_SCORES;
      }
    }, into);
  }
}
