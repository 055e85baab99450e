package io.lookout.storage.internal.tsdb;

import io.lookout.model.metrics.Exemplar;
import io.lookout.model.metrics.Labels;
import io.lookout.storage.internal.ByteReader;
import io.lookout.storage.internal.ByteWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Encoding of a list of exemplars, in the write-ahead log and in the partition indexes: the count,
 * then per exemplar its labels, the value's raw bits and the timestamp as a delta to the previous.
 */
final class ExemplarCodec {
  private ExemplarCodec() {}

  static void write(ByteWriter w, List<Exemplar> exemplars) {
    w.writeVInt(exemplars.size());
    long prev = 0;
    for (Exemplar e : exemplars) {
      List<Labels.Label> ls = e.labels().list();
      w.writeVInt(ls.size());
      for (Labels.Label l : ls) {
        w.writeString(l.name());
        w.writeString(l.value());
      }
      w.writeLong(Double.doubleToRawLongBits(e.value()));
      w.writeZLong(e.timestampMillis() - prev);
      prev = e.timestampMillis();
    }
  }

  static List<Exemplar> read(ByteReader r) {
    int n = r.readCount();
    List<Exemplar> out = new ArrayList<>(n);
    long prev = 0;
    for (int i = 0; i < n; i++) {
      int nl = r.readCount();
      List<Labels.Label> ls = new ArrayList<>(nl);
      for (int j = 0; j < nl; j++) {
        ls.add(new Labels.Label(r.readString(), r.readString()));
      }
      double v = Double.longBitsToDouble(r.readLong());
      prev += r.readZLong();
      out.add(new Exemplar(new Labels(ls), v, prev));
    }
    return out;
  }

  static byte[] encode(List<Exemplar> exemplars) {
    ByteWriter w = new ByteWriter(16 + exemplars.size() * 96);
    write(w, exemplars);
    return w.toByteArray();
  }

  static List<Exemplar> decode(byte[] b, int off, int len) {
    return read(new ByteReader(b, off, len));
  }
}
