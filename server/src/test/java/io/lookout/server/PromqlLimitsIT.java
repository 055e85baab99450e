package io.lookout.server;

import static io.lookout.server.Http.enc;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.CodedOutputStream;
import io.airlift.compress.snappy.SnappyCompressor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * remote_write into the server, then PromQL errors as a Prometheus client sees them: a malformed
 * query names the position, too many series and too fine a resolution name the limit.
 */
class PromqlLimitsIT {
  private static InProcessServer lookout;
  private static long now;

  @BeforeAll
  static void writeTenSeries() throws Exception {
    lookout = new InProcessServer(Map.of("LOOKOUT_PROMQL_MAX_SERIES", "5"));
    now = System.currentTimeMillis();
    ByteArrayOutputStream request = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(request);
    for (int i = 0; i < 10; i++) {
      ByteArrayOutputStream ts = new ByteArrayOutputStream();
      CodedOutputStream t = CodedOutputStream.newInstance(ts);
      t.writeByteArray(1, pair("__name__", "limit_test"));
      t.writeByteArray(1, pair("i", Integer.toString(i)));
      for (int k = 2; k >= 0; k--) {
        ByteArrayOutputStream sample = new ByteArrayOutputStream();
        CodedOutputStream s = CodedOutputStream.newInstance(sample);
        s.writeDouble(1, i * 10 + k);
        s.writeInt64(2, now - k * 30_000L);
        s.flush();
        t.writeByteArray(2, sample.toByteArray());
      }
      t.flush();
      out.writeByteArray(1, ts.toByteArray());
    }
    out.flush();
    byte[] raw = request.toByteArray();
    SnappyCompressor c = new SnappyCompressor();
    byte[] compressed = new byte[c.maxCompressedLength(raw.length)];
    int n = c.compress(raw, 0, raw.length, compressed, 0, compressed.length);
    var r = Http.post(lookout.api() + "/prometheus/api/v1/write", "application/x-protobuf",
        Arrays.copyOf(compressed, n), "Content-Encoding", "snappy", "X-Prometheus-Remote-Write-Version", "0.1.0");
    assertThat(r.statusCode()).as(new String(r.body())).isEqualTo(204);
  }

  private static byte[] pair(String name, String value) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    CodedOutputStream o = CodedOutputStream.newInstance(b);
    o.writeString(1, name);
    o.writeString(2, value);
    o.flush();
    return b.toByteArray();
  }

  @AfterAll
  static void stop() throws Exception {
    lookout.close();
  }

  private static JsonNode get(String path, int status) {
    var r = Http.get(lookout.api() + "/prometheus/api/v1/" + path);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    return Http.json(r.body());
  }

  @Test
  void writtenSamplesAreQueryable() {
    JsonNode d = get("query?query=" + enc("limit_test{i=\"3\"}") + "&time=" + now / 1000.0, 200).get("data");
    assertThat(d.get("resultType").asText()).isEqualTo("vector");
    assertThat(d.get("result").get(0).get("value").get(1).asText()).isEqualTo("30");
    JsonNode range = get("query_range?query=" + enc("limit_test{i=\"3\"}") + "&start=" + (now - 60_000) / 1000.0
        + "&end=" + now / 1000.0 + "&step=30", 200).get("data");
    assertThat(range.get("result").get(0).get("values")).hasSize(3);
  }

  @Test
  void malformedQueryIsBadDataWithThePosition() {
    JsonNode e = get("query?query=" + enc("sum(limit_test"), 400);
    assertThat(e.get("errorType").asText()).isEqualTo("bad_data");
    assertThat(e.get("error").asText()).contains("1:").contains("parse error");
  }

  @Test
  void tooManySeriesIsExecutionErrorNamingTheLimit() {
    JsonNode e = get("query?query=limit_test&time=" + now / 1000.0, 422);
    assertThat(e.get("errorType").asText()).isEqualTo("execution");
    assertThat(e.get("error").asText()).contains("LOOKOUT_PROMQL_MAX_SERIES");
  }

  @Test
  void tooManyPointsPerSeriesIsRefusedAsPrometheusDoes() {
    JsonNode e = get("query_range?query=" + enc("limit_test{i=\"1\"}") + "&start=0&end=" + now / 1000 + "&step=1", 400);
    assertThat(e.get("errorType").asText()).isEqualTo("bad_data");
    assertThat(e.get("error").asText()).contains("maximum resolution").contains("step");
  }
}
