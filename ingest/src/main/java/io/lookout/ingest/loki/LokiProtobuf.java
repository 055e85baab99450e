package io.lookout.ingest.loki;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import io.airlift.compress.MalformedInputException;
import io.airlift.compress.snappy.SnappyDecompressor;
import io.lookout.model.ErrorCode;
import io.lookout.model.LogRecord;
import io.lookout.model.LookoutException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes Loki's protobuf push body: a snappy block-compressed {@code logproto.PushRequest}, read
 * by field number (Loki publishes no Java artifact of its protos); the numbers are those of
 * {@code pkg/push/push.proto}:
 *
 * <pre>
 * PushRequest      { repeated StreamAdapter streams = 1; }
 * StreamAdapter    { string labels = 1; repeated EntryAdapter entries = 2; uint64 hash = 3; }
 * EntryAdapter     { google.protobuf.Timestamp timestamp = 1; string line = 2;
 *                    repeated LabelPairAdapter structuredMetadata = 3; }
 * LabelPairAdapter { string name = 1; string value = 2; }
 * Timestamp        { int64 seconds = 1; int32 nanos = 2; }
 * </pre>
 *
 * Unknown fields (the hash, {@code PushRequest.format}, {@code EntryAdapter.parsed}) are skipped.
 */
public final class LokiProtobuf {
  private static final int LEN = WireFormat.WIRETYPE_LENGTH_DELIMITED;
  private static final int VARINT = WireFormat.WIRETYPE_VARINT;

  private LokiProtobuf() {}

  /**
   * Decompresses the first {@code length} bytes of a snappy block-format body.
   *
   * @throws LookoutException too_large when the uncompressed size (from the snappy header,
   *     checked before anything is allocated) exceeds {@code maxBytes}; bad_data for corrupt data
   */
  public static byte[] decompress(byte[] body, int length, long maxBytes) {
    long size = 0;
    int shift = 0;
    int pos = 0;
    while (true) {
      if (pos >= length || pos >= 5) {
        throw LookoutException.badData("invalid snappy body: missing or malformed length header; protobuf push"
            + " bodies must be snappy block format (not framed), or send JSON with Content-Type: application/json");
      }
      int b = body[pos++] & 0xff;
      size |= (long) (b & 0x7f) << shift;
      shift += 7;
      if ((b & 0x80) == 0) {
        break;
      }
    }
    if (size > maxBytes) {
      throw new LookoutException(ErrorCode.TOO_LARGE, "push body decompresses to " + size
          + " bytes, over the limit of " + maxBytes + " bytes (LOOKOUT_MAX_REQUEST_BYTES): send smaller batches");
    }
    byte[] out = new byte[(int) size];
    try {
      int n = new SnappyDecompressor().decompress(body, 0, length, out, 0, out.length);
      if (n != size) {
        throw LookoutException.badData("invalid snappy body: header says " + size + " bytes, data has " + n);
      }
    } catch (MalformedInputException | IllegalArgumentException | IndexOutOfBoundsException e) {
      throw LookoutException.badData("invalid snappy body: " + e.getMessage()
          + "; protobuf push bodies must be snappy block format (not framed)");
    }
    return out;
  }

  /**
   * Decodes an uncompressed {@code PushRequest} into records.
   *
   * @param observedNanos the receive time: every record's observed time, and the time of entries
   *     sent without one
   * @throws LookoutException bad_data naming the stream (and entry) and what is wrong
   */
  public static List<LogRecord> decode(byte[] protobuf, long observedNanos) {
    List<LogRecord> out = new ArrayList<>();
    int stream = 0;
    boolean inStream = false;
    try {
      CodedInputStream in = CodedInputStream.newInstance(protobuf);
      int tag;
      while ((tag = in.readTag()) != 0) {
        if (WireFormat.getTagFieldNumber(tag) == 1) {
          wire(tag, LEN, "PushRequest.streams");
          inStream = true;
          int limit = in.pushLimit(in.readRawVarint32());
          stream(in, stream, observedNanos, out);
          in.popLimit(limit);
          inStream = false;
          stream++;
        } else {
          in.skipField(tag);
        }
      }
    } catch (InvalidProtocolBufferException e) {
      throw LookoutException.badData("invalid protobuf push body" + (inStream ? " in stream " + stream : "") + ": "
          + e.getMessage()
          + "; send a snappy-compressed logproto.PushRequest");
    } catch (IOException e) {
      throw LookoutException.badData("cannot read protobuf push body: " + e.getMessage());
    }
    return out;
  }

  /** A decoded entry waiting for its stream's labels (which may come after the entries on the wire). */
  private record Entry(long nanos, String line, Map<String, String> metadata) {}

  private static void stream(CodedInputStream in, int index, long observed, List<LogRecord> out) throws IOException {
    String labels = null;
    List<Entry> entries = new ArrayList<>();
    int tag;
    while ((tag = in.readTag()) != 0) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case 1 -> {
          wire(tag, LEN, "StreamAdapter.labels");
          labels = in.readString();
        }
        case 2 -> {
          wire(tag, LEN, "StreamAdapter.entries");
          int limit = in.pushLimit(in.readRawVarint32());
          entries.add(entry(in, index, entries.size()));
          in.popLimit(limit);
        }
        default -> in.skipField(tag);
      }
    }
    Map<String, String> parsed;
    try {
      parsed = LokiLabels.parse(labels == null ? "{}" : labels);
    } catch (LookoutException e) {
      throw LookoutException.badData("invalid labels of stream " + index + ": " + e.getMessage());
    }
    LokiStream s = LokiStream.of(parsed);
    for (Entry e : entries) {
      out.add(s.entry(e.nanos, observed, e.line, e.metadata));
    }
  }

  private static Entry entry(CodedInputStream in, int stream, int index) throws IOException {
    long nanos = 0;
    String line = "";
    Map<String, String> metadata = Map.of();
    int tag;
    while ((tag = in.readTag()) != 0) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case 1 -> {
          wire(tag, LEN, "EntryAdapter.timestamp");
          int limit = in.pushLimit(in.readRawVarint32());
          nanos = timestamp(in, stream, index);
          in.popLimit(limit);
        }
        case 2 -> {
          wire(tag, LEN, "EntryAdapter.line");
          line = in.readString();
        }
        case 3 -> {
          wire(tag, LEN, "EntryAdapter.structuredMetadata");
          int limit = in.pushLimit(in.readRawVarint32());
          if (metadata.isEmpty()) {
            metadata = new LinkedHashMap<>();
          }
          pair(in, metadata, stream, index);
          in.popLimit(limit);
        }
        default -> in.skipField(tag);
      }
    }
    return new Entry(nanos, line, metadata);
  }

  private static long timestamp(CodedInputStream in, int stream, int entry) throws IOException {
    long seconds = 0;
    long nanos = 0;
    int tag;
    while ((tag = in.readTag()) != 0) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case 1 -> {
          wire(tag, VARINT, "Timestamp.seconds");
          seconds = in.readInt64();
        }
        case 2 -> {
          wire(tag, VARINT, "Timestamp.nanos");
          nanos = in.readInt32();
        }
        default -> in.skipField(tag);
      }
    }
    if (seconds < 0 || nanos < 0 || nanos > 999_999_999 || seconds > Long.MAX_VALUE / 1_000_000_000L - 1) {
      throw LookoutException.badData("invalid timestamp of stream " + stream + " entry " + entry + " (seconds "
          + seconds + ", nanos " + nanos + "): allowed are times from 1970 to 2262 with nanos 0..999999999");
    }
    return seconds * 1_000_000_000L + nanos;
  }

  private static void pair(CodedInputStream in, Map<String, String> into, int stream, int entry) throws IOException {
    String name = "";
    String value = "";
    int tag;
    while ((tag = in.readTag()) != 0) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case 1 -> {
          wire(tag, LEN, "LabelPairAdapter.name");
          name = in.readString();
        }
        case 2 -> {
          wire(tag, LEN, "LabelPairAdapter.value");
          value = in.readString();
        }
        default -> in.skipField(tag);
      }
    }
    if (name.isEmpty()) {
      throw LookoutException.badData("structured metadata of stream " + stream + " entry " + entry
          + " has an empty name: every pair needs a name");
    }
    into.put(name, value);
  }

  private static void wire(int tag, int expected, String field) throws InvalidProtocolBufferException {
    if (WireFormat.getTagWireType(tag) != expected) {
      throw new InvalidProtocolBufferException("field " + field + " has wire type " + WireFormat.getTagWireType(tag)
          + ", expected " + expected);
    }
  }
}
