package io.lookout.ingest.loki;

import static io.lookout.ingest.loki.LokiBodies.pushRequest;
import static io.lookout.ingest.loki.LokiBodies.snappy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lookout.ingest.loki.LokiBodies.Entry;
import io.lookout.ingest.loki.LokiBodies.Stream;
import io.lookout.model.ErrorCode;
import io.lookout.model.LogRecord;
import io.lookout.model.LookoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LokiDecodersTest {
  static final long OBSERVED = 1_764_151_300_000_000_000L;

  static List<LogRecord> json(String body) {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    return LokiJson.decode(b, b.length, OBSERVED);
  }

  @Test
  void jsonStreamsValuesAndStructuredMetadata() {
    List<LogRecord> rs = json("""
        {"streams":[
          {"stream":{"app":"api","level":"warn"},"values":[["1764151200000000001","first"],
                                                         ["1764151200000000002","second",{"trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","user":"7"}]]},
          {"values":[[1764151200000000003,"third",null]],"stream":{"job":"varlogs"},"extra":{"ignored":[1,2]}}
        ],"unknown":true}""");
    assertThat(rs).extracting(LogRecord::body).containsExactly("first", "second", "third");
    assertThat(rs).extracting(LogRecord::timestampNanos)
        .containsExactly(1764151200000000001L, 1764151200000000002L, 1764151200000000003L);
    assertThat(rs.get(0).service()).isEqualTo("api");
    assertThat(rs.get(0).severityNumber()).isEqualTo(13);
    assertThat(rs.get(1).attributes()).isEqualTo(Map.of("trace_id", "4bf92f3577b34da6a3ce929d0e0e4736", "user", "7"));
    assertThat(rs.get(1).traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(rs.get(2).service()).isEqualTo("varlogs");
    assertThat(rs.get(2).resource()).isEqualTo(Map.of("job", "varlogs"));
    assertThat(rs).allSatisfy(r -> assertThat(r.observedTimestampNanos()).isEqualTo(OBSERVED));
  }

  @Test
  void emptyJsonPushes() {
    assertThat(json("")).isEmpty();
    assertThat(json("  \n")).isEmpty();
    assertThat(json("{}")).isEmpty();
    assertThat(json("{\"streams\":[]}")).isEmpty();
    assertThat(json("{\"streams\":[{\"stream\":{\"a\":\"b\"},\"values\":[]}]}")).isEmpty();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "[]                                                                | push body is not a JSON object",
      "{\"streams\":{}}                                                  | \"streams\" must be an array",
      "{\"streams\":[1]}                                                 | stream 0 is not an object",
      "{\"streams\":[{\"stream\":[]}]}                                   | \"stream\" of stream 0 must be an object",
      "{\"streams\":[{\"stream\":{\"a\":1}}]}                            | label 'a' of stream 0 is not a string",
      "{\"streams\":[{\"stream\":{\"a-b\":\"x\"}}]}                      | invalid label name 'a-b' in stream 0",
      "{\"streams\":[{},{\"values\":{}}]}                                | \"values\" of stream 1 must be an array",
      "{\"streams\":[{\"values\":[\"x\"]}]}                              | entry 0 of stream 0 is not an array",
      "{\"streams\":[{\"values\":[[\"1\",\"a\"],[\"12x\",\"b\"]]}]}      | invalid timestamp '12x' of entry 1 of stream 0",
      "{\"streams\":[{\"values\":[[\"99999999999999999999\",\"b\"]]}]}   | invalid timestamp",
      "{\"streams\":[{\"values\":[[\"-1\",\"b\"]]}]}                     | invalid timestamp '-1'",
      "{\"streams\":[{\"values\":[[1.5,\"b\"]]}]}                        | must be a string of Unix nanoseconds",
      "{\"streams\":[{\"values\":[[\"1\",2]]}]}                          | the line of entry 0 of stream 0 must be a string",
      "{\"streams\":[{\"values\":[[\"1\",\"a\",{\"k\":1}]]}]}            | structured metadata 'k' of entry 0 of stream 0 is not a string",
      "{\"streams\":[{\"values\":[[\"1\",\"a\",{},4]]}]}                 | entry 0 of stream 0 has too many elements",
      "{\"streams\":[{\"values\":[[\"1\",\"a\"]]}                        | invalid JSON push body in stream 0",
      "{\"streams\":[]} {}                                               | unexpected data after the JSON object",
  })
  void badJsonIsRefusedNamingStreamEntryAndWhatIsAllowed(String body, String message) {
    assertThatThrownBy(() -> json(body)).isInstanceOfSatisfying(LookoutException.class, e -> {
      assertThat(e.code()).isEqualTo(ErrorCode.BAD_DATA);
      assertThat(e.getMessage()).contains(message);
    });
  }

  @Test
  void protobufStreamsEntriesAndStructuredMetadata() {
    byte[] raw = pushRequest(
        new Stream("{service_name=\"cart\", level=\"error\", msg=\"a \\\"quoted\\\" value\"}",
            new Entry(1764151200, 5, "boom", Map.of("span_id", "00f067aa0ba902b7", "k", "v")),
            new Entry(1764151201, 0, "again")),
        new Stream("{job=\"varlogs\"}", List.of(new Entry(1764151202, 0, "labels after entries")), true),
        new Stream("{app=\"no-time\"}", new Entry(0, 0, "when?")));
    byte[] body = snappy(raw);

    List<LogRecord> rs = LokiProtobuf.decode(LokiProtobuf.decompress(body, body.length, 1 << 20), OBSERVED);

    assertThat(rs).extracting(LogRecord::body).containsExactly("boom", "again", "labels after entries", "when?");
    LogRecord boom = rs.get(0);
    assertThat(boom.timestampNanos()).isEqualTo(1764151200_000000005L);
    assertThat(boom.service()).isEqualTo("cart");
    assertThat(boom.severityNumber()).isEqualTo(17);
    assertThat(boom.severityText()).isEqualTo("ERROR");
    assertThat(boom.resource()).containsEntry("msg", "a \"quoted\" value");
    assertThat(boom.attributes()).isEqualTo(Map.of("span_id", "00f067aa0ba902b7", "k", "v"));
    assertThat(boom.spanId()).isEqualTo("00f067aa0ba902b7");
    assertThat(rs.get(1).attributes()).isEmpty();
    assertThat(rs.get(2).service()).isEqualTo("varlogs");
    assertThat(rs.get(3).timestampNanos()).isEqualTo(OBSERVED);
  }

  @Test
  void protobufBadLabelsNameTheStream() {
    byte[] raw = pushRequest(new Stream("{a=\"1\"}", new Entry(1, 0, "x")), new Stream("{a=~\"1\"}", new Entry(1, 0, "y")));
    assertThatThrownBy(() -> LokiProtobuf.decode(raw, OBSERVED)).isInstanceOfSatisfying(LookoutException.class, e -> {
      assertThat(e.code()).isEqualTo(ErrorCode.BAD_DATA);
      assertThat(e.getMessage()).startsWith("invalid labels of stream 1: matcher '=~' after label 'a'");
    });
  }

  @Test
  void protobufBadTimestampIsRefused() {
    byte[] raw = pushRequest(new Stream("{a=\"1\"}", new Entry(-5, 0, "x")));
    assertThatThrownBy(() -> LokiProtobuf.decode(raw, OBSERVED))
        .hasMessageContaining("invalid timestamp of stream 0 entry 0 (seconds -5, nanos 0)");
  }

  @Test
  void corruptProtobufAndSnappyAreBadData() {
    byte[] raw = pushRequest(new Stream("{a=\"1\"}", new Entry(1, 0, "x")));
    byte[] truncated = Arrays.copyOf(raw, raw.length - 10); // into stream 0 (the format field is 6 bytes)
    assertThatThrownBy(() -> LokiProtobuf.decode(truncated, OBSERVED))
        .isInstanceOfSatisfying(LookoutException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_DATA))
        .hasMessageContaining("invalid protobuf push body in stream 0");
    byte[] wrongWire = {0x08, 0x01}; // streams as a varint
    assertThatThrownBy(() -> LokiProtobuf.decode(wrongWire, OBSERVED))
        .hasMessageContaining("field PushRequest.streams has wire type 0");
    byte[] notSnappy = "{\"streams\":[]}".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> LokiProtobuf.decompress(notSnappy, notSnappy.length, 1 << 20))
        .isInstanceOfSatisfying(LookoutException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_DATA))
        .hasMessageContaining("invalid snappy body");
  }

  @Test
  void snappyHeaderOverTheLimitIsTooLargeBeforeAllocating() {
    byte[] big = snappy(new byte[100_000]);
    assertThatThrownBy(() -> LokiProtobuf.decompress(big, big.length, 1000))
        .isInstanceOfSatisfying(LookoutException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.TOO_LARGE))
        .hasMessageContaining("push body decompresses to 100000 bytes, over the limit of 1000 bytes");
  }
}
