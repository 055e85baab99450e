package io.lookout.storage.internal;

import io.lookout.model.LookoutException;
import io.lookout.model.Span;
import io.lookout.model.spi.TracePage;
import io.lookout.model.spi.TraceQuery;
import io.lookout.model.spi.TraceSummary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.util.BytesRef;

/**
 * Trace search. Every span matching the filters in {@code [start, min(end, cursor start)]} is
 * visited through doc values (trace id, start); per trace the earliest matching start is kept,
 * and the page is the {@code limit} largest keys (start desc, trace id desc) below the cursor.
 * So each page is exact and pages together return every matching trace once, whatever arrives
 * meanwhile (a trace gaining an earlier matching span later may of course move). Cost: one pass
 * over the matching spans up to the cursor per page, memory per distinct trace (~50 bytes), at
 * most {@link #MAX_TRACES} traces per page request (about 40 MB; more fail with TOO_LARGE).
 */
public final class TraceSearch {
  public static final int MAX_TRACES = 1_000_000;
  /** Orders encoded keys the way pages are returned: newest first, then trace id descending. */
  private static final Comparator<Key> NEWEST_FIRST = Comparator.comparingLong(Key::start)
      .thenComparing(Key::trace, BytesRef::compareTo).reversed();

  private final IndexSet spans;
  private final StorageMetrics metrics;

  public TraceSearch(IndexSet spans, StorageMetrics metrics) {
    this.spans = spans;
    this.metrics = metrics;
  }

  private record Key(long start, BytesRef trace) {}

  public TracePage search(TraceQuery q) {
    if (q.statusCode() != null && (q.statusCode() < 0 || q.statusCode() > 2)) {
      throw LookoutException.badData("invalid status code " + q.statusCode()
          + ": use 0 (unset), 1 (ok) or 2 (error)");
    }
    TraceCursor cursor = q.cursor() == null || q.cursor().isEmpty() ? null : TraceCursor.decode(q.cursor());
    long end = cursor == null ? q.endNanos() : Math.min(q.endNanos(), cursor.start());
    if (q.limit() <= 0 || q.startNanos() > end || q.minDurationNanos() > q.maxDurationNanos()) {
      return new TracePage(List.of(), null);
    }
    long t0 = System.nanoTime();
    try (Searchers s = Searchers.acquire(spans.overlapping(q.tenant(), q.startNanos(), end))) {
      IndexSearcher searcher = s.combined(q.timeoutMillis());
      SpanCollectors.TraceMins mins = new SpanCollectors.TraceMins(MAX_TRACES);
      searcher.search(filter(q, q.startNanos(), end), SpanCollectors.traceMins(mins));
      Searchers.checkTimeout(searcher, q.timeoutMillis());
      Key after = cursor == null ? null
          : new Key(cursor.start(), new BytesRef(SpanIds.encodeTrace(cursor.traceId())));
      // a min-heap of the best `limit` keys below the cursor, by page order
      PriorityQueue<Key> best = new PriorityQueue<>(Math.min(q.limit(), 1024) + 1, NEWEST_FIRST.reversed());
      boolean more = false;
      BytesRef scratch = new BytesRef();
      for (int i = 0; i < mins.size(); i++) {
        // compares starts first; the trace id only on a tie (most traces are decided without it)
        long min = mins.min(i);
        if (after != null && (min > after.start()
            || min == after.start() && mins.trace(i, scratch).compareTo(after.trace()) >= 0)) {
          continue; // returned by an earlier page
        }
        if (best.size() == q.limit()) {
          more = true;
          Key worst = best.peek();
          if (min < worst.start() || min == worst.start() && mins.trace(i, scratch).compareTo(worst.trace()) <= 0) {
            continue;
          }
          best.poll();
        }
        best.add(new Key(min, BytesRef.deepCopyOf(mins.trace(i, scratch))));
      }
      Key[] page = best.toArray(new Key[0]);
      Arrays.sort(page, NEWEST_FIRST);
      long left = q.timeoutMillis() <= 0 ? 0 : Math.max(1, q.timeoutMillis() - (System.nanoTime() - t0) / 1_000_000);
      Map<BytesRef, TraceSummary> summaries = summarize(q.tenant(), page, left);
      List<TraceSummary> out = new ArrayList<>(page.length);
      for (Key k : page) {
        TraceSummary ts = summaries.get(k.trace());
        if (ts != null) {
          out.add(ts);
        }
      }
      String next = more && page.length > 0
          ? new TraceCursor(page[page.length - 1].start(), decode(page[page.length - 1].trace())).encode() : null;
      return new TracePage(out, next);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      metrics.querySeconds.labelValues("search_traces").observe((System.nanoTime() - t0) / 1e9);
    }
  }

  /** Summaries from every span of the page's traces, in every partition of the tenant. */
  private Map<BytesRef, TraceSummary> summarize(String tenant, Key[] page, long timeoutMillis)
      throws IOException {
    if (page.length == 0) {
      return Map.of();
    }
    List<BytesRef> terms = new ArrayList<>(page.length);
    for (Key k : page) {
      terms.add(new BytesRef(decode(k.trace())));
    }
    try (Searchers s = Searchers.acquire(spans.overlapping(tenant, Long.MIN_VALUE, Long.MAX_VALUE))) {
      IndexSearcher searcher = s.combined(timeoutMillis);
      Map<BytesRef, TraceSummary> out = searcher.search(
          new TermInSetQuery("trace_id", terms), SpanCollectors.summaries());
      Searchers.checkTimeout(searcher, timeoutMillis);
      return out;
    }
  }

  static String decode(BytesRef b) {
    return SpanIds.decodeTrace(b.bytes, b.offset, b.length);
  }

  /** Spans starting in {@code [start, end]} that satisfy every filter of the query. */
  static Query filter(TraceQuery q, long start, long end) {
    BooleanQuery.Builder b = new BooleanQuery.Builder()
        .add(NumericDocValuesField.newSlowRangeQuery(Documents.START, start, end), Occur.FILTER);
    if (q.service() != null && !q.service().isEmpty()) {
      b.add(term(Documents.SERVICE, q.service()), Occur.FILTER);
    }
    if (q.operation() != null && !q.operation().isEmpty()) {
      b.add(term("name", q.operation()), Occur.FILTER);
    }
    if (q.statusCode() != null) {
      b.add(term("status", Span.statusName(q.statusCode())), Occur.FILTER);
    }
    for (Map.Entry<String, String> e : q.attributes().entrySet()) {
      if (e.getKey() == null || e.getValue() == null) {
        throw LookoutException.badData("invalid attribute filter " + e.getKey() + "=" + e.getValue()
            + ": every attribute filter needs a key and a value");
      }
      b.add(new BooleanQuery.Builder()
          .add(term(Documents.ATTRIBUTES + e.getKey(), e.getValue()), Occur.SHOULD)
          .add(term(Documents.RESOURCE + e.getKey(), e.getValue()), Occur.SHOULD)
          .build(), Occur.FILTER);
    }
    if (q.minDurationNanos() > 0 || q.maxDurationNanos() < Long.MAX_VALUE) {
      b.add(NumericDocValuesField.newSlowRangeQuery(Documents.DURATION, q.minDurationNanos(),
          q.maxDurationNanos()), Occur.FILTER);
    }
    return b.build();
  }

  static Query term(String field, String value) {
    return new TermQuery(new Term(field, Documents.cut(value)));
  }
}
