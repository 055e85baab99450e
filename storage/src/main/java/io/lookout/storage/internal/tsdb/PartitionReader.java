package io.lookout.storage.internal.tsdb;

import io.lookout.model.metrics.Labels;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.lucene.index.BinaryDocValues;
import org.apache.lucene.index.DocValuesSkipper;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.SortedNumericDocValues;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.Scorer;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.Weight;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.BytesRef;

/** Reads of one partition index: matching series, and the chunks of given series in a time range. */
final class PartitionReader {
  private PartitionReader() {}

  /** Series documents matching the query: ref to labels. */
  static Map<Long, Labels> matchSeries(IndexSearcher s, Query matchers) throws IOException {
    Query q = new BooleanQuery.Builder()
        .add(new TermQuery(new Term(TsdbPartition.KIND, TsdbPartition.SERIES_KIND)), Occur.FILTER)
        .add(matchers, Occur.FILTER).build();
    Weight w = s.createWeight(s.rewrite(q), ScoreMode.COMPLETE_NO_SCORES, 1f);
    Map<Long, Labels> out = new HashMap<>();
    for (LeafReaderContext ctx : s.getIndexReader().leaves()) {
      Scorer sc = w.scorer(ctx);
      if (sc == null) {
        continue;
      }
      LeafReader r = ctx.reader();
      Bits live = r.getLiveDocs();
      NumericDocValues ref = r.getNumericDocValues(TsdbPartition.REF);
      BinaryDocValues lbl = r.getBinaryDocValues(TsdbPartition.LABELS);
      DocIdSetIterator it = sc.iterator();
      for (int d = it.nextDoc(); d != DocIdSetIterator.NO_MORE_DOCS; d = it.nextDoc()) {
        if ((live != null && !live.get(d)) || !ref.advanceExact(d) || !lbl.advanceExact(d)) {
          continue;
        }
        BytesRef b = lbl.binaryValue();
        out.put(ref.longValue(), SeriesCodec.decodeLabels(b.bytes, b.offset, b.length));
      }
    }
    return out;
  }

  /** Receives the chunks of the series asked for. */
  interface ChunkVisitor {
    /**
     * Whether to read a chunk of {@code refs[i]} spanning {@code [minT, maxT]} (from its doc
     * values, before its bytes are read); when true, {@link #chunk} follows for it.
     */
    boolean wants(int i, long minT, long maxT);

    /** One chunk; {@code bytes} is valid only during the call. */
    void chunk(int i, long minT, long maxT, BytesRef bytes) throws IOException;
  }

  /**
   * Visits the chunks of the given refs (sorted ascending) overlapping {@code [minT, maxT]}. The
   * index is sorted by (ref, chunk start), so each segment is walked forward once, skipping blocks
   * of other series through the ref skip index.
   */
  static void chunks(IndexSearcher s, long[] refs, long minT, long maxT, ChunkVisitor v) throws IOException {
    if (refs.length == 0) {
      return;
    }
    for (LeafReaderContext ctx : s.getIndexReader().leaves()) {
      LeafReader r = ctx.reader();
      NumericDocValues ref = r.getNumericDocValues(TsdbPartition.REF);
      SortedNumericDocValues mint = r.getSortedNumericDocValues(TsdbPartition.MINT);
      NumericDocValues maxt = r.getNumericDocValues(TsdbPartition.MAXT);
      BinaryDocValues chunk = r.getBinaryDocValues(TsdbPartition.CHUNK);
      if (ref == null || mint == null || maxt == null || chunk == null) {
        continue;
      }
      DocValuesSkipper skipper = r.getDocValuesSkipper(TsdbPartition.REF);
      Bits live = r.getLiveDocs();
      int doc = ref.nextDoc();
      for (int i = 0; i < refs.length; i++) {
        long target = refs[i];
        if (doc == DocIdSetIterator.NO_MORE_DOCS) {
          break;
        }
        if (skipper != null && ref.longValue() < target) {
          skipper.advance(target, Long.MAX_VALUE);
          int first = skipper.minDocID(0);
          if (first == DocIdSetIterator.NO_MORE_DOCS) {
            break;
          }
          if (first > doc) {
            doc = ref.advance(first);
          }
        }
        while (doc != DocIdSetIterator.NO_MORE_DOCS && ref.longValue() < target) {
          doc = ref.nextDoc();
        }
        while (doc != DocIdSetIterator.NO_MORE_DOCS && ref.longValue() == target) {
          if ((live == null || live.get(doc)) && mint.advanceExact(doc)) {
            long lo = mint.nextValue();
            if (lo > maxT) {
              // chunks of a series are sorted by start: the rest are later still
              while (doc != DocIdSetIterator.NO_MORE_DOCS && ref.longValue() == target) {
                doc = ref.nextDoc();
              }
              break;
            }
            if (maxt.advanceExact(doc)) {
              long hi = maxt.longValue();
              if (hi >= minT && chunk.advanceExact(doc) && v.wants(i, lo, hi)) {
                v.chunk(i, lo, hi, chunk.binaryValue());
              }
            }
          }
          doc = ref.nextDoc();
        }
      }
    }
  }

  /** Receives the exemplars of one exemplar document. */
  interface ExemplarSink {
    void exemplars(long ref, BytesRef encoded) throws IOException;
  }

  /** Visits the exemplar documents of the given refs. */
  static void exemplars(IndexSearcher s, Set<Long> refs, ExemplarSink sink) throws IOException {
    if (refs.isEmpty()) {
      return;
    }
    for (LeafReaderContext ctx : s.getIndexReader().leaves()) {
      LeafReader r = ctx.reader();
      NumericDocValues ref = r.getNumericDocValues(TsdbPartition.REF);
      BinaryDocValues ex = r.getBinaryDocValues(TsdbPartition.EXEMPLARS);
      if (ref == null || ex == null) {
        continue;
      }
      Bits live = r.getLiveDocs();
      for (int d = ex.nextDoc(); d != DocIdSetIterator.NO_MORE_DOCS; d = ex.nextDoc()) {
        if ((live == null || live.get(d)) && ref.advanceExact(d) && refs.contains(ref.longValue())) {
          sink.exemplars(ref.longValue(), ex.binaryValue());
        }
      }
    }
  }

  /** Registers the series of a partition in the head, with the newest time of their chunks. */
  static void restoreSeries(TsdbPartition part, TenantHead head) throws IOException {
    IndexSearcher s = part.acquire();
    try {
      Map<Long, MemSeries> local = new HashMap<>();
      for (LeafReaderContext ctx : s.getIndexReader().leaves()) {
        LeafReader r = ctx.reader();
        Bits live = r.getLiveDocs();
        NumericDocValues ref = r.getNumericDocValues(TsdbPartition.REF);
        BinaryDocValues lbl = r.getBinaryDocValues(TsdbPartition.LABELS);
        if (ref == null || lbl == null) {
          continue;
        }
        for (int d = lbl.nextDoc(); d != DocIdSetIterator.NO_MORE_DOCS; d = lbl.nextDoc()) {
          if ((live != null && !live.get(d)) || !ref.advanceExact(d)) {
            continue;
          }
          BytesRef b = lbl.binaryValue();
          Labels labels = SeriesCodec.decodeLabels(b.bytes, b.offset, b.length);
          MemSeries ms = head.restore(labels, ref.longValue());
          local.put(ref.longValue(), ms);
          if (ms.ref == ref.longValue()) {
            synchronized (ms) {
              ms.indexedIn.add(part.startMs);
            }
          }
        }
      }
      for (LeafReaderContext ctx : s.getIndexReader().leaves()) {
        LeafReader r = ctx.reader();
        Bits live = r.getLiveDocs();
        NumericDocValues ref = r.getNumericDocValues(TsdbPartition.REF);
        NumericDocValues maxt = r.getNumericDocValues(TsdbPartition.MAXT);
        if (ref == null || maxt == null) {
          continue;
        }
        for (int d = maxt.nextDoc(); d != DocIdSetIterator.NO_MORE_DOCS; d = maxt.nextDoc()) {
          if ((live != null && !live.get(d)) || !ref.advanceExact(d)) {
            continue;
          }
          MemSeries ms = local.get(ref.longValue());
          if (ms != null) {
            ms.restoreMaxT(maxt.longValue());
          }
        }
      }
    } finally {
      part.release(s);
    }
  }
}
