package io.lookout.storage.internal.tsdb;

import java.io.IOException;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeMap;
import org.apache.lucene.index.BinaryDocValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.BytesRef;

/** Test access to what the partition indexes of a {@link Tsdb} hold. */
public final class TsdbInspect {
  private TsdbInspect() {}

  /** Exemplars stored in the indexes of a tenant (duplicates counted), after the last refresh. */
  public static long indexedExemplars(Tsdb tsdb, String tenant) throws IOException {
    long n = 0;
    for (TsdbPartition p : tsdb.partitions(tenant).values()) {
      IndexSearcher s = p.acquire();
      try {
        for (LeafReaderContext ctx : s.getIndexReader().leaves()) {
          BinaryDocValues ex = ctx.reader().getBinaryDocValues(TsdbPartition.EXEMPLARS);
          Bits live = ctx.reader().getLiveDocs();
          if (ex == null) {
            continue;
          }
          for (int d = ex.nextDoc(); d != DocIdSetIterator.NO_MORE_DOCS; d = ex.nextDoc()) {
            if (live == null || live.get(d)) {
              BytesRef b = ex.binaryValue();
              n += ExemplarCodec.decode(b.bytes, b.offset, b.length).size();
            }
          }
        }
      } finally {
        p.release(s);
      }
    }
    return n;
  }
}
