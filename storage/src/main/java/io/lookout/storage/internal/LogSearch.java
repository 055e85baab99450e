package io.lookout.storage.internal;

import io.lookout.model.LogRecord;
import io.lookout.model.LookoutException;
import io.lookout.model.spi.Direction;
import io.lookout.model.spi.FieldValues;
import io.lookout.model.spi.Histogram;
import io.lookout.model.spi.LogPage;
import io.lookout.model.spi.LogQuery;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.FieldInfos;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.FieldDoc;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.TopFieldDocs;
import org.apache.lucene.util.BytesRef;

/** Log queries over the partitions of a time range. Blocking; never call on an event loop. */
public final class LogSearch {
  public static final int MAX_BUCKETS = 11_000;
  public static final int FIELD_VALUES_SAMPLE = 10_000;
  private static final Sort NEWEST_FIRST = new Sort(new SortField(Documents.TS, SortField.Type.LONG, true),
      new SortField(Documents.ID, SortField.Type.LONG, true));
  private static final Sort OLDEST_FIRST = new Sort(new SortField(Documents.TS, SortField.Type.LONG),
      new SortField(Documents.ID, SortField.Type.LONG));

  private final IndexSet logs;
  private final StorageMetrics metrics;

  public LogSearch(IndexSet logs, StorageMetrics metrics) {
    this.logs = logs;
    this.metrics = metrics;
  }

  static Query filtered(String query, long start, long end) {
    return new BooleanQuery.Builder()
        .add(QueryParsing.parse(query), BooleanClause.Occur.MUST)
        .add(NumericDocValuesField.newSlowRangeQuery(Documents.TS, start, end), BooleanClause.Occur.FILTER)
        .build();
  }

  public LogPage search(LogQuery q) {
    long t0 = System.nanoTime();
    boolean backward = q.direction() != Direction.FORWARD;
    long start = q.startNanos();
    long end = q.endNanos();
    Cursor c = null;
    if (q.cursor() != null && !q.cursor().isEmpty()) {
      c = Cursor.decode(q.cursor());
      if (backward) {
        end = Math.min(end, c.ts());
      } else {
        start = Math.max(start, c.ts());
      }
    }
    Query query = filtered(q.query(), start, end);
    if (q.limit() <= 0 || start > end) {
      return new LogPage(List.of(), null);
    }
    List<PartitionIndex> parts = new ArrayList<>(logs.overlapping(q.tenant(), start, end));
    if (backward) {
      Collections.reverse(parts);
    }
    Sort sort = backward ? NEWEST_FIRST : OLDEST_FIRST;
    List<LogRecord> hits = new ArrayList<>();
    FieldDoc last = null;
    boolean more = false;
    try {
      for (PartitionIndex p : parts) {
        int need = q.limit() + 1 - hits.size();
        if (need <= 0) {
          break;
        }
        try (Searchers s = Searchers.acquire(List.of(p))) {
          if (s.acquired.isEmpty()) {
            continue;
          }
          IndexReader reader = s.acquired.getFirst().getIndexReader();
          if (reader.maxDoc() == 0) {
            continue;
          }
          IndexSearcher searcher = Searchers.withTimeout(new IndexSearcher(reader), q.timeoutMillis());
          // the last doc id makes hits equal to the cursor's (ts, _id) count as already seen
          FieldDoc after = c == null ? null
              : new FieldDoc(reader.maxDoc() - 1, Float.NaN, new Object[] {c.ts(), c.id()});
          TopFieldDocs top = searcher.searchAfter(after, query, need, sort, false);
          Searchers.checkTimeout(searcher, q.timeoutMillis());
          int take = Math.min(top.scoreDocs.length, q.limit() - hits.size());
          if (top.scoreDocs.length > take) {
            more = true;
          }
          ScoreDoc[] page = Arrays.copyOf(top.scoreDocs, take);
          hits.addAll(load(searcher.getIndexReader(), page));
          if (take > 0) {
            last = (FieldDoc) page[take - 1];
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      metrics.querySeconds.labelValues("search").observe((System.nanoTime() - t0) / 1e9);
    }
    String next = more && last != null ? new Cursor((Long) last.fields[0], (Long) last.fields[1]).encode() : null;
    return new LogPage(hits, next);
  }

  /** Decodes hits, reading stored fields in doc id order (consecutive docs share a block). */
  static List<LogRecord> load(IndexReader reader, ScoreDoc[] docs) throws IOException {
    Integer[] order = new Integer[docs.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Integer.compare(docs[a].doc, docs[b].doc));
    StoredFields stored = reader.storedFields();
    LogRecord[] out = new LogRecord[docs.length];
    for (int i : order) {
      BytesRef src = stored.document(docs[i].doc).getBinaryValue(Documents.SRC);
      out[i] = RecordCodec.readLog(src.bytes, src.offset, src.length);
    }
    return Arrays.asList(out);
  }

  public Histogram histogram(LogQuery q, long stepNanos) {
    if (stepNanos <= 0) {
      throw LookoutException.badData("invalid step " + stepNanos + "ns: must be positive");
    }
    long first = Math.floorDiv(q.startNanos(), stepNanos) * stepNanos;
    long lastBucket = Math.floorDiv(q.endNanos(), stepNanos) * stepNanos;
    long n = q.endNanos() < q.startNanos() ? 0 : (lastBucket - first) / stepNanos + 1;
    if (n > MAX_BUCKETS) {
      throw LookoutException.badData("histogram would have " + n + " buckets, the limit is " + MAX_BUCKETS
          + ": use a larger step or a shorter time range");
    }
    long t0 = System.nanoTime();
    long[] counts = new long[(int) n];
    if (n > 0) {
      Query query = filtered(q.query(), q.startNanos(), q.endNanos());
      try (Searchers s = Searchers.acquire(logs.overlapping(q.tenant(), q.startNanos(), q.endNanos()))) {
        IndexSearcher searcher = s.combined(q.timeoutMillis());
        long[] found = searcher.search(query, Collectors.histogram(first, stepNanos, (int) n));
        Searchers.checkTimeout(searcher, q.timeoutMillis());
        System.arraycopy(found, 0, counts, 0, counts.length);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } finally {
        metrics.querySeconds.labelValues("histogram").observe((System.nanoTime() - t0) / 1e9);
      }
    }
    List<Histogram.Bucket> buckets = new ArrayList<>(counts.length);
    for (int i = 0; i < counts.length; i++) {
      buckets.add(new Histogram.Bucket(first + i * stepNanos, counts[i]));
    }
    return new Histogram(stepNanos, buckets);
  }

  public List<String> fieldNames(String tenant, long start, long end) {
    TreeSet<String> names = new TreeSet<>(LogFields.STABLE);
    try (Searchers s = Searchers.acquire(logs.overlapping(tenant, start, end))) {
      for (IndexSearcher is : s.acquired) {
        for (FieldInfo fi : FieldInfos.getMergedFieldInfos(is.getIndexReader())) {
          if (!LogFields.isInternal(fi.name)) {
            names.add(fi.name);
          }
        }
      }
    }
    return new ArrayList<>(names);
  }

  public FieldValues fieldValues(LogQuery q, String field, int limit) {
    long t0 = System.nanoTime();
    Query query = filtered(q.query(), q.startNanos(), q.endNanos());
    Map<String, Long> counts;
    long matched;
    long scanned;
    try (Searchers s = Searchers.acquire(logs.overlapping(q.tenant(), q.startNanos(), q.endNanos()))) {
      IndexSearcher searcher = s.combined(q.timeoutMillis());
      if (field.equals(Documents.SERVICE) || field.equals(Analysis.SEVERITY)) {
        counts = searcher.search(query, Collectors.sortedValueCounts(field));
        matched = searcher.count(query);
        scanned = matched;
      } else {
        matched = searcher.count(query);
        TopFieldDocs top = searcher.search(query, FIELD_VALUES_SAMPLE, NEWEST_FIRST, false);
        Searchers.checkTimeout(searcher, q.timeoutMillis());
        counts = new HashMap<>();
        for (LogRecord r : load(searcher.getIndexReader(), top.scoreDocs)) {
          String v = LogFields.valueOf(r, field);
          if (v != null) {
            counts.merge(v, 1L, Long::sum);
          }
        }
        scanned = top.scoreDocs.length;
      }
      Searchers.checkTimeout(searcher, q.timeoutMillis());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      metrics.querySeconds.labelValues("field_values").observe((System.nanoTime() - t0) / 1e9);
    }
    List<FieldValues.ValueCount> values = new ArrayList<>();
    counts.forEach((k, v) -> values.add(new FieldValues.ValueCount(k, v)));
    values.sort((a, b) -> a.count() != b.count() ? Long.compare(b.count(), a.count()) : a.value().compareTo(b.value()));
    List<FieldValues.ValueCount> top = values.size() > limit ? values.subList(0, Math.max(0, limit)) : values;
    return new FieldValues(field, List.copyOf(top), matched, scanned, scanned < matched);
  }
}
