package io.lookout.ingest.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.CodedOutputStream;
import io.airlift.compress.snappy.SnappyCompressor;
import io.lookout.model.ErrorCode;
import io.lookout.model.LookoutException;
import io.lookout.model.metrics.Exemplar;
import io.lookout.model.metrics.Labels;
import io.lookout.model.metrics.MetricMetadata;
import io.lookout.model.metrics.NativeHistogram;
import io.lookout.model.metrics.NativeHistogram.BucketSpan;
import io.lookout.model.metrics.Sample;
import io.lookout.model.metrics.SeriesBatch;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Hand-built WriteRequests (field numbers from prompb), snappy-compressed, decoded back exactly. */
class RemoteWriteDecoderTest {
  private static final int MAX = 1 << 20;

  /** Writes a protobuf message with a callback. */
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

  @FunctionalInterface
  interface IoConsumer {
    void accept(CodedOutputStream out) throws IOException;
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

  private static byte[] series(String... labelsThenNothing) {
    return message(o -> {
      for (int i = 0; i < labelsThenNothing.length; i += 2) {
        o.writeByteArray(1, label(labelsThenNothing[i], labelsThenNothing[i + 1]));
      }
      o.writeByteArray(2, sample(1, 1000));
    });
  }

  private static byte[] snappy(byte[] raw) {
    SnappyCompressor c = new SnappyCompressor();
    byte[] out = new byte[c.maxCompressedLength(raw.length)];
    int n = c.compress(raw, 0, raw.length, out, 0, out.length);
    return Arrays.copyOf(out, n);
  }

  private static byte[] request(byte[]... timeseries) {
    return message(o -> {
      for (byte[] ts : timeseries) {
        o.writeByteArray(1, ts);
      }
    });
  }

  @Test
  void decodesSamplesExemplarsHistogramsAndMetadata() {
    byte[] exemplar = message(o -> {
      o.writeByteArray(1, label("trace_id", "0af7651916cd43dd8448eb211c80319c"));
      o.writeDouble(2, 0.42);
      o.writeInt64(3, 1500);
    });
    // integer histogram: counts 2, 3 | 1 delta-encoded as 2, +1 | 1 (packed), spans (0,2) (3,1)
    byte[] histogram = message(o -> {
      o.writeUInt64(1, 7);
      o.writeDouble(3, 12.5);
      o.writeSInt32(4, 3);
      o.writeDouble(5, 1e-128);
      o.writeUInt64(6, 1);
      o.writeByteArray(11, message(s -> { s.writeSInt32(1, 0); s.writeUInt32(2, 2); }));
      o.writeByteArray(11, message(s -> { s.writeSInt32(1, 3); s.writeUInt32(2, 1); }));
      o.writeByteArray(12, message(p -> { p.writeSInt64NoTag(2); p.writeSInt64NoTag(1); p.writeSInt64NoTag(-2); }));
      o.writeByteArray(8, message(s -> { s.writeSInt32(1, -1); s.writeUInt32(2, 1); }));
      o.writeSInt64(9, 6); // unpacked
      o.writeEnum(14, 2);
      o.writeInt64(15, 2000);
    });
    byte[] floatHistogram = message(o -> {
      o.writeDouble(2, 2.5);
      o.writeDouble(3, 1);
      o.writeSInt32(4, 0);
      o.writeDouble(7, 0.5);
      o.writeByteArray(11, message(s -> { s.writeSInt32(1, 1); s.writeUInt32(2, 1); }));
      o.writeByteArray(13, message(p -> p.writeDoubleNoTag(2.0)));
      o.writeEnum(14, 3);
      o.writeInt64(15, 3000);
    });
    byte[] ts = message(o -> {
      o.writeByteArray(1, label("__name__", "http_requests_total"));
      o.writeByteArray(1, label("code", "200"));
      o.writeByteArray(1, label("job", "api"));
      o.writeByteArray(2, sample(10, 1000));
      o.writeByteArray(2, sample(Sample.STALE_NAN, 2000));
      o.writeByteArray(3, exemplar);
      o.writeByteArray(4, histogram);
      o.writeByteArray(4, floatHistogram);
    });
    byte[] meta = message(o -> {
      o.writeEnum(1, 1);
      o.writeString(2, "http_requests_total");
      o.writeString(4, "Requests served");
      o.writeString(5, "requests");
    });
    byte[] body = message(o -> {
      o.writeByteArray(1, ts);
      o.writeByteArray(3, meta);
      o.writeString(99, "unknown fields are skipped");
    });

    SeriesBatch batch = RemoteWriteDecoder.decode(snappy(body), MAX);

    Labels labels = Labels.of("__name__", "http_requests_total", "code", "200", "job", "api");
    assertThat(batch.series()).containsExactly(new SeriesBatch.Series(labels,
        List.of(new Sample(1000, 10), Sample.stale(2000)),
        List.of(
            new NativeHistogram(2000, 3, 1e-128, 1, 7, 12.5,
                List.of(new BucketSpan(0, 2), new BucketSpan(3, 1)), new double[] {2, 3, 1},
                List.of(new BucketSpan(-1, 1)), new double[] {6}, NativeHistogram.ResetHint.NO),
            new NativeHistogram(3000, 0, 0, 0.5, 2.5, 1, List.of(new BucketSpan(1, 1)), new double[] {2},
                List.of(), new double[0], NativeHistogram.ResetHint.GAUGE)),
        List.of(new Exemplar(Labels.of("trace_id", "0af7651916cd43dd8448eb211c80319c"), 0.42, 1500))));
    assertThat(batch.series().getFirst().samples().get(1).isStale()).isTrue();
    assertThat(batch.metadata()).containsExactly(
        new MetricMetadata("http_requests_total", MetricMetadata.Type.COUNTER, "requests", "Requests served"));
  }

  private static void rejected(byte[] body, String message) {
    assertThatThrownBy(() -> RemoteWriteDecoder.decode(snappy(body), MAX))
        .isInstanceOfSatisfying(LookoutException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_DATA))
        .hasMessage(message);
  }

  @Test
  void unsortedLabelsAreRejectedNamingTheSeries() {
    rejected(request(series("__name__", "up", "job", "a", "code", "200")),
        "invalid series {__name__=\"up\", job=\"a\", code=\"200\"}: label 'code' follows 'job';"
            + " labels must be sorted by name without duplicates");
  }

  @Test
  void duplicateLabelsAreRejected() {
    rejected(request(series("__name__", "up", "job", "a", "job", "b")),
        "invalid series {__name__=\"up\", job=\"a\", job=\"b\"}: label 'job' is duplicated;"
            + " labels must be sorted by name without duplicates");
  }

  @Test
  void aMissingMetricNameIsRejected() {
    rejected(request(series("job", "a")),
        "invalid series {job=\"a\"}: the metric name (label __name__) is missing or empty");
  }

  @Test
  void anEmptyLabelNameIsRejected() {
    rejected(request(series("", "x", "__name__", "up")), "invalid series {=\"x\", __name__=\"up\"}: label 1 has an empty name");
  }

  @Test
  void invalidUtf8IsRejected() {
    byte[] badLabel = message(o -> {
      o.writeString(1, "__name__");
      o.writeByteArray(2, new byte[] {'u', (byte) 0xc3, (byte) 0x28});
    });
    byte[] ts = message(o -> o.writeByteArray(1, badLabel));
    assertThatThrownBy(() -> RemoteWriteDecoder.decode(snappy(request(ts)), MAX))
        .isInstanceOf(LookoutException.class)
        .hasMessageContaining("label 1 is not valid UTF-8");
  }

  @Test
  void spansThatDoNotCoverTheCountsAreRejected() {
    byte[] histogram = message(o -> {
      o.writeByteArray(11, message(s -> { s.writeSInt32(1, 0); s.writeUInt32(2, 3); }));
      o.writeByteArray(12, message(p -> p.writeSInt64NoTag(1)));
    });
    byte[] ts = message(o -> {
      o.writeByteArray(1, label("__name__", "h"));
      o.writeByteArray(4, histogram);
    });
    rejected(request(ts), "invalid native histogram in series {__name__=\"h\"}: positive spans cover 3 buckets"
        + " but 1 counts were given");
  }

  @Test
  void truncatedProtobufIsRejected() {
    byte[] body = request(series("__name__", "up"));
    rejected(Arrays.copyOf(body, body.length - 3), "malformed remote_write protobuf: While parsing a protocol"
        + " message, the input ended unexpectedly in the middle of a field.  This could mean either that the"
        + " input has been truncated or that an embedded message misreported its own length.");
  }

  @Test
  void aBodyOverTheLimitIsRefusedFromItsHeaderBeforeAllocating() {
    // header claims 2 GiB - 1: refused without allocating or reading further
    byte[] bomb = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07, 0x00};
    assertThatThrownBy(() -> RemoteWriteDecoder.decode(bomb, MAX))
        .isInstanceOfSatisfying(LookoutException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.TOO_LARGE))
        .hasMessage("remote_write body decompresses to 2147483647 bytes, over the limit of 1048576 bytes:"
            + " send smaller batches");
  }

  @Test
  void corruptSnappyIsRejected() {
    byte[] good = snappy(request(series("__name__", "up")));
    byte[] corrupt = Arrays.copyOf(good, good.length - 4);
    assertThatThrownBy(() -> RemoteWriteDecoder.decode(corrupt, MAX))
        .isInstanceOfSatisfying(LookoutException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_DATA))
        .hasMessageStartingWith("invalid snappy body");
    assertThatThrownBy(() -> RemoteWriteDecoder.decode(new byte[0], MAX))
        .hasMessage("invalid snappy body: missing or malformed length header;"
            + " remote_write bodies must be snappy block format (not framed)");
  }

  @Test
  void emptyLabelValuesMeanAbsent() {
    SeriesBatch b = RemoteWriteDecoder.decode(snappy(request(series("__name__", "up", "env", ""))), MAX);
    assertThat(b.series().getFirst().labels()).isEqualTo(Labels.of("__name__", "up"));
  }
}
