package io.lookout.storage.internal;

import io.lookout.storage.internal.codec.LookoutCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.store.AlreadyClosedException;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;

/**
 * One Lucene index: a signal's records of one tenant in one time partition. Tracks the last
 * committed write-ahead-log sequence, and whether it changed since the last commit and refresh.
 */
public final class PartitionIndex {
  private static final String LENGTH_FILE = "lookout.partition";

  public final Signal signal;
  public final String tenant;
  public final long startNanos;
  public final long endNanos;
  public final Path dir;
  private final Directory directory;
  private final IndexWriter writer;
  private final SearcherManager manager;
  private volatile long committedSeq;
  private final AtomicBoolean dirty = new AtomicBoolean();
  private final AtomicBoolean stale = new AtomicBoolean();

  private PartitionIndex(Signal signal, String tenant, long startNanos, long endNanos, Path dir,
      Directory directory, IndexWriter writer, SearcherManager manager, long committedSeq) {
    this.signal = signal;
    this.tenant = tenant;
    this.startNanos = startNanos;
    this.endNanos = endNanos;
    this.dir = dir;
    this.directory = directory;
    this.writer = writer;
    this.manager = manager;
    this.committedSeq = committedSeq;
  }

  /** Opens (creating when absent) the index in {@code dir}. */
  public static PartitionIndex open(Signal signal, String tenant, long startNanos, long lengthNanos, Path dir)
      throws IOException {
    Files.createDirectories(dir);
    Path lenFile = dir.resolve(LENGTH_FILE);
    if (Files.exists(lenFile)) {
      lengthNanos = Long.parseLong(Files.readString(lenFile, StandardCharsets.US_ASCII).trim());
    } else {
      Files.writeString(lenFile, Long.toString(lengthNanos), StandardCharsets.US_ASCII);
    }
    Directory directory = FSDirectory.open(dir);
    IndexWriterConfig cfg = new IndexWriterConfig(Analysis.indexAnalyzer())
        .setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND)
        .setCodec(new LookoutCodec())
        .setCommitOnClose(false)
        .setRAMBufferSizeMB(48);
    IndexWriter writer = IndexWriters.open(directory, cfg);
    long seq = IndexWriters.committedWalSeq(writer);
    SearcherManager manager = new SearcherManager(writer, null);
    return new PartitionIndex(signal, tenant, startNanos, startNanos + lengthNanos, dir, directory, writer,
        manager, seq);
  }

  public IndexWriter writer() {
    return writer;
  }

  public long committedSeq() {
    return committedSeq;
  }

  /** Called after documents were added. */
  public void markChanged() {
    dirty.set(true);
    stale.set(true);
  }

  public boolean overlaps(long from, long to) {
    return startNanos <= to && endNanos > from;
  }

  /** Commits when changed since the last commit, noting {@code seq}; the caller blocks indexers. */
  public boolean commitIfDirty(long seq) throws IOException {
    if (!dirty.get()) {
      return false;
    }
    IndexWriters.commit(writer, seq);
    committedSeq = seq;
    dirty.set(false);
    return true;
  }

  public void refreshIfStale() throws IOException {
    if (stale.getAndSet(false)) {
      manager.maybeRefresh();
    }
  }

  public void refreshBlocking() throws IOException {
    stale.set(false);
    manager.maybeRefreshBlocking();
  }

  /** A searcher to release with {@link #release}, or null when the index was closed meanwhile. */
  public IndexSearcher acquire() throws IOException {
    try {
      return manager.acquire();
    } catch (AlreadyClosedException e) {
      return null;
    }
  }

  public void release(IndexSearcher s) throws IOException {
    manager.release(s);
  }

  /** The writer's fatal error, if Lucene closed it. */
  public Throwable tragedy() {
    return writer.getTragicException();
  }

  /** Closes without committing (the caller committed first, or is dropping the partition). */
  public void close() throws IOException {
    try {
      manager.close();
    } finally {
      try {
        writer.rollback();
        deleteUnreferencedFiles();
      } finally {
        directory.close();
      }
    }
  }

  /**
   * Segments merged away while near-real-time readers still used them can outlive the writer's
   * rollback on disk (they would go at the next open). A short-lived writer removes every file no
   * commit references now, so that a stopped server leaves only its last commit behind.
   */
  private void deleteUnreferencedFiles() throws IOException {
    if (DirectoryReader.indexExists(directory)) {
      new IndexWriter(directory, new IndexWriterConfig()
          .setOpenMode(IndexWriterConfig.OpenMode.APPEND)
          .setCommitOnClose(false)).rollback();
    }
  }
}
