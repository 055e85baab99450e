package io.lookout.storage.internal;

import io.lookout.model.LogRecord;
import io.lookout.model.Span;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Compact binary form of the model records, used both in write-ahead-log entries and as the
 * stored source ({@code _src}) of each Lucene document. Attribute values keep their types:
 * String, Long, Double, Boolean, List and Map (other numbers widen to Long or Double, byte
 * arrays become base64 strings, anything else its string form).
 */
public final class RecordCodec {
  private static final int LOG_V1 = 1;
  private static final int SPAN_V1 = 1;

  private static final int T_NULL = 0;
  private static final int T_STRING = 1;
  private static final int T_LONG = 2;
  private static final int T_DOUBLE = 3;
  private static final int T_TRUE = 4;
  private static final int T_FALSE = 5;
  private static final int T_LIST = 6;
  private static final int T_MAP = 7;

  private RecordCodec() {}

  public static void writeLog(ByteWriter w, LogRecord r) {
    w.writeByte(LOG_V1);
    w.writeLong(r.timestampNanos());
    w.writeZLong(r.observedTimestampNanos() - r.timestampNanos());
    w.writeVInt(r.severityNumber());
    w.writeString(r.severityText());
    w.writeString(r.body());
    w.writeString(r.service());
    writeId(w, r.traceId());
    writeId(w, r.spanId());
    writeMap(w, r.attributes());
    writeMap(w, r.resource());
    w.writeString(r.scopeName());
  }

  public static LogRecord readLog(byte[] b, int off, int len) {
    ByteReader r = new ByteReader(b, off, len);
    int v = r.readByte();
    if (v != LOG_V1) {
      throw new CorruptDataException("unknown log record version " + v);
    }
    long ts = r.readLong();
    long observed = ts + r.readZLong();
    int sevNum = r.readVInt();
    String sevText = r.readString();
    String body = r.readString();
    String service = r.readString();
    String traceId = readId(r);
    String spanId = readId(r);
    Map<String, Object> attrs = readMap(r);
    Map<String, Object> resource = readMap(r);
    String scope = r.readString();
    return new LogRecord(ts, observed, sevNum, sevText, body, service, traceId, spanId, attrs, resource, scope);
  }

  public static void writeSpan(ByteWriter w, Span s) {
    w.writeByte(SPAN_V1);
    writeId(w, s.traceId());
    writeId(w, s.spanId());
    writeId(w, s.parentSpanId());
    w.writeString(s.traceState());
    w.writeString(s.name());
    w.writeVInt(s.kind());
    w.writeLong(s.startNanos());
    w.writeZLong(s.endNanos() - s.startNanos());
    w.writeVInt(s.statusCode());
    w.writeString(s.statusMessage());
    w.writeString(s.service());
    writeMap(w, s.attributes());
    writeMap(w, s.resource());
    w.writeString(s.scopeName());
    w.writeVInt(s.events().size());
    for (Span.Event e : s.events()) {
      w.writeZLong(e.timeNanos() - s.startNanos());
      w.writeString(e.name());
      writeMap(w, e.attributes());
    }
    w.writeVInt(s.links().size());
    for (Span.Link l : s.links()) {
      writeId(w, l.traceId());
      writeId(w, l.spanId());
      w.writeString(l.traceState());
      writeMap(w, l.attributes());
    }
  }

  public static Span readSpan(byte[] b, int off, int len) {
    ByteReader r = new ByteReader(b, off, len);
    int v = r.readByte();
    if (v != SPAN_V1) {
      throw new CorruptDataException("unknown span version " + v);
    }
    String traceId = readId(r);
    String spanId = readId(r);
    String parent = readId(r);
    String traceState = r.readString();
    String name = r.readString();
    int kind = r.readVInt();
    long start = r.readLong();
    long end = start + r.readZLong();
    int status = r.readVInt();
    String statusMessage = r.readString();
    String service = r.readString();
    Map<String, Object> attrs = readMap(r);
    Map<String, Object> resource = readMap(r);
    String scope = r.readString();
    int ne = r.readCount();
    List<Span.Event> events = new ArrayList<>(ne);
    for (int i = 0; i < ne; i++) {
      long t = start + r.readZLong();
      events.add(new Span.Event(t, r.readString(), readMap(r)));
    }
    int nl = r.readCount();
    List<Span.Link> links = new ArrayList<>(nl);
    for (int i = 0; i < nl; i++) {
      links.add(new Span.Link(readId(r), readId(r), r.readString(), readMap(r)));
    }
    return new Span(traceId, spanId, parent, traceState, name, kind, start, end, status, statusMessage,
        service, attrs, resource, scope, events, links);
  }

  /** Ids that are lowercase hex of even length are stored as raw bytes; others as UTF-8. */
  static void writeId(ByteWriter w, String id) {
    int n = id.length();
    if (n > 0 && n % 2 == 0 && n <= 128 && isLowerHex(id)) {
      w.writeVInt(n / 2 << 1 | 1);
      for (int i = 0; i < n; i += 2) {
        w.writeByte(Character.digit(id.charAt(i), 16) << 4 | Character.digit(id.charAt(i + 1), 16));
      }
    } else {
      byte[] b = id.getBytes(StandardCharsets.UTF_8);
      w.writeVInt(b.length << 1);
      w.writeBytes(b, 0, b.length);
    }
  }

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  static String readId(ByteReader r) {
    int h = r.readVInt();
    int n = h >>> 1;
    byte[] b = r.readBytes(n);
    if ((h & 1) == 0) {
      return new String(b, StandardCharsets.UTF_8);
    }
    char[] c = new char[n * 2];
    for (int i = 0; i < n; i++) {
      c[2 * i] = HEX[(b[i] >> 4) & 0xF];
      c[2 * i + 1] = HEX[b[i] & 0xF];
    }
    return new String(c);
  }

  private static boolean isLowerHex(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  static void writeMap(ByteWriter w, Map<?, ?> m) {
    w.writeVInt(m.size());
    for (Map.Entry<?, ?> e : m.entrySet()) {
      w.writeString(String.valueOf(e.getKey()));
      writeValue(w, e.getValue());
    }
  }

  static Map<String, Object> readMap(ByteReader r) {
    int n = r.readCount();
    if (n == 0) {
      return Map.of();
    }
    Map<String, Object> m = new LinkedHashMap<>(n * 2);
    for (int i = 0; i < n; i++) {
      String k = r.readString();
      m.put(k, readValue(r));
    }
    return m;
  }

  static void writeValue(ByteWriter w, Object v) {
    switch (v) {
      case null -> w.writeByte(T_NULL);
      case String s -> {
        w.writeByte(T_STRING);
        w.writeString(s);
      }
      case Long l -> {
        w.writeByte(T_LONG);
        w.writeZLong(l);
      }
      case Integer i -> {
        w.writeByte(T_LONG);
        w.writeZLong(i);
      }
      case Short s -> {
        w.writeByte(T_LONG);
        w.writeZLong(s);
      }
      case Byte b -> {
        w.writeByte(T_LONG);
        w.writeZLong(b);
      }
      case Double d -> {
        w.writeByte(T_DOUBLE);
        w.writeLong(Double.doubleToRawLongBits(d));
      }
      case Float f -> {
        w.writeByte(T_DOUBLE);
        w.writeLong(Double.doubleToRawLongBits(f));
      }
      case Boolean b -> w.writeByte(b ? T_TRUE : T_FALSE);
      case byte[] bytes -> {
        w.writeByte(T_STRING);
        w.writeString(Base64.getEncoder().encodeToString(bytes));
      }
      case Collection<?> c -> {
        w.writeByte(T_LIST);
        w.writeVInt(c.size());
        for (Object o : c) {
          writeValue(w, o);
        }
      }
      case Map<?, ?> m -> {
        w.writeByte(T_MAP);
        writeMap(w, m);
      }
      default -> {
        w.writeByte(T_STRING);
        w.writeString(v.toString());
      }
    }
  }

  static Object readValue(ByteReader r) {
    int t = r.readByte();
    return switch (t) {
      case T_NULL -> null;
      case T_STRING -> r.readString();
      case T_LONG -> r.readZLong();
      case T_DOUBLE -> Double.longBitsToDouble(r.readLong());
      case T_TRUE -> Boolean.TRUE;
      case T_FALSE -> Boolean.FALSE;
      case T_LIST -> {
        int n = r.readCount();
        List<Object> l = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          l.add(readValue(r));
        }
        yield l;
      }
      case T_MAP -> readMap(r);
      default -> throw new CorruptDataException("unknown value type " + t);
    };
  }
}
