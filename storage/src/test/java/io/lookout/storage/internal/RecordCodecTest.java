package io.lookout.storage.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lookout.model.LogRecord;
import io.lookout.model.Span;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecordCodecTest {
  @Test
  void logRecordRoundTripsWithTypedValuesAndOddIds() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("null", null);
    m.put("int", 7);
    m.put("float", 1.5f);
    m.put("bytes", new byte[] {1, 2});
    m.put("nested", Map.of("l", List.of(List.of(1L), Map.of())));
    LogRecord r = new LogRecord(-5, 123, 0, "", "", "s", "NOT-HEX", "abc", m, Map.of("k", Long.MIN_VALUE), "");
    ByteWriter w = new ByteWriter(16);
    RecordCodec.writeLog(w, r);
    LogRecord back = RecordCodec.readLog(w.array(), 0, w.length());
    assertThat(back.traceId()).isEqualTo("NOT-HEX");
    assertThat(back.spanId()).isEqualTo("abc");
    assertThat(back.attributes()).containsEntry("int", 7L).containsEntry("float", 1.5d).containsEntry("bytes", "AQI=")
        .containsEntry("null", null).containsEntry("nested", Map.of("l", List.of(List.of(1L), Map.of())));
    assertThat(back.resource()).isEqualTo(r.resource());
    assertThat(back.timestampNanos()).isEqualTo(-5);
  }

  @Test
  void spanRoundTrips() {
    Span s = new Span("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331", "", "a=b", "GET", 3, 100, 50, 1, "m",
        "svc", Map.of("a", true), Map.of(), "scope", List.of(new Span.Event(120, "e", Map.of("x", 1L))),
        List.of(new Span.Link("aa", "bb", "", Map.of())));
    ByteWriter w = new ByteWriter(16);
    RecordCodec.writeSpan(w, s);
    assertThat(RecordCodec.readSpan(w.array(), 0, w.length())).isEqualTo(s);
  }

  @Test
  void truncatedInputIsReportedAsCorrupt() {
    ByteWriter w = new ByteWriter(16);
    RecordCodec.writeLog(w, new LogRecord(1, 1, 1, "x", "body", "s", "", "", Map.of(), Map.of(), ""));
    assertThatThrownBy(() -> RecordCodec.readLog(w.array(), 0, w.length() - 3))
        .isInstanceOf(CorruptDataException.class);
  }
}
