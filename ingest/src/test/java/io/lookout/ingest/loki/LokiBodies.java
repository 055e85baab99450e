package io.lookout.ingest.loki;

import com.google.protobuf.CodedOutputStream;
import io.airlift.compress.snappy.SnappyCompressor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Builds Loki protobuf push bodies by hand (field numbers of logproto push.proto), as Promtail does. */
public final class LokiBodies {
  private LokiBodies() {}

  /** One entry: time, line and structured metadata (in order). */
  public record Entry(long seconds, int nanos, String line, Map<String, String> metadata) {
    public Entry(long seconds, int nanos, String line) {
      this(seconds, nanos, line, Map.of());
    }
  }

  /** A stream with its labels string; entries may be written before the labels. */
  public record Stream(String labels, List<Entry> entries, boolean labelsLast) {
    public Stream(String labels, Entry... entries) {
      this(labels, List.of(entries), false);
    }
  }

  public static byte[] pushRequest(Stream... streams) {
    return bytes(out -> {
      for (Stream s : streams) {
        out.writeByteArray(1, stream(s));
      }
      out.writeString(2, "loki"); // PushRequest.format of newer Loki versions: unknown here, skipped
    });
  }

  static byte[] stream(Stream s) {
    return bytes(out -> {
      if (!s.labelsLast()) {
        out.writeString(1, s.labels());
      }
      for (Entry e : s.entries()) {
        out.writeByteArray(2, entry(e));
      }
      out.writeUInt64(3, 12345); // hash, skipped
      if (s.labelsLast()) {
        out.writeString(1, s.labels());
      }
    });
  }

  static byte[] entry(Entry e) {
    return bytes(out -> {
      out.writeByteArray(1, bytes(ts -> {
        ts.writeInt64(1, e.seconds());
        if (e.nanos() != 0) {
          ts.writeInt32(2, e.nanos());
        }
      }));
      out.writeString(2, e.line());
      for (var m : e.metadata().entrySet()) {
        out.writeByteArray(3, bytes(p -> {
          p.writeString(1, m.getKey());
          p.writeString(2, m.getValue());
        }));
      }
    });
  }

  public static byte[] snappy(byte[] raw) {
    SnappyCompressor c = new SnappyCompressor();
    byte[] out = new byte[c.maxCompressedLength(raw.length)];
    int n = c.compress(raw, 0, raw.length, out, 0, out.length);
    return Arrays.copyOf(out, n);
  }

  interface Writer {
    void write(CodedOutputStream out) throws IOException;
  }

  static byte[] bytes(Writer w) {
    try {
      ByteArrayOutputStream buf = new ByteArrayOutputStream();
      CodedOutputStream out = CodedOutputStream.newInstance(buf);
      w.write(out);
      out.flush();
      return buf.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
