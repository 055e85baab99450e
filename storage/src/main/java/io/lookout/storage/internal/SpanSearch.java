package io.lookout.storage.internal;

import io.lookout.model.Span;
import io.lookout.model.spi.Trace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.util.BytesRef;

/** Trace lookup: a term query on {@code trace_id} over every span partition of the tenant. */
public final class SpanSearch {
  private final IndexSet spans;
  private final StorageMetrics metrics;

  public SpanSearch(IndexSet spans, StorageMetrics metrics) {
    this.spans = spans;
    this.metrics = metrics;
  }

  public Optional<Trace> trace(String tenant, String traceId, int maxSpans, long timeoutMillis) {
    long t0 = System.nanoTime();
    String id = traceId.trim().toLowerCase(java.util.Locale.ROOT);
    TermQuery q = new TermQuery(new Term("trace_id", id));
    int want = Math.max(1, maxSpans) + 1;
    List<Span> found = new ArrayList<>();
    long total = 0;
    try (Searchers s = Searchers.acquire(spans.overlapping(tenant, Long.MIN_VALUE, Long.MAX_VALUE))) {
      IndexSearcher searcher = s.combined(timeoutMillis);
      TopDocs top = searcher.search(q, want);
      Searchers.checkTimeout(searcher, timeoutMillis);
      total = top.scoreDocs.length;
      StoredFields stored = searcher.getIndexReader().storedFields();
      ScoreDoc[] docs = top.scoreDocs.clone();
      java.util.Arrays.sort(docs, Comparator.comparingInt(d -> d.doc));
      for (ScoreDoc d : docs) {
        BytesRef src = stored.document(d.doc).getBinaryValue(Documents.SRC);
        found.add(RecordCodec.readSpan(src.bytes, src.offset, src.length));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      metrics.querySeconds.labelValues("trace").observe((System.nanoTime() - t0) / 1e9);
    }
    if (found.isEmpty()) {
      return Optional.empty();
    }
    found.sort(Comparator.comparingLong(Span::startNanos).thenComparing(Span::spanId));
    boolean truncated = total > maxSpans;
    List<Span> out = truncated ? List.copyOf(found.subList(0, Math.max(0, maxSpans))) : found;
    return Optional.of(new Trace(id, out, truncated));
  }
}
