package io.lookout.ingest.metrics;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import io.airlift.compress.MalformedInputException;
import io.airlift.compress.snappy.SnappyDecompressor;
import io.lookout.model.ErrorCode;
import io.lookout.model.LookoutException;
import io.lookout.model.metrics.Exemplar;
import io.lookout.model.metrics.Labels;
import io.lookout.model.metrics.MetricMetadata;
import io.lookout.model.metrics.NativeHistogram;
import io.lookout.model.metrics.Sample;
import io.lookout.model.metrics.SeriesBatch;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes Prometheus remote_write 1.0 requests: a snappy block-format body ({@code
 * Content-Encoding: snappy}) holding a {@code prometheus.WriteRequest} protobuf. There is no
 * official Java artifact of Prometheus's protos, so the messages are read by field number; the
 * numbers are those of {@code prometheus/prompb/remote.proto} and {@code types.proto}:
 *
 * <pre>
 * WriteRequest   { repeated TimeSeries timeseries = 1; reserved 2; repeated MetricMetadata metadata = 3; }
 * TimeSeries     { repeated Label labels = 1; repeated Sample samples = 2;
 *                  repeated Exemplar exemplars = 3; repeated Histogram histograms = 4; }
 * Label          { string name = 1; string value = 2; }
 * Sample         { double value = 1; int64 timestamp = 2; }
 * Exemplar       { repeated Label labels = 1; double value = 2; int64 timestamp = 3; }
 * MetricMetadata { MetricType type = 1; string metric_family_name = 2; string help = 4; string unit = 5; }
 * Histogram      { oneof count { uint64 count_int = 1; double count_float = 2; } double sum = 3;
 *                  sint32 schema = 4; double zero_threshold = 5;
 *                  oneof zero_count { uint64 zero_count_int = 6; double zero_count_float = 7; }
 *                  repeated BucketSpan negative_spans = 8; repeated sint64 negative_deltas = 9;
 *                  repeated double negative_counts = 10; repeated BucketSpan positive_spans = 11;
 *                  repeated sint64 positive_deltas = 12; repeated double positive_counts = 13;
 *                  ResetHint reset_hint = 14; int64 timestamp = 15; }
 * BucketSpan     { sint32 offset = 1; uint32 length = 2; }
 * </pre>
 *
 * Integer histograms carry delta-encoded bucket counts; they are returned as absolute counts.
 * Repeated scalars are accepted packed and unpacked; unknown fields are skipped.
 */
public final class RemoteWriteDecoder {
  private RemoteWriteDecoder() {}

  /**
   * Decompresses and decodes a request body.
   *
   * @param maxBytes the largest uncompressed size accepted
   * @throws LookoutException too_large when the uncompressed size (from the snappy header, checked
   *     before anything is allocated) exceeds {@code maxBytes}; bad_data for a corrupt body,
   *     malformed protobuf, or an invalid series (named in the message)
   */
  public static SeriesBatch decode(byte[] snappyBody, int maxBytes) {
    return parse(decompress(snappyBody, maxBytes));
  }

  /** Decompresses a snappy block-format body; see {@link #decode(byte[], int)} for the errors. */
  public static byte[] decompress(byte[] body, int maxBytes) {
    return decompress(body, body.length, maxBytes);
  }

  /** Decompresses the first {@code bodyLength} bytes of {@code body}; see {@link #decode(byte[], int)}. */
  public static byte[] decompress(byte[] body, int bodyLength, int maxBytes) {
    if (bodyLength < 0 || bodyLength > body.length) {
      throw new IllegalArgumentException("body length " + bodyLength + " outside the array of " + body.length);
    }
    long length = 0;
    int shift = 0;
    int pos = 0;
    while (true) {
      if (pos >= bodyLength || pos >= 5) {
        throw LookoutException.badData("invalid snappy body: missing or malformed length header;"
            + " remote_write bodies must be snappy block format (not framed)");
      }
      int b = body[pos++] & 0xff;
      length |= (long) (b & 0x7f) << shift;
      shift += 7;
      if ((b & 0x80) == 0) {
        break;
      }
    }
    if (length > maxBytes) {
      throw new LookoutException(ErrorCode.TOO_LARGE, "remote_write body decompresses to " + length
          + " bytes, over the limit of " + maxBytes + " bytes: send smaller batches");
    }
    byte[] out = new byte[(int) length];
    try {
      int n = new SnappyDecompressor().decompress(body, 0, bodyLength, out, 0, out.length);
      if (n != length) {
        throw LookoutException.badData("invalid snappy body: header says " + length + " bytes, data has " + n);
      }
    } catch (MalformedInputException | IllegalArgumentException | IndexOutOfBoundsException e) {
      throw LookoutException.badData("invalid snappy body: " + e.getMessage());
    }
    return out;
  }

  /** Decodes an uncompressed {@code WriteRequest}. */
  public static SeriesBatch parse(byte[] protobuf) {
    return parse(protobuf, null);
  }

  /**
   * Decodes an uncompressed {@code WriteRequest}, taking series labels from {@code cache} when
   * their bytes were decoded before (and adding them otherwise); null for no cache.
   */
  public static SeriesBatch parse(byte[] protobuf, LabelsCache cache) {
    List<SeriesBatch.Series> series = new ArrayList<>();
    List<MetricMetadata> metadata = new ArrayList<>();
    try {
      CodedInputStream in = CodedInputStream.newInstance(protobuf);
      int tag;
      while ((tag = in.readTag()) != 0) {
        switch (WireFormat.getTagFieldNumber(tag)) {
          case 1 -> series.add(cache == null ? embedded(in, tag, RemoteWriteDecoder::timeSeries)
              : cachedTimeSeries(in, tag, protobuf, cache));
          case 3 -> metadata.add(embedded(in, tag, RemoteWriteDecoder::metadata));
          default -> in.skipField(tag);
        }
      }
    } catch (InvalidProtocolBufferException e) {
      throw LookoutException.badData("malformed remote_write protobuf: " + e.getMessage());
    } catch (IOException e) {
      throw LookoutException.badData("malformed remote_write protobuf: " + e.getMessage());
    }
    return new SeriesBatch(series, metadata);
  }

  @FunctionalInterface
  private interface Reader<T> {
    T read(CodedInputStream in) throws IOException;
  }

  private static <T> T embedded(CodedInputStream in, int tag, Reader<T> reader) throws IOException {
    if (WireFormat.getTagWireType(tag) != WireFormat.WIRETYPE_LENGTH_DELIMITED) {
      throw new InvalidProtocolBufferException("field " + WireFormat.getTagFieldNumber(tag) + " is not a message");
    }
    int limit = in.pushLimit(in.readRawVarint32());
    T t = reader.read(in);
    in.checkLastTagWas(0);
    in.popLimit(limit);
    return t;
  }

  private record RawLabel(String name, String value, boolean validUtf8) {}

  private static RawLabel label(CodedInputStream in) throws IOException {
    ByteString name = ByteString.EMPTY;
    ByteString value = ByteString.EMPTY;
    int tag;
    while ((tag = in.readTag()) != 0) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case 1 -> name = in.readBytes();
        case 2 -> value = in.readBytes();
        default -> in.skipField(tag);
      }
    }
    return new RawLabel(name.toStringUtf8(), value.toStringUtf8(), name.isValidUtf8() && value.isValidUtf8());
  }

  private static SeriesBatch.Series timeSeries(CodedInputStream in) throws IOException {
    List<RawLabel> labels = new ArrayList<>();
    List<Sample> samples = new ArrayList<>();
    List<RawExemplar> rawExemplars = new ArrayList<>();
    List<HistogramFields> histograms = new ArrayList<>();
    int tag;
    while ((tag = in.readTag()) != 0) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case 1 -> labels.add(embedded(in, tag, RemoteWriteDecoder::label));
        case 2 -> samples.add(embedded(in, tag, RemoteWriteDecoder::sample));
        case 3 -> rawExemplars.add(embedded(in, tag, RemoteWriteDecoder::exemplar));
        case 4 -> histograms.add(embedded(in, tag, HistogramFields::read));
        default -> in.skipField(tag);
      }
    }
    Labels ls = validLabels(labels, null);
    List<Exemplar> exemplars = new ArrayList<>(rawExemplars.size());
    for (RawExemplar e : rawExemplars) {
      exemplars.add(new Exemplar(validLabels(e.labels(), ls), e.value(), e.timestamp()));
    }
    List<NativeHistogram> hs = new ArrayList<>(histograms.size());
    for (HistogramFields h : histograms) {
      try {
        hs.add(h.toNative());
      } catch (IllegalArgumentException e) {
        throw LookoutException.badData("invalid native histogram in series " + ls + ": " + e.getMessage());
      }
    }
    return new SeriesBatch.Series(ls, samples, hs, exemplars);
  }

  private static Sample sample(CodedInputStream in) throws IOException {
    double value = 0;
    long timestamp = 0;
    int tag;
    while ((tag = in.readTag()) != 0) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case 1 -> value = in.readDouble();
        case 2 -> timestamp = in.readInt64();
        default -> in.skipField(tag);
      }
    }
    return new Sample(timestamp, value);
  }

  /**
   * A {@code TimeSeries} whose labels come first (as every sender writes them): their bytes are
   * looked up in the cache and decoded only when new. Any other layout is decoded as usual.
   */
  private static SeriesBatch.Series cachedTimeSeries(CodedInputStream in, int seriesTag, byte[] buf,
      LabelsCache cache) throws IOException {
    if (WireFormat.getTagWireType(seriesTag) != WireFormat.WIRETYPE_LENGTH_DELIMITED) {
      throw new InvalidProtocolBufferException("field 1 is not a message");
    }
    int length = in.readRawVarint32();
    int start = in.getTotalBytesRead();
    int limit = in.pushLimit(length);
    int labelsEnd = start;
    int tag = in.readTag();
    while (tag != 0 && WireFormat.getTagFieldNumber(tag) == 1) {
      in.skipField(tag);
      labelsEnd = in.getTotalBytesRead();
      tag = in.readTag();
    }
    Labels labels = null;
    int hash = 0;
    if (labelsEnd > start) {
      hash = LabelsCache.hash(buf, start, labelsEnd);
      labels = cache.get(buf, start, labelsEnd, hash);
    }
    List<Sample> samples = null;
    boolean plain = true;
    for (; tag != 0 && plain; tag = plain ? in.readTag() : tag) {
      if (WireFormat.getTagFieldNumber(tag) == 2) {
        if (samples == null) {
          samples = new ArrayList<>(16);
        }
        samples.add(embedded(in, tag, RemoteWriteDecoder::sample));
      } else {
        plain = false; // labels after samples, exemplars, histograms, unknown fields: the general path
      }
    }
    if (!plain || labels == null) {
      in.skipRawBytes(start + length - in.getTotalBytesRead());
      in.popLimit(limit);
      SeriesBatch.Series s = timeSeries(CodedInputStream.newInstance(buf, start, length));
      if (plain && labelsEnd > start) { // every label was in bytes [start, labelsEnd)
        cache.put(buf, start, labelsEnd, hash, s.labels());
      }
      return s;
    }
    in.checkLastTagWas(0);
    in.popLimit(limit);
    return new SeriesBatch.Series(labels, samples == null ? List.of() : samples, List.of(), List.of());
  }

  private record RawExemplar(List<RawLabel> labels, double value, long timestamp) {}

  private static RawExemplar exemplar(CodedInputStream in) throws IOException {
    List<RawLabel> labels = new ArrayList<>();
    double value = 0;
    long timestamp = 0;
    int tag;
    while ((tag = in.readTag()) != 0) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case 1 -> labels.add(embedded(in, tag, RemoteWriteDecoder::label));
        case 2 -> value = in.readDouble();
        case 3 -> timestamp = in.readInt64();
        default -> in.skipField(tag);
      }
    }
    return new RawExemplar(labels, value, timestamp);
  }

  private static MetricMetadata metadata(CodedInputStream in) throws IOException {
    int type = 0;
    String family = "";
    String help = "";
    String unit = "";
    int tag;
    while ((tag = in.readTag()) != 0) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case 1 -> type = in.readEnum();
        case 2 -> family = in.readStringRequireUtf8();
        case 4 -> help = in.readStringRequireUtf8();
        case 5 -> unit = in.readStringRequireUtf8();
        default -> in.skipField(tag);
      }
    }
    return new MetricMetadata(family, MetricMetadata.Type.ofNumber(type), unit, help);
  }

  /**
   * Validates labels as sent: valid UTF-8, non-empty names, sorted by name without duplicates,
   * and (for a series, when {@code series} is null) a non-empty metric name. Empty values mean
   * absent and are left out.
   */
  private static Labels validLabels(List<RawLabel> raw, Labels series) {
    String what = series == null ? "series" : "exemplar of series " + series;
    for (int i = 0; i < raw.size(); i++) {
      RawLabel l = raw.get(i);
      if (!l.validUtf8()) {
        throw LookoutException.badData("invalid " + what + " " + describe(raw) + ": label " + (i + 1)
            + " is not valid UTF-8; label names and values must be UTF-8");
      }
      if (l.name().isEmpty()) {
        throw LookoutException.badData("invalid " + what + " " + describe(raw) + ": label " + (i + 1)
            + " has an empty name");
      }
      if (i > 0 && Labels.NAME_ORDER.compare(raw.get(i - 1).name(), l.name()) >= 0) {
        throw LookoutException.badData("invalid " + what + " " + describe(raw) + ": label '" + l.name() + "' "
            + (raw.get(i - 1).name().equals(l.name()) ? "is duplicated" : "follows '" + raw.get(i - 1).name() + "'")
            + "; labels must be sorted by name without duplicates");
      }
    }
    Labels.Builder b = Labels.builder();
    for (RawLabel l : raw) {
      b.put(l.name(), l.value());
    }
    Labels labels = b.build();
    if (series == null && labels.metricName().isEmpty()) {
      throw LookoutException.badData("invalid series " + describe(raw) + ": the metric name (label __name__)"
          + " is missing or empty");
    }
    return labels;
  }

  private static String describe(List<RawLabel> raw) {
    StringBuilder sb = new StringBuilder("{");
    for (RawLabel l : raw) {
      if (sb.length() > 200) {
        sb.append(", ...");
        break;
      }
      if (sb.length() > 1) {
        sb.append(", ");
      }
      sb.append(l.name()).append("=\"").append(l.value()).append('"');
    }
    return sb.append('}').toString();
  }
}
