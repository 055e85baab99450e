package io.lookout.bench;

import io.lookout.bench.internal.DiskUsage;
import io.lookout.bench.internal.Latencies;
import io.lookout.bench.internal.NaiveSchema;
import io.lookout.bench.internal.Summary;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.codecs.lucene104.Lucene104Codec;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.MultiTerms;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.CollectorManager;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.SimpleCollector;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopFieldDocs;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.BytesRef;

/**
 * Bare Lucene on the same records: decodes the same OTLP batches and indexes them with the naive
 * schema ({@link NaiveSchema}: StandardAnalyzer, positions and norms, BEST_COMPRESSION stored
 * fields, keywords and ids as terms, points for time, index sorted by time) on N threads, then
 * commits, and times the load generator's four searches directly in Lucene.
 *
 * <p>{@code java -cp lookout-bench.jar io.lookout.bench.LuceneReference --records 1000000}
 */
public final class LuceneReference {
  static final double RAM_BUFFER_MB = 128;
  private static final long MINUTE_NANOS = Duration.ofMinutes(1).toNanos();
  private static final long DAY_NANOS = Duration.ofDays(1).toNanos();

  private LuceneReference() {}

  public static void main(String[] args) throws Exception {
    BenchArgs.runMain(args, LuceneReference::run);
  }

  /** Indexes, commits, measures; deletes the index afterwards unless {@code --index-dir} was given. */
  public static Summary run(BenchArgs a, PrintStream log) throws IOException, InterruptedException {
    if (a.signal() != Signal.LOGS) {
      throw new IllegalArgumentException("the Lucene reference indexes logs only, got --signal traces: drop it"
          + " or run the load generator");
    }
    Workload work = Workload.prepare(a, log);
    Path dir = a.indexDir() != null ? a.indexDir() : Files.createTempDirectory("lookout-lucene-ref");
    try {
      return run(a, work, dir, log);
    } finally {
      if (a.indexDir() == null) {
        DiskUsage.delete(dir);
      }
    }
  }

  private static Summary run(BenchArgs a, Workload work, Path dir, PrintStream log)
      throws IOException, InterruptedException {
    try (FSDirectory directory = FSDirectory.open(dir)) {
      IndexWriterConfig iwc =
          new IndexWriterConfig(new StandardAnalyzer())
              .setOpenMode(IndexWriterConfig.OpenMode.CREATE)
              .setCodec(new Lucene104Codec(Lucene104Codec.Mode.BEST_COMPRESSION))
              .setIndexSort(NaiveSchema.BY_TIME)
              .setRAMBufferSizeMB(RAM_BUFFER_MB);
      long start = System.nanoTime();
      try (IndexWriter writer = new IndexWriter(directory, iwc)) {
        indexAll(writer, work.batches(), a.threads(), log);
        writer.commit();
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      long disk = DiskUsage.bytes(dir);
      log.printf(Locale.ROOT, "lucene: indexed and committed %,d records in %.1f s (%,.0f records/s, %.2f MB/s body),"
              + " %.1f MB on disk%n",
          work.records(), seconds, work.records() / seconds, work.bodyBytes() / 1e6 / seconds, disk / 1e6);

      try (DirectoryReader reader = DirectoryReader.open(directory)) {
        IndexSearcher searcher = new IndexSearcher(reader);
        long end = work.maxTimestampNanos();
        Query range = LongPoint.newRangeQuery(NaiveSchema.TIMESTAMP, work.minTimestampNanos(), end);
        Query needle = and(new TermQuery(new Term(NaiveSchema.BODY, work.corpus().needleToken())), range);
        Query word = and(new TermQuery(new Term(NaiveSchema.BODY, a.word())), range);
        long dayStart = Math.max(work.minTimestampNanos(), end - DAY_NANOS);
        Query errors = new BooleanQuery.Builder()
            .add(new TermQuery(new Term(NaiveSchema.SEVERITY, "ERROR")), Occur.FILTER)
            .add(LongPoint.newRangeQuery(NaiveSchema.TIMESTAMP, dayStart, end), Occur.FILTER)
            .build();
        int found = newest(searcher, needle);
        if (found != Math.min(100, work.needles())) {
          log.printf("warning: needle query found %d, expected %d%n", found, Math.min(100, work.needles()));
        }
        Latencies n = Latencies.measure(a.queryRuns(), () -> newest(searcher, needle));
        Latencies w = Latencies.measure(a.queryRuns(), () -> newest(searcher, word));
        Latencies h = Latencies.measure(a.queryRuns(), () -> perMinute(searcher, errors, dayStart, end));
        Latencies f = Latencies.measure(a.queryRuns(), () -> countByService(searcher, reader, word));
        return new Summary(
            "bare Lucene naive, " + a.threads() + " threads", work.records(), work.bodyBytes(), seconds, disk,
            -1, n, w, h, f);
      }
    }
  }

  private static void indexAll(IndexWriter writer, List<OtlpBatch> batches, int threads, PrintStream log)
      throws InterruptedException, IOException {
    AtomicInteger next = new AtomicInteger();
    AtomicReference<Exception> failure = new AtomicReference<>();
    int tenth = Math.max(1, batches.size() / 10);
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      workers.add(Thread.ofPlatform().name("lucene-ref-" + t).start(() -> {
        try {
          for (int b = next.getAndIncrement(); b < batches.size() && failure.get() == null; b = next.getAndIncrement()) {
            NaiveSchema.index(writer, batches.get(b).payload());
            if ((b + 1) % tenth == 0) {
              log.printf("  indexed about %d/%d batches%n", b + 1, batches.size());
            }
          }
        } catch (IOException | RuntimeException e) {
          failure.compareAndSet(null, e);
        }
      }));
    }
    for (Thread w : workers) {
      w.join();
    }
    if (failure.get() instanceof IOException e) {
      throw e;
    } else if (failure.get() instanceof RuntimeException e) {
      throw e;
    }
  }

  private static Query and(Query must, Query filter) {
    return new BooleanQuery.Builder().add(must, Occur.MUST).add(filter, Occur.FILTER).build();
  }

  /** Newest 100 hits with their stored fields loaded, as an API answer needs. */
  static int newest(IndexSearcher searcher, Query q) throws IOException {
    TopFieldDocs top = searcher.search(q, 100, NaiveSchema.BY_TIME);
    StoredFields stored = searcher.storedFields();
    for (ScoreDoc sd : top.scoreDocs) {
      stored.document(sd.doc);
    }
    return top.scoreDocs.length;
  }

  /** Counts per minute of the matches of {@code q} in {@code [start, end]}. */
  static long[] perMinute(IndexSearcher searcher, Query q, long start, long end) throws IOException {
    int buckets = (int) ((end - start) / MINUTE_NANOS) + 1;
    return searcher.search(q, new CollectorManager<MinuteCollector, long[]>() {
      @Override
      public MinuteCollector newCollector() {
        return new MinuteCollector(start, buckets);
      }

      @Override
      public long[] reduce(java.util.Collection<MinuteCollector> collectors) {
        long[] sum = new long[buckets];
        for (MinuteCollector c : collectors) {
          for (int i = 0; i < buckets; i++) {
            sum[i] += c.counts[i];
          }
        }
        return sum;
      }
    });
  }

  private static final class MinuteCollector extends SimpleCollector {
    final long start;
    final long[] counts;
    NumericDocValues time;

    MinuteCollector(long start, int buckets) {
      this.start = start;
      this.counts = new long[buckets];
    }

    @Override
    protected void doSetNextReader(LeafReaderContext context) throws IOException {
      time = context.reader().getNumericDocValues(NaiveSchema.TIMESTAMP);
    }

    @Override
    public void collect(int doc) throws IOException {
      if (time != null && time.advanceExact(doc)) {
        int b = (int) ((time.longValue() - start) / MINUTE_NANOS);
        if (b >= 0 && b < counts.length) {
          counts[b]++;
        }
      }
    }

    @Override
    public ScoreMode scoreMode() {
      return ScoreMode.COMPLETE_NO_SCORES;
    }
  }

  /** Matches of {@code q} per service: one count per service term (the naive schema has no doc values). */
  static List<Long> countByService(IndexSearcher searcher, DirectoryReader reader, Query q) throws IOException {
    List<Long> counts = new ArrayList<>();
    Terms terms = MultiTerms.getTerms(reader, NaiveSchema.SERVICE);
    if (terms == null) {
      return counts;
    }
    TermsEnum te = terms.iterator();
    for (BytesRef t = te.next(); t != null; t = te.next()) {
      Query byService = new BooleanQuery.Builder()
          .add(q, Occur.MUST)
          .add(new TermQuery(new Term(NaiveSchema.SERVICE, BytesRef.deepCopyOf(t))), Occur.FILTER)
          .build();
      counts.add((long) searcher.count(byService));
    }
    return counts;
  }
}
