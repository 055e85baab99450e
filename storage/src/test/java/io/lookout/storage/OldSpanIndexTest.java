package io.lookout.storage;

import static io.lookout.storage.TestData.SECOND;
import static io.lookout.storage.TestData.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.lookout.model.Span;
import io.lookout.model.spi.RedQuery;
import io.lookout.model.spi.TraceQuery;
import io.lookout.storage.internal.ByteWriter;
import io.lookout.storage.internal.Partitioning;
import io.lookout.storage.internal.RecordCodec;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.SortedDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.BytesRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A span partition written before the aggregation doc values existed still opens and takes new spans. */
class OldSpanIndexTest {
  @TempDir Path dir;

  @Test
  void spansWithoutDocValuesAreSkippedAndNewSpansStillIndex() throws Exception {
    long now = TestData.nowNanos();
    long start = Math.floorDiv(now, Partitioning.DAY) * Partitioning.DAY;
    Path part = dir.resolve("spans").resolve("t1").resolve(Partitioning.name(start, Partitioning.DAY));
    Span old = new Span("0000000000000000000000000000a0a0", "000000000000a0a1", "", "", "old", 2, now - SECOND,
        now - SECOND + 1000, 0, "", "legacy", Map.of(), Map.of(), "", List.of(), List.of());
    try (FSDirectory d = FSDirectory.open(part); IndexWriter w = new IndexWriter(d, new IndexWriterConfig())) {
      // the span document as the spine wrote it: "name", "kind", "status" as terms only
      ByteWriter src = new ByteWriter(256);
      RecordCodec.writeSpan(src, old);
      Document doc = new Document();
      doc.add(NumericDocValuesField.indexedField("start", old.startNanos()));
      doc.add(new NumericDocValuesField("duration", old.durationNanos()));
      doc.add(new StringField("trace_id", old.traceId(), Field.Store.NO));
      doc.add(new StringField("name", old.name(), Field.Store.NO));
      doc.add(new StringField("kind", Span.kindName(2), Field.Store.NO));
      doc.add(new StringField("status", Span.statusName(0), Field.Store.NO));
      doc.add(new StringField("service", old.service(), Field.Store.NO));
      doc.add(new SortedDocValuesField("service", new BytesRef(old.service())));
      doc.add(new StoredField("_src", new BytesRef(src.toByteArray())));
      w.addDocument(doc);
      w.commit();
    }
    StorageConfig cfg = new StorageConfig(dir, Duration.ofDays(7), Duration.ofDays(1), Duration.ofMillis(20),
        Duration.ofSeconds(1), 2, 64L << 20, 1 << 20);
    try (LuceneStorage s = LuceneStorage.open(cfg, new PrometheusRegistry())) {
      Span fresh = new Span("0000000000000000000000000000b0b0", "000000000000b0b1", "", "", "new", 2, now, now + 1000,
          2, "", "svc", Map.of(), Map.of(), "", List.of(), List.of());
      s.spans().append("t1", List.of(fresh)).join();
      TraceQuery all = new TraceQuery("t1", null, null, Map.of(), null, 0, Long.MAX_VALUE, 0, Long.MAX_VALUE, 10, null,
          10_000);
      await("new span", () -> s.spans().searchTraces(all).traces().size() == 1);
      assertThat(s.spans().searchTraces(all).traces().getFirst().traceId()).isEqualTo(fresh.traceId());
      assertThat(s.spans().trace("t1", old.traceId(), 10, 1000)).isPresent();
      assertThat(s.spans().services("t1", 0, Long.MAX_VALUE)).containsExactly("legacy", "svc");
      assertThat(s.spans().operations("t1", "legacy", 0, Long.MAX_VALUE)).isEmpty();
      assertThat(s.spans().dependencies("t1", 0, Long.MAX_VALUE, 1000)).isEmpty();
      assertThat(s.spans().red(new RedQuery("t1", "svc", null, now - 10 * SECOND, now + SECOND, 60 * SECOND, 1000)))
          .allSatisfy(p -> assertThat(p.errors()).isLessThanOrEqualTo(1));
      assertThat(s.check().healthy()).isTrue();
    }
  }
}
