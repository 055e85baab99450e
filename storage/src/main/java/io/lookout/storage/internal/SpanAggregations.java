package io.lookout.storage.internal;

import io.lookout.model.ErrorCode;
import io.lookout.model.LookoutException;
import io.lookout.model.spi.DependencyEdge;
import io.lookout.model.spi.Operation;
import io.lookout.model.spi.RedPoint;
import io.lookout.model.spi.RedQuery;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.DocValuesSkipper;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.SortedDocValues;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.CollectionTerminatedException;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.SimpleCollector;
import org.apache.lucene.util.FixedBitSet;

/**
 * Services, operations, the service map and RED metrics of spans, from doc values only (never
 * the stored source). Blocking; never call on an event loop.
 */
public final class SpanAggregations {
  /** Spans one service-map request may join (about 40 bytes of heap each). */
  public static final int MAX_DEPENDENCY_SPANS = 1_000_000;

  private final IndexSet spans;
  private final StorageMetrics metrics;

  public SpanAggregations(IndexSet spans, StorageMetrics metrics) {
    this.spans = spans;
    this.metrics = metrics;
  }

  static Query inRange(long start, long end) {
    return NumericDocValuesField.newSlowRangeQuery(Documents.START, start, end);
  }

  public List<String> services(String tenant, long start, long end) {
    long t0 = System.nanoTime();
    TreeSet<String> out = new TreeSet<>();
    try (Searchers s = Searchers.acquire(spans.overlapping(tenant, start, end))) {
      s.combined(0).search(inRange(start, end), SpanCollectors.manager(() -> new SimpleCollector() {
        SortedDocValues dv;
        FixedBitSet seen;

        @Override
        protected void doSetNextReader(LeafReaderContext ctx) throws IOException {
          dv = DocValues.getSorted(ctx.reader(), Documents.SERVICE);
          DocValuesSkipper skip = ctx.reader().getDocValuesSkipper(Documents.START);
          if (skip != null && skip.docCount() == ctx.reader().maxDoc() && skip.minValue() >= start
              && skip.maxValue() <= end) {
            // the whole segment is in range: its dictionary is the answer
            for (int ord = 0; ord < dv.getValueCount(); ord++) {
              out.add(dv.lookupOrd(ord).utf8ToString());
            }
            throw new CollectionTerminatedException();
          }
          seen = new FixedBitSet(Math.max(1, dv.getValueCount()));
        }

        @Override
        public void collect(int doc) throws IOException {
          if (dv.advanceExact(doc) && !seen.getAndSet(dv.ordValue())) {
            out.add(dv.lookupOrd(dv.ordValue()).utf8ToString());
          }
        }

        @Override
        public ScoreMode scoreMode() {
          return ScoreMode.COMPLETE_NO_SCORES;
        }
      }, out));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      metrics.querySeconds.labelValues("services").observe((System.nanoTime() - t0) / 1e9);
    }
    return new ArrayList<>(out);
  }

  public List<Operation> operations(String tenant, String service, long start, long end) {
    long t0 = System.nanoTime();
    TreeSet<Operation> out = new TreeSet<>(Comparator.comparing(Operation::name).thenComparingInt(Operation::kind));
    Query q = new BooleanQuery.Builder().add(inRange(start, end), Occur.FILTER)
        .add(TraceSearch.term(Documents.SERVICE, service), Occur.FILTER).build();
    try (Searchers s = Searchers.acquire(spans.overlapping(tenant, start, end))) {
      s.combined(0).search(q, SpanCollectors.manager(() -> new SimpleCollector() {
        SortedDocValues names;
        NumericDocValues kinds;
        Set<Long> seen;

        @Override
        protected void doSetNextReader(LeafReaderContext ctx) throws IOException {
          names = DocValues.getSorted(ctx.reader(), Documents.DV_NAME);
          kinds = DocValues.getNumeric(ctx.reader(), Documents.DV_KIND);
          seen = new HashSet<>();
        }

        @Override
        public void collect(int doc) throws IOException {
          if (names.advanceExact(doc)) {
            int kind = kinds.advanceExact(doc) ? (int) kinds.longValue() : 0;
            if (seen.add((long) names.ordValue() << 8 | (kind & 0xff))) {
              out.add(new Operation(names.lookupOrd(names.ordValue()).utf8ToString(), kind));
            }
          }
        }

        @Override
        public ScoreMode scoreMode() {
          return ScoreMode.COMPLETE_NO_SCORES;
        }
      }, out));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      metrics.querySeconds.labelValues("operations").observe((System.nanoTime() - t0) / 1e9);
    }
    return new ArrayList<>(out);
  }

  /**
   * Joins each span's parent id to the span ids of its trace among the spans starting in range
   * (a parent outside the range is not found), counting an edge when the services differ.
   */
  public List<DependencyEdge> dependencies(String tenant, long start, long end, long timeoutMillis) {
    long t0 = System.nanoTime();
    try (Searchers s = Searchers.acquire(spans.overlapping(tenant, start, end))) {
      IndexSearcher searcher = s.combined(timeoutMillis);
      SpanJoin join = searcher.search(inRange(start, end), SpanJoin.collector(new SpanJoin(MAX_DEPENDENCY_SPANS)));
      Searchers.checkTimeout(searcher, timeoutMillis);
      return join.edges();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      metrics.querySeconds.labelValues("dependencies").observe((System.nanoTime() - t0) / 1e9);
    }
  }

  public List<RedPoint> red(RedQuery q) {
    if (q.stepNanos() <= 0) {
      throw LookoutException.badData("invalid step " + q.stepNanos() + "ns: must be positive");
    }
    if (q.service() == null || q.service().isEmpty()) {
      throw LookoutException.badData("missing service: RED metrics are per service");
    }
    long first = Math.floorDiv(q.startNanos(), q.stepNanos()) * q.stepNanos();
    long n = q.endNanos() < q.startNanos() ? 0
        : (Math.floorDiv(q.endNanos(), q.stepNanos()) * q.stepNanos() - first) / q.stepNanos() + 1;
    if (n > LogSearch.MAX_BUCKETS || n < 0) {
      throw LookoutException.badData("RED query would have " + n + " buckets, the limit is " + LogSearch.MAX_BUCKETS
          + ": use a larger step or a shorter time range");
    }
    long t0 = System.nanoTime();
    BooleanQuery.Builder b = new BooleanQuery.Builder().add(inRange(q.startNanos(), q.endNanos()), Occur.FILTER)
        .add(TraceSearch.term(Documents.SERVICE, q.service()), Occur.FILTER);
    if (q.operation() != null && !q.operation().isEmpty()) {
      b.add(TraceSearch.term("name", q.operation()), Occur.FILTER);
    }
    RedBuckets server = new RedBuckets(first, q.stepNanos(), (int) n);
    RedBuckets all = new RedBuckets(first, q.stepNanos(), (int) n);
    try (Searchers s = Searchers.acquire(spans.overlapping(q.tenant(), q.startNanos(), q.endNanos()))) {
      IndexSearcher searcher = s.combined(q.timeoutMillis());
      if (n > 0) {
        searcher.search(b.build(), RedBuckets.collector(server, all));
        Searchers.checkTimeout(searcher, q.timeoutMillis());
      }
      // One operation: all of its spans, whatever their kind (a client operation has its own RED).
      // The whole service: its server and consumer spans when it has any, else all its spans.
      boolean oneOperation = q.operation() != null && !q.operation().isEmpty();
      return (!oneOperation && server.total() > 0 ? server : all).points();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      metrics.querySeconds.labelValues("red").observe((System.nanoTime() - t0) / 1e9);
    }
  }

  static LookoutException tooLarge(String message) {
    return new LookoutException(ErrorCode.TOO_LARGE, message);
  }

  /** Requests, errors and a duration histogram per time bucket. */
  static final class RedBuckets {
    private final long first;
    private final long step;
    private final long[] requests;
    private final long[] errors;
    private final DurationHistogram[] durations;
    private long total;

    RedBuckets(long first, long step, int n) {
      this.first = first;
      this.step = step;
      this.requests = new long[n];
      this.errors = new long[n];
      this.durations = new DurationHistogram[n];
    }

    void add(long start, long duration, boolean error) {
      long i = Math.floorDiv(start - first, step);
      if (i < 0 || i >= requests.length) {
        return;
      }
      int b = (int) i;
      requests[b]++;
      errors[b] += error ? 1 : 0;
      if (durations[b] == null) {
        durations[b] = new DurationHistogram();
      }
      durations[b].add(duration);
      total++;
    }

    long total() {
      return total;
    }

    List<RedPoint> points() {
      List<RedPoint> out = new ArrayList<>(requests.length);
      for (int i = 0; i < requests.length; i++) {
        DurationHistogram h = durations[i] == null ? new DurationHistogram() : durations[i];
        out.add(new RedPoint(first + i * step, requests[i], errors[i], h.quantile(0.5), h.quantile(0.9),
            h.quantile(0.99)));
      }
      return out;
    }

    static org.apache.lucene.search.CollectorManager<SimpleCollector, RedBuckets> collector(RedBuckets server,
        RedBuckets all) {
      return SpanCollectors.manager(() -> new SimpleCollector() {
        NumericDocValues start;
        NumericDocValues duration;
        NumericDocValues kind;
        NumericDocValues status;

        @Override
        protected void doSetNextReader(LeafReaderContext ctx) throws IOException {
          start = DocValues.getNumeric(ctx.reader(), Documents.START);
          duration = DocValues.getNumeric(ctx.reader(), Documents.DURATION);
          kind = DocValues.getNumeric(ctx.reader(), Documents.DV_KIND);
          status = DocValues.getNumeric(ctx.reader(), Documents.DV_STATUS);
        }

        @Override
        public void collect(int doc) throws IOException {
          if (!start.advanceExact(doc) || !kind.advanceExact(doc)) {
            return;
          }
          long t = start.longValue();
          long d = duration.advanceExact(doc) ? duration.longValue() : 0;
          boolean error = status.advanceExact(doc) && status.longValue() == 2;
          long k = kind.longValue();
          all.add(t, d, error);
          if (k == 2 || k == 5) {
            server.add(t, d, error);
          }
        }

        @Override
        public ScoreMode scoreMode() {
          return ScoreMode.COMPLETE_NO_SCORES;
        }
      }, all);
    }
  }
}
