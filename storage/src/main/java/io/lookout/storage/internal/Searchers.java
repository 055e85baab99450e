package io.lookout.storage.internal;

import io.lookout.model.ErrorCode;
import io.lookout.model.LookoutException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.MultiReader;
import org.apache.lucene.index.QueryTimeoutImpl;
import org.apache.lucene.search.IndexSearcher;

/** Searchers acquired from several partitions, released together; one searcher over all of them. */
final class Searchers implements AutoCloseable {
  final List<PartitionIndex> parts = new ArrayList<>();
  final List<IndexSearcher> acquired = new ArrayList<>();

  static Searchers acquire(List<PartitionIndex> partitions) {
    Searchers s = new Searchers();
    try {
      for (PartitionIndex p : partitions) {
        IndexSearcher is = p.acquire();
        if (is != null) {
          s.parts.add(p);
          s.acquired.add(is);
        }
      }
    } catch (IOException e) {
      s.close();
      throw new UncheckedIOException(e);
    }
    return s;
  }

  /** A fresh searcher over every acquired reader with the query's time budget. */
  IndexSearcher combined(long timeoutMillis) {
    IndexReader[] readers = new IndexReader[acquired.size()];
    for (int i = 0; i < readers.length; i++) {
      readers[i] = acquired.get(i).getIndexReader();
    }
    try {
      return withTimeout(new IndexSearcher(new MultiReader(readers, false)), timeoutMillis);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static IndexSearcher withTimeout(IndexSearcher s, long timeoutMillis) {
    if (timeoutMillis > 0) {
      s.setTimeout(new QueryTimeoutImpl(timeoutMillis));
    }
    return s;
  }

  static void checkTimeout(IndexSearcher s, long timeoutMillis) {
    if (s.timedOut()) {
      throw new LookoutException(ErrorCode.TIMEOUT, "query timed out after " + timeoutMillis
          + "ms: narrow the time range or make the query more selective");
    }
  }

  @Override
  public void close() {
    for (int i = 0; i < acquired.size(); i++) {
      try {
        parts.get(i).release(acquired.get(i));
      } catch (IOException | RuntimeException e) {
        // the index was closed by retention meanwhile; nothing to release
      }
    }
    acquired.clear();
    parts.clear();
  }
}
