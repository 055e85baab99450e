package io.lookout.storage.internal.tsdb;

import io.lookout.model.metrics.LabelMatcher;
import io.lookout.model.metrics.Labels;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.AutomatonQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.util.automaton.Operations;
import org.apache.lucene.util.automaton.RegExp;

/**
 * Not a test: CPU time of regex label matching over a label with many distinct values (default
 * 100,000, in 4 segments): the Lucene query over series documents (compile + count), the
 * in-memory predicate over as many labels, and for comparison Lucene's own automaton query where
 * both dialects agree. Median of 7 runs after 3 warm-ups, thread CPU time.
 * Usage: java -cp ... io.lookout.storage.internal.tsdb.RegexMatchMeasure [values]
 */
public final class RegexMatchMeasure {
  private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    SplittableRandom rnd = new SplittableRandom(42);
    List<Labels> labels = new ArrayList<>(n);
    ByteBuffersDirectory dir = new ByteBuffersDirectory();
    try (IndexWriter w = new IndexWriter(dir, new IndexWriterConfig().setRAMBufferSizeMB(256))) {
      for (int i = 0; i < n; i++) {
        String v = "pod-" + (char) ('a' + i % 7) + "-" + Integer.toHexString(rnd.nextInt()) + "-" + i;
        Labels l = Labels.of("__name__", "m", "pod", v);
        labels.add(l);
        Document d = new Document();
        for (Labels.Label x : l.list()) {
          d.add(new StringField(TsdbPartition.NAMES, x.name(), Field.Store.NO));
          d.add(new StringField(TsdbPartition.LABEL_PREFIX + x.name(), x.value(), Field.Store.NO));
        }
        w.addDocument(d);
        if (i % (n / 4) == n / 4 - 1) {
          w.commit();
        }
      }
    }
    try (DirectoryReader r = DirectoryReader.open(dir)) {
      IndexSearcher s = new IndexSearcher(r);
      s.setQueryCache(null);
      System.out.printf("%d distinct values, %d segments%n", n, r.leaves().size());
      String[] res = {"pod-c-.*", "pod-[ab]-.*-1.*", ".*-12345", ".*", ".+", "(?i)POD-A-.*7", "pod-a-.*|pod-b-.*",
          "pod-\\w-[0-9a-f]+-\\d*99", "x|y|pod-a-1"};
      System.out.printf("%-26s %8s %12s %12s %12s%n", "regex", "matches", "index ms", "head ms", "lucene ms");
      for (String re : res) {
        List<LabelMatcher> ms = List.of(new LabelMatcher("pod", LabelMatcher.Type.REGEX, re));
        int[] hits = {0};
        double index = median(() -> hits[0] = s.count(Matchers.compile(ms).query()));
        double head = median(() -> {
          Matchers m = Matchers.compile(ms);
          int c = 0;
          for (Labels l : labels) {
            c += m.matches(l) ? 1 : 0;
          }
          if (c != hits[0]) {
            throw new AssertionError("head " + c + " != index " + hits[0] + " for " + re);
          }
        });
        String lucene = "-";
        if (!re.startsWith("(?i)") && !re.contains("\\")) {
          lucene = String.format("%.2f", median(() -> {
            Query q = new AutomatonQuery(new Term(TsdbPartition.LABEL_PREFIX + "pod", re),
                Operations.determinize(new RegExp(re).toAutomaton(), 10_000));
            s.count(q);
          }));
        }
        System.out.printf("%-26s %8d %12.2f %12.2f %12s%n", re, hits[0], index, head, lucene);
      }
    }
  }

  private interface Run {
    void run() throws Exception;
  }

  private static double median(Run run) throws Exception {
    double[] t = new double[10];
    for (int i = 0; i < t.length; i++) {
      long c0 = CPU.getCurrentThreadCpuTime();
      run.run();
      t[i] = (CPU.getCurrentThreadCpuTime() - c0) / 1e6;
    }
    double[] kept = Arrays.copyOfRange(t, 3, t.length);
    Arrays.sort(kept);
    return kept[kept.length / 2];
  }
}
