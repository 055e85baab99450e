package io.lookout.storage.internal.tsdb;

import static org.assertj.core.api.Assertions.assertThat;

import io.lookout.model.metrics.Exemplar;
import io.lookout.model.metrics.Labels;
import io.lookout.model.metrics.Sample;
import io.lookout.model.metrics.SeriesBatch;
import io.lookout.storage.internal.ByteReader;
import io.lookout.storage.internal.ByteWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

class SeriesCodecExemplarTest {
  static SeriesBatch roundTrip(SeriesBatch b) {
    ByteWriter w = new ByteWriter(64);
    SeriesCodec.write(w, b);
    byte[] bytes = w.toByteArray();
    ByteReader r = new ByteReader(bytes, 0, bytes.length);
    SeriesBatch out = SeriesCodec.read(r);
    assertThat(r.hasRemaining()).isFalse();
    return out;
  }

  @Test
  void exemplarsRoundTripPerSeries() {
    SeriesBatch b = new SeriesBatch(List.of(
        SeriesBatch.Series.ofSamples(Labels.of("__name__", "a"), List.of(new Sample(5, 1))),
        new SeriesBatch.Series(Labels.of("__name__", "b"), List.of(new Sample(7, 2)), List.of(), List.of(
            new Exemplar(Labels.of("trace_id", "4bf92f3577b34da6a3ce929d0e0e4736", "span_id", "00f067aa0ba902b7"),
                6, 1600096945479L),
            new Exemplar(Labels.of("trace_id", "ab"), -0.5, 1600096940000L)))), List.of());
    assertThat(roundTrip(b)).isEqualTo(b);
  }

  @Test
  void batchesWithoutExemplarsKeepTheOldEncoding() {
    SeriesBatch b = new SeriesBatch(List.of(SeriesBatch.Series.ofSamples(Labels.of("__name__", "a"),
        List.of(new Sample(5, 1)))), List.of());
    ByteWriter w = new ByteWriter(64);
    SeriesCodec.write(w, b);
    byte[] withSection = w.toByteArray();
    // the old layout: series then metadata, nothing after; decodes with no exemplars
    assertThat(roundTrip(b)).isEqualTo(b);
    assertThat(withSection[withSection.length - 1]).isEqualTo((byte) 0); // metadata count ends the entry
  }
}
