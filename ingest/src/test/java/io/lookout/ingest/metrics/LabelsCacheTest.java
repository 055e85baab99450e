package io.lookout.ingest.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.CodedOutputStream;
import io.lookout.model.LookoutException;
import io.lookout.model.metrics.Labels;
import io.lookout.model.metrics.Sample;
import io.lookout.model.metrics.SeriesBatch;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Decoding with a {@link LabelsCache} gives exactly what decoding without one gives. */
class LabelsCacheTest {
  @FunctionalInterface
  interface IoConsumer {
    void accept(CodedOutputStream out) throws IOException;
  }

  private static byte[] message(IoConsumer body) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      CodedOutputStream out = CodedOutputStream.newInstance(bytes);
      body.accept(out);
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] label(String name, String value) {
    return message(o -> {
      o.writeString(1, name);
      o.writeString(2, value);
    });
  }

  private static byte[] sample(double v, long t) {
    return message(o -> {
      o.writeDouble(1, v);
      o.writeInt64(2, t);
    });
  }

  private static byte[] series(long t, String... namesAndValues) {
    return message(o -> {
      for (int i = 0; i < namesAndValues.length; i += 2) {
        o.writeByteArray(1, label(namesAndValues[i], namesAndValues[i + 1]));
      }
      o.writeByteArray(2, sample(t / 1000.0, t));
      o.writeByteArray(2, sample(Sample.STALE_NAN, t + 1000));
    });
  }

  private static byte[] request(byte[]... timeseries) {
    return message(o -> {
      for (byte[] ts : timeseries) {
        o.writeByteArray(1, ts);
      }
    });
  }

  @Test
  void repeatedSeriesDecodeEquallyAndShareTheirLabels() {
    LabelsCache cache = new LabelsCache(100);
    byte[] first = request(series(1000, "__name__", "up", "job", "a"), series(1000, "__name__", "up", "job", "b"));
    byte[] second = request(series(5000, "__name__", "up", "job", "b"), series(5000, "__name__", "up", "job", "a"));

    SeriesBatch a = RemoteWriteDecoder.parse(first, cache);
    SeriesBatch b = RemoteWriteDecoder.parse(second, cache);

    assertThat(a).isEqualTo(RemoteWriteDecoder.parse(first));
    assertThat(b).isEqualTo(RemoteWriteDecoder.parse(second));
    assertThat(b.series().get(1).labels()).isSameAs(a.series().get(0).labels());
    assertThat(b.series().get(0).labels()).isSameAs(a.series().get(1).labels());
    assertThat(b.series().get(0).samples().get(1).isStale()).isTrue();
    assertThat(cache.size()).isEqualTo(2);
  }

  @Test
  void seriesWithExemplarsOrLabelsAfterSamplesDecodeAsWithoutACache() {
    LabelsCache cache = new LabelsCache(100);
    byte[] exemplar = message(o -> {
      o.writeByteArray(1, label("trace_id", "0af7651916cd43dd8448eb211c80319c"));
      o.writeDouble(2, 0.5);
      o.writeInt64(3, 1500);
    });
    byte[] withExemplar = message(o -> {
      o.writeByteArray(1, label("__name__", "x"));
      o.writeByteArray(2, sample(1, 1000));
      o.writeByteArray(3, exemplar);
    });
    byte[] labelsAfterSamples = message(o -> {
      o.writeByteArray(1, label("__name__", "x"));
      o.writeByteArray(2, sample(1, 1000));
      o.writeByteArray(1, label("zone", "eu"));
    });
    byte[] body = request(withExemplar, labelsAfterSamples, withExemplar, labelsAfterSamples);
    for (int round = 0; round < 2; round++) {
      SeriesBatch cached = RemoteWriteDecoder.parse(body, cache);
      assertThat(cached).isEqualTo(RemoteWriteDecoder.parse(body));
      assertThat(cached.series().get(1).labels()).isEqualTo(Labels.of("__name__", "x", "zone", "eu"));
      assertThat(cached.series().get(0).exemplars()).hasSize(1);
    }
  }

  @Test
  void invalidLabelsAreRejectedEveryTimeAndNeverCached() {
    LabelsCache cache = new LabelsCache(100);
    byte[] body = request(series(1000, "__name__", "up", "job", "a", "code", "200"));
    for (int round = 0; round < 2; round++) {
      assertThatThrownBy(() -> RemoteWriteDecoder.parse(body, cache))
          .isInstanceOf(LookoutException.class)
          .hasMessageContaining("label 'code' follows 'job'");
    }
    assertThat(cache.size()).isZero();
  }

  @Test
  void truncatedBodiesAreRejectedWithACacheToo() {
    LabelsCache cache = new LabelsCache(100);
    byte[] body = request(series(1000, "__name__", "up"));
    RemoteWriteDecoder.parse(body, cache);
    assertThatThrownBy(() -> RemoteWriteDecoder.parse(Arrays.copyOf(body, body.length - 3), cache))
        .isInstanceOf(LookoutException.class)
        .hasMessageStartingWith("malformed remote_write protobuf");
  }

  @Test
  void startsOverWhenFull() {
    LabelsCache cache = new LabelsCache(2);
    for (int i = 0; i < 5; i++) {
      RemoteWriteDecoder.parse(request(series(1000, "__name__", "m" + i)), cache);
      assertThat(cache.size()).isBetween(1, 2);
    }
    assertThat(RemoteWriteDecoder.parse(request(series(1000, "__name__", "m4")), cache).series())
        .extracting(SeriesBatch.Series::labels).containsExactly(Labels.of("__name__", "m4"));
    assertThat(List.of(LabelsCache.hash(new byte[] {1, 2, 3}, 0, 3))).doesNotContain(
        LabelsCache.hash(new byte[] {1, 2, 4}, 0, 3));
  }
}
