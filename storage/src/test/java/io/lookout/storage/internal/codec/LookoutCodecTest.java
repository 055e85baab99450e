package io.lookout.storage.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.apache.lucene.codecs.Codec;
import org.apache.lucene.codecs.lucene104.Lucene104Codec;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;
import org.apache.lucene.util.BytesRef;
import org.junit.jupiter.api.Test;

class LookoutCodecTest {
  private static String value(int i) {
    Random r = new Random(i);
    int len = i % 97 == 0 ? 200_000 : i % 13 == 0 ? 0 : 20 + r.nextInt(300);
    StringBuilder b = new StringBuilder(len);
    while (b.length() < len) {
      b.append("user ").append(r.nextInt(1000)).append(" logged in from host-").append(r.nextInt(20)).append(' ');
    }
    return b.substring(0, len);
  }

  private static void add(IndexWriter w, int from, int to) throws IOException {
    for (int i = from; i < to; i++) {
      Document d = new Document();
      d.add(new StoredField("_src", new BytesRef(value(i).getBytes(StandardCharsets.UTF_8))));
      d.add(new StoredField("n", i));
      w.addDocument(d);
    }
  }

  private static void assertAll(Directory dir, int count) throws IOException {
    try (DirectoryReader r = DirectoryReader.open(dir)) {
      assertThat(r.numDocs()).isEqualTo(count);
      StoredFields sf = r.storedFields();
      // backwards: every read jumps between chunks
      for (int doc = r.maxDoc() - 1; doc >= 0; doc--) {
        Document d = sf.document(doc);
        int i = d.getField("n").numericValue().intValue();
        assertThat(d.getBinaryValue("_src").utf8ToString()).isEqualTo(value(i));
      }
    }
  }

  @Test
  void codecIsFoundByNameThroughSpi() {
    assertThat(Codec.forName(LookoutCodec.NAME)).isInstanceOf(LookoutCodec.class);
  }

  @Test
  void storedFieldsRoundTripIncludingEmptyAndChunkSizedValues() throws IOException {
    try (Directory dir = new ByteBuffersDirectory()) {
      try (IndexWriter w = new IndexWriter(dir, new IndexWriterConfig().setCodec(new LookoutCodec()))) {
        add(w, 0, 3000);
        w.commit();
        add(w, 3000, 5000);
        w.forceMerge(1);
      }
      assertAll(dir, 5000);
    }
  }

  @Test
  void indexWrittenWithTheDefaultCodecStillOpensAndMerges() throws IOException {
    try (Directory dir = new ByteBuffersDirectory()) {
      try (IndexWriter w = new IndexWriter(dir,
          new IndexWriterConfig().setCodec(new Lucene104Codec(Lucene104Codec.Mode.BEST_COMPRESSION)))) {
        add(w, 0, 1000);
      }
      try (IndexWriter w = new IndexWriter(dir, new IndexWriterConfig().setCodec(new LookoutCodec()))) {
        add(w, 1000, 2000);
        w.commit();
        assertAll(dir, 2000);
        w.forceMerge(1);
      }
      assertAll(dir, 2000);
    }
  }
}
