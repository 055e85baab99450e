package io.lookout.storage.internal;

import java.io.IOException;
import java.util.Map;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.store.Directory;

/**
 * Opening partition writers and reading the write-ahead log position their last commit covers,
 * shared by the log/span partitions and the time-series partitions.
 */
public final class IndexWriters {
  /** Commit user data key: every WAL entry up to this sequence is in the commit. */
  public static final String WAL_SEQ = "wal_seq";

  private IndexWriters() {}

  /** Opens a writer on {@code directory}, closing the directory if that fails. */
  public static IndexWriter open(Directory directory, IndexWriterConfig config) throws IOException {
    try {
      return new IndexWriter(directory, config);
    } catch (IOException | RuntimeException e) {
      directory.close();
      throw e;
    }
  }

  /** The {@link #WAL_SEQ} of the writer's last commit, or -1 when it has none. */
  public static long committedWalSeq(IndexWriter writer) {
    Iterable<Map.Entry<String, String>> data = writer.getLiveCommitData();
    if (data != null) {
      for (Map.Entry<String, String> e : data) {
        if (WAL_SEQ.equals(e.getKey())) {
          return Long.parseLong(e.getValue());
        }
      }
    }
    return -1;
  }

  /** Notes {@code seq} as the commit's WAL position and commits. */
  public static void commit(IndexWriter writer, long seq) throws IOException {
    writer.setLiveCommitData(Map.of(WAL_SEQ, Long.toString(seq)).entrySet());
    writer.commit();
  }
}
