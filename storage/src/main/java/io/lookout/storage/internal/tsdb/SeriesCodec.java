package io.lookout.storage.internal.tsdb;

import io.lookout.model.metrics.Labels;
import io.lookout.model.metrics.MetricMetadata;
import io.lookout.model.metrics.NativeHistogram;
import io.lookout.model.metrics.Sample;
import io.lookout.model.metrics.SeriesBatch;
import io.lookout.storage.internal.ByteReader;
import io.lookout.storage.internal.ByteWriter;
import io.lookout.storage.internal.CorruptDataException;
import java.util.ArrayList;
import java.util.List;

/**
 * Write-ahead-log encoding of a {@link SeriesBatch}: per series its labels, float samples
 * (timestamp deltas as varints, values as raw bits) and histograms; then the metadata.
 * Exemplars follow as an optional trailing section (entries written before it have none): the
 * count of series with exemplars, then per such series its index in the batch and its exemplars.
 */
public final class SeriesCodec {
  private SeriesCodec() {}

  public static void write(ByteWriter w, SeriesBatch batch) {
    write(w, batch, null);
  }

  /** As {@link #write(ByteWriter, SeriesBatch)}, copying the labels of known series from the head. */
  public static void write(ByteWriter w, SeriesBatch batch, Tsdb.SeriesRefs refs) {
    w.writeVInt(batch.series().size());
    for (int i = 0; i < batch.series().size(); i++) {
      SeriesBatch.Series s = batch.series().get(i);
      MemSeries known = refs == null ? null : refs.at(i);
      if (known != null) {
        w.writeBytes(known.encodedLabels, 0, known.encodedLabels.length);
      } else {
        List<Labels.Label> ls = s.labels().list();
        w.writeVInt(ls.size());
        for (Labels.Label l : ls) {
          w.writeString(l.name());
          w.writeString(l.value());
        }
      }
      List<Sample> samples = s.samples();
      w.writeVInt(samples.size());
      long prev = 0;
      for (Sample x : samples) {
        w.writeZLong(x.timestampMillis() - prev);
        prev = x.timestampMillis();
        w.writeLong(Double.doubleToRawLongBits(x.value()));
      }
      List<NativeHistogram> hs = s.histograms();
      w.writeVInt(hs.size());
      prev = 0;
      for (NativeHistogram h : hs) {
        HistogramCodec.write(w, h, prev);
        prev = h.timestampMillis();
      }
    }
    w.writeVInt(batch.metadata().size());
    for (MetricMetadata m : batch.metadata()) {
      w.writeString(m.familyName());
      w.writeByte(m.type().ordinal());
      w.writeString(m.unit());
      w.writeString(m.help());
    }
    int withExemplars = 0;
    for (SeriesBatch.Series s : batch.series()) {
      withExemplars += s.exemplars().isEmpty() ? 0 : 1;
    }
    if (withExemplars == 0) {
      return;
    }
    w.writeVInt(withExemplars);
    for (int i = 0; i < batch.series().size(); i++) {
      SeriesBatch.Series s = batch.series().get(i);
      if (!s.exemplars().isEmpty()) {
        w.writeVInt(i);
        ExemplarCodec.write(w, s.exemplars());
      }
    }
  }

  public static SeriesBatch read(ByteReader r) {
    int n = r.readCount();
    List<SeriesBatch.Series> series = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int nl = r.readCount();
      List<Labels.Label> ls = new ArrayList<>(nl);
      for (int j = 0; j < nl; j++) {
        ls.add(new Labels.Label(r.readString(), r.readString()));
      }
      int ns = r.readCount();
      List<Sample> samples = new ArrayList<>(ns);
      long prev = 0;
      for (int j = 0; j < ns; j++) {
        prev += r.readZLong();
        samples.add(new Sample(prev, Double.longBitsToDouble(r.readLong())));
      }
      int nh = r.readCount();
      List<NativeHistogram> hs = new ArrayList<>(nh);
      prev = 0;
      for (int j = 0; j < nh; j++) {
        NativeHistogram h = HistogramCodec.read(r, prev);
        prev = h.timestampMillis();
        hs.add(h);
      }
      series.add(new SeriesBatch.Series(new Labels(ls), samples, hs, List.of()));
    }
    int nm = r.readCount();
    List<MetricMetadata> meta = new ArrayList<>(nm);
    for (int i = 0; i < nm; i++) {
      meta.add(new MetricMetadata(r.readString(), MetricMetadata.Type.values()[
          Math.min(r.readByte(), MetricMetadata.Type.values().length - 1)], r.readString(), r.readString()));
    }
    if (r.hasRemaining()) {
      int ne = r.readCount();
      for (int i = 0; i < ne; i++) {
        int at = r.readVInt();
        if (at < 0 || at >= series.size()) {
          throw new CorruptDataException("exemplars of series " + at + " of a batch of " + series.size());
        }
        SeriesBatch.Series s = series.get(at);
        series.set(at, new SeriesBatch.Series(s.labels(), s.samples(), s.histograms(), ExemplarCodec.read(r)));
      }
    }
    return new SeriesBatch(series, meta);
  }

  /** Bytes of labels, as stored in the series index. */
  static byte[] encodeLabels(Labels labels) {
    ByteWriter w = new ByteWriter(16 + labels.size() * 24);
    w.writeVInt(labels.size());
    for (Labels.Label l : labels.list()) {
      w.writeString(l.name());
      w.writeString(l.value());
    }
    return w.toByteArray();
  }

  static Labels decodeLabels(byte[] b, int off, int len) {
    ByteReader r = new ByteReader(b, off, len);
    int n = r.readCount();
    List<Labels.Label> ls = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      ls.add(new Labels.Label(r.readString(), r.readString()));
    }
    return new Labels(ls);
  }
}
