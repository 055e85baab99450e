package io.lookout.bench;

import com.google.protobuf.CodedOutputStream;
import io.airlift.compress.snappy.SnappyCompressor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Map;

/**
 * Encodes Prometheus remote_write 1.0 requests: a {@code prometheus.WriteRequest} protobuf
 * (timeseries = 1; in each, labels = 1 as name = 1 / value = 2, samples = 2 as value = 1 double /
 * timestamp = 2 int64 milliseconds), snappy block-compressed. Labels are encoded once per series.
 */
public final class RemoteWriteBatch {
  /** Headers a remote_write 1.0 sender sends. */
  public static final Map<String, String> HEADERS = Map.of(
      "Content-Type", "application/x-protobuf",
      "Content-Encoding", "snappy",
      "X-Prometheus-Remote-Write-Version", "0.1.0");

  private RemoteWriteBatch() {}

  /** The encoded {@code labels} entries (field 1, repeated) of a series, for {@link #encode}. */
  public static byte[] labels(Map<String, String> sortedLabels) {
    int size = 0;
    for (Map.Entry<String, String> e : sortedLabels.entrySet()) {
      int l = labelSize(e);
      size += CodedOutputStream.computeTagSize(1) + CodedOutputStream.computeUInt32SizeNoTag(l) + l;
    }
    byte[] out = new byte[size];
    CodedOutputStream o = CodedOutputStream.newInstance(out);
    try {
      for (Map.Entry<String, String> e : sortedLabels.entrySet()) {
        o.writeTag(1, 2);
        o.writeUInt32NoTag(labelSize(e));
        o.writeString(1, e.getKey());
        o.writeString(2, e.getValue());
      }
      o.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  private static int labelSize(Map.Entry<String, String> e) {
    return CodedOutputStream.computeStringSize(1, e.getKey()) + CodedOutputStream.computeStringSize(2, e.getValue());
  }

  /**
   * An uncompressed {@code WriteRequest}: series {@code i} has labels {@code labels[i]} and
   * samples {@code values[i][j]} at {@code timestamps[j]} for {@code j < samples}.
   */
  public static byte[] encode(byte[][] labels, double[][] values, long[] timestamps, int samples) {
    int[] seriesSize = new int[labels.length];
    int total = 0;
    for (int i = 0; i < labels.length; i++) {
      int s = labels[i].length;
      for (int j = 0; j < samples; j++) {
        int sample = sampleSize(values[i][j], timestamps[j]);
        s += CodedOutputStream.computeTagSize(2) + CodedOutputStream.computeUInt32SizeNoTag(sample) + sample;
      }
      seriesSize[i] = s;
      total += CodedOutputStream.computeTagSize(1) + CodedOutputStream.computeUInt32SizeNoTag(s) + s;
    }
    byte[] out = new byte[total];
    CodedOutputStream o = CodedOutputStream.newInstance(out);
    try {
      for (int i = 0; i < labels.length; i++) {
        o.writeTag(1, 2);
        o.writeUInt32NoTag(seriesSize[i]);
        o.writeRawBytes(labels[i]);
        for (int j = 0; j < samples; j++) {
          o.writeTag(2, 2);
          o.writeUInt32NoTag(sampleSize(values[i][j], timestamps[j]));
          o.writeDouble(1, values[i][j]);
          o.writeInt64(2, timestamps[j]);
        }
      }
      o.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  private static int sampleSize(double value, long timestamp) {
    return CodedOutputStream.computeDoubleSize(1, value) + CodedOutputStream.computeInt64Size(2, timestamp);
  }

  /** Snappy block format (not framed), as remote_write requires. */
  public static byte[] snappy(byte[] raw) {
    SnappyCompressor c = new SnappyCompressor();
    byte[] out = new byte[c.maxCompressedLength(raw.length)];
    int n = c.compress(raw, 0, raw.length, out, 0, out.length);
    return Arrays.copyOf(out, n);
  }
}
