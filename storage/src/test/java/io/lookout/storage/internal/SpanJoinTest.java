package io.lookout.storage.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lookout.model.ErrorCode;
import io.lookout.model.LookoutException;
import io.lookout.model.Span;
import io.lookout.model.spi.DependencyEdge;
import java.util.List;
import java.util.Map;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.util.BytesRef;
import org.junit.jupiter.api.Test;

class SpanJoinTest {
  static Span span(String trace, String id, String parent, String service, int status) {
    return new Span(trace, id, parent, "", "op", 2, 1, 2, status, "", service, Map.of(), Map.of(), "", List.of(),
        List.of());
  }

  @Test
  void joinsParentsWithinTheirTraceOnly() {
    SpanJoin j = new SpanJoin(100);
    int a = j.serviceId("a");
    int b = j.serviceId("b");
    // trace 1: a(1) -> b(2, error) -> b(3); trace 2 reuses span id 1 for a b span, child 4 of "1" is in b
    j.add(1, 1, false, 0, a, false);
    j.add(1, 2, true, 1, b, true);
    j.add(1, 3, true, 2, b, false);
    j.add(2, 1, false, 0, b, false);
    j.add(2, 4, true, 1, a, false);
    j.add(2, 5, true, 99, a, false);
    assertThat(j.edges()).containsExactly(new DependencyEdge("a", "b", 1, 1), new DependencyEdge("b", "a", 1, 0));
  }

  @Test
  void tooManySpansFailWithTooLargeThroughLucene() throws Exception {
    try (ByteBuffersDirectory dir = new ByteBuffersDirectory()) {
      try (IndexWriter w = new IndexWriter(dir, new IndexWriterConfig())) {
        for (int i = 0; i < 3; i++) {
          w.addDocument(Documents.span(span("aa", "0" + i, "", "s", 0), new BytesRef(new byte[1])));
        }
      }
      try (DirectoryReader r = DirectoryReader.open(dir)) {
        IndexSearcher s = new IndexSearcher(r);
        assertThatThrownBy(() -> s.search(new MatchAllDocsQuery(), SpanJoin.collector(new SpanJoin(2))))
            .isInstanceOfSatisfying(LookoutException.class, e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.TOO_LARGE);
              assertThat(e.getMessage()).contains("the limit is 2").contains("shorter time range");
            });
        assertThat(s.search(new MatchAllDocsQuery(), SpanJoin.collector(new SpanJoin(3))).edges()).isEmpty();
      }
    }
  }
}
