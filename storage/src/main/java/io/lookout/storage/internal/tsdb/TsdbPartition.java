package io.lookout.storage.internal.tsdb;

import io.lookout.storage.internal.IndexWriters;
import io.lookout.storage.internal.codec.LookoutCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.lucene.document.BinaryDocValuesField;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.SortedNumericSortField;
import org.apache.lucene.store.AlreadyClosedException;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.BytesRef;

/**
 * One tenant's time series of one partition: a Lucene index sorted by (series ref, chunk start)
 * holding one document per series (every label as a keyword term {@code l.<name>}, the names as
 * {@code _n} terms, the ref and the encoded label set as doc values) and one document per chunk
 * (ref, min and max time, the chunk bytes as binary doc values), plus per commit and series with
 * new exemplars one exemplar document (ref, the encoded exemplars as binary doc values).
 */
final class TsdbPartition {
  static final String KIND = "_k";
  static final String NAMES = "_n";
  static final String LABEL_PREFIX = "l.";
  static final String REF = "ref";
  static final String MINT = "mint";
  static final String MAXT = "maxt";
  static final String LABELS = "lbl";
  static final String CHUNK = "c";
  static final String CHUNK_ID = "cid";
  static final String EXEMPLARS = "ex";
  static final BytesRef SERIES_KIND = new BytesRef("s");
  static final BytesRef EXEMPLAR_KIND = new BytesRef("e");

  final String tenant;
  final long startMs;
  final long endMs;
  final Path dir;
  private final Directory directory;
  private final IndexWriter writer;
  private final SearcherManager manager;
  private volatile long committedSeq;
  private final AtomicBoolean dirty = new AtomicBoolean();

  private TsdbPartition(String tenant, long startMs, long endMs, Path dir, Directory directory, IndexWriter writer,
      long committedSeq) throws IOException {
    this.tenant = tenant;
    this.startMs = startMs;
    this.endMs = endMs;
    this.dir = dir;
    this.directory = directory;
    this.writer = writer;
    this.manager = new SearcherManager(writer, null);
    this.committedSeq = committedSeq;
  }

  static TsdbPartition open(String tenant, long startMs, long lengthMs, Path dir) throws IOException {
    Files.createDirectories(dir);
    Directory directory = FSDirectory.open(dir);
    SortField ref = new SortField(REF, SortField.Type.LONG);
    SortField mint = new SortedNumericSortField(MINT, SortField.Type.LONG);
    mint.setMissingValue(Long.MIN_VALUE);
    IndexWriterConfig cfg = new IndexWriterConfig()
        .setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND)
        .setCodec(new LookoutCodec())
        .setCommitOnClose(false)
        .setIndexSort(new Sort(ref, mint))
        .setRAMBufferSizeMB(32);
    IndexWriter writer = IndexWriters.open(directory, cfg);
    long seq = IndexWriters.committedWalSeq(writer);
    return new TsdbPartition(tenant, startMs, startMs + lengthMs, dir, directory, writer, seq);
  }

  long committedSeq() {
    return committedSeq;
  }

  boolean overlaps(long from, long to) {
    return startMs <= to && endMs > from;
  }

  void addSeries(MemSeries s) throws IOException {
    Document d = new Document();
    d.add(new StringField(KIND, SERIES_KIND, Field.Store.NO));
    for (var l : s.labels.list()) {
      d.add(new StringField(NAMES, l.name(), Field.Store.NO));
      d.add(new StringField(LABEL_PREFIX + l.name(), l.value(), Field.Store.NO));
    }
    d.add(NumericDocValuesField.indexedField(REF, s.ref));
    d.add(new BinaryDocValuesField(LABELS, new BytesRef(SeriesCodec.encodeLabels(s.labels))));
    writer.addDocument(d);
    dirty.set(true);
  }

  void addChunk(long ref, MemSeries.ChunkWrite c) throws IOException {
    Document d = new Document();
    d.add(NumericDocValuesField.indexedField(REF, ref));
    d.add(new org.apache.lucene.document.SortedNumericDocValuesField(MINT, c.minT()));
    d.add(new NumericDocValuesField(MAXT, c.maxT()));
    d.add(new BinaryDocValuesField(CHUNK, new BytesRef(c.bytes())));
    BytesRef id = idTerm(c.id());
    if (c.open()) {
      d.add(new StringField(CHUNK_ID, id, Field.Store.NO));
    }
    if (c.replaces()) {
      writer.updateDocument(new Term(CHUNK_ID, id), d);
    } else {
      writer.addDocument(d);
    }
    dirty.set(true);
  }

  /** Adds exemplars of a series not in this index yet (each exemplar is written once). */
  void addExemplars(long ref, byte[] encoded) throws IOException {
    Document d = new Document();
    d.add(new StringField(KIND, EXEMPLAR_KIND, Field.Store.NO));
    d.add(NumericDocValuesField.indexedField(REF, ref));
    d.add(new BinaryDocValuesField(EXEMPLARS, new BytesRef(encoded)));
    writer.addDocument(d);
    dirty.set(true);
  }

  private static BytesRef idTerm(long id) {
    byte[] b = new byte[8];
    for (int i = 0; i < 8; i++) {
      b[i] = (byte) (id >>> (56 - 8 * i));
    }
    return new BytesRef(b);
  }

  /** Commits when changed, noting {@code seq}, and refreshes so that queries see the commit. */
  void commitIfDirty(long seq) throws IOException {
    if (!dirty.get()) {
      return;
    }
    IndexWriters.commit(writer, seq);
    committedSeq = seq;
    dirty.set(false);
    manager.maybeRefreshBlocking();
  }

  IndexSearcher acquire() throws IOException {
    try {
      return manager.acquire();
    } catch (AlreadyClosedException e) {
      return null;
    }
  }

  void release(IndexSearcher s) {
    try {
      manager.release(s);
    } catch (IOException | RuntimeException e) {
      // closed by retention meanwhile
    }
  }

  Throwable tragedy() {
    return writer.getTragicException();
  }

  void close() throws IOException {
    try {
      manager.close();
    } finally {
      try {
        writer.rollback();
        if (DirectoryReader.indexExists(directory)) {
          new IndexWriter(directory, new IndexWriterConfig().setOpenMode(IndexWriterConfig.OpenMode.APPEND)
              .setCommitOnClose(false)).rollback();
        }
      } finally {
        directory.close();
      }
    }
  }
}
