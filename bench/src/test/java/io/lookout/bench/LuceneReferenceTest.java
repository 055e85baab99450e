package io.lookout.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.lookout.bench.internal.Summary;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LuceneReferenceTest {
  @Test
  void indexesEveryRecordAndFindsTheNeedles(@TempDir Path tmp) throws Exception {
    Path datasets = LoadGeneratorTest.writeSamples(Files.createDirectory(tmp.resolve("loghub")));
    Path index = tmp.resolve("index");
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    BenchArgs a = BenchArgs.parse(
        "--records", "3000", "--batch", "200", "--datasets", datasets.toString(), "--seed", "5",
        "--needles", "40", "--query-runs", "2", "--index-dir", index.toString());

    Summary s = LuceneReference.run(a, new PrintStream(log, true, StandardCharsets.UTF_8));

    assertThat(s.records()).isEqualTo(3000);
    assertThat(s.diskBytes()).isPositive();
    assertThat(s.retries()).isEqualTo(-1);
    assertThat(s.row()).startsWith("| bare Lucene naive, 2 threads | 3,000 |");
    assertThat(log.toString(StandardCharsets.UTF_8)).contains("indexed and committed").doesNotContain("warning");
    try (var dir = org.apache.lucene.store.FSDirectory.open(index);
        var reader = org.apache.lucene.index.DirectoryReader.open(dir)) {
      var searcher = new org.apache.lucene.search.IndexSearcher(reader);
      assertThat(reader.numDocs()).isEqualTo(3000);
      assertThat(searcher.count(new org.apache.lucene.search.TermQuery(
          new org.apache.lucene.index.Term("body", "needle5")))).isEqualTo(40);
      assertThat(LuceneReference.countByService(searcher, reader,
          new org.apache.lucene.search.MatchAllDocsQuery()).stream().mapToLong(Long::longValue).sum())
          .isEqualTo(3000);
    }
  }
}
