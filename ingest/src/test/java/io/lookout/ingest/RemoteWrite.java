package io.lookout.ingest;

import com.google.protobuf.CodedOutputStream;
import io.airlift.compress.snappy.SnappyCompressor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;

/** Builds Prometheus remote_write 1.0 bodies by hand (field numbers of prompb), as senders do. */
final class RemoteWrite {
  private RemoteWrite() {}

  @FunctionalInterface
  interface IoConsumer {
    void accept(CodedOutputStream out) throws IOException;
  }

  static byte[] message(IoConsumer body) {
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

  /** A TimeSeries: labels as name/value pairs (sent in the given order), then samples as (value, timestamp) pairs. */
  static byte[] series(String[] labels, double... valueTimestampPairs) {
    return message(o -> {
      for (int i = 0; i < labels.length; i += 2) {
        String name = labels[i];
        String value = labels[i + 1];
        o.writeByteArray(1, message(l -> {
          l.writeString(1, name);
          l.writeString(2, value);
        }));
      }
      for (int i = 0; i < valueTimestampPairs.length; i += 2) {
        double v = valueTimestampPairs[i];
        long t = (long) valueTimestampPairs[i + 1];
        o.writeByteArray(2, message(s -> {
          s.writeDouble(1, v);
          s.writeInt64(2, t);
        }));
      }
    });
  }

  static String[] labels(String... namesAndValues) {
    return namesAndValues;
  }

  /** A WriteRequest of the given TimeSeries messages. */
  static byte[] request(byte[]... timeseries) {
    return message(o -> {
      for (byte[] ts : timeseries) {
        o.writeByteArray(1, ts);
      }
    });
  }

  /** Snappy block format, as remote_write requires. */
  static byte[] snappy(byte[] raw) {
    SnappyCompressor c = new SnappyCompressor();
    byte[] out = new byte[c.maxCompressedLength(raw.length)];
    int n = c.compress(raw, 0, raw.length, out, 0, out.length);
    return Arrays.copyOf(out, n);
  }
}
