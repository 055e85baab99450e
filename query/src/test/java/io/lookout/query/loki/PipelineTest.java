package io.lookout.query.loki;

import static org.assertj.core.api.Assertions.assertThat;

import io.lookout.model.LogRecord;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class PipelineTest {

  private static LogRecord rec(String body, Map<String, Object> resource, Map<String, Object> attrs) {
    return new LogRecord(1, 1, 0, "", body, "svc", "", "", attrs, resource, "");
  }

  private static Pipeline.Result run(String query, LogRecord r) {
    return new Pipeline(LogqlParser.parseLog(query)).apply(r);
  }

  @Test
  void streamLabelsAreSanitisedResourcePlusServiceName() {
    TreeMap<String, String> l = Pipeline.streamLabels(rec("x", Map.of("host.name", "h", "k8s-pod", "p", "n", 3L,
        "empty", ""), Map.of()));
    assertThat(l).isEqualTo(Map.of("host_name", "h", "k8s_pod", "p", "n", "3", "service_name", "svc"));
    assertThat(Pipeline.sanitize("9lives")).isEqualTo("_9lives");
  }

  @Test
  void jsonFlattensNestedObjectsSkipsArraysAndRenamesClashes() {
    Pipeline.Result r = run("{service_name=\"svc\"} | json",
        rec("{\"a\":{\"b\":1.50,\"c\":true},\"arr\":[1],\"n\":null,\"host\":\"x\",\"s\":\"v\"}", Map.of("host", "h"), Map.of()));
    assertThat(r.labels()).containsEntry("a_b", "1.50").containsEntry("a_c", "true").containsEntry("s", "v")
        .containsEntry("host", "h").containsEntry("host_extracted", "x").doesNotContainKeys("arr", "n");
    assertThat(run("{service_name=\"svc\"} | json", rec("[1]", Map.of(), Map.of())).labels())
        .containsEntry("__error__", "JSONParserErr");
    assertThat(run("{service_name=\"svc\"} | json", rec("{\"a\":1} trailing", Map.of(), Map.of())).labels())
        .containsEntry("__error__", "JSONParserErr");
  }

  @Test
  void logfmtReadsQuotedValuesFlagsAndLastDuplicate() {
    Pipeline.Result r = run("{service_name=\"svc\"} | logfmt",
        rec("a=1 b=\"x \\\"y\\\"\" flag a=2 c.d=e", Map.of(), Map.of()));
    assertThat(r.labels()).containsEntry("a", "2").containsEntry("b", "x \"y\"").containsEntry("flag", "")
        .containsEntry("c_d", "e").doesNotContainKey("__error__");
    assertThat(run("{service_name=\"svc\"} | logfmt", rec("a=\"open", Map.of(), Map.of())).labels())
        .containsEntry("__error__", "LogfmtParserErr");
  }

  @Test
  void labelFiltersSeeStructuredMetadataAndTreatAbsentAsEmpty() {
    LogRecord r = rec("line", Map.of(), Map.of("http.status", 503L));
    assertThat(run("{service_name=\"svc\"} | http_status >= 500", r)).isNotNull();
    assertThat(run("{service_name=\"svc\"} | http_status < 500", r)).isNull();
    assertThat(run("{service_name=\"svc\"} | missing != \"x\"", r)).isNotNull();
    assertThat(run("{service_name=\"svc\"} | missing = \"\"", r)).isNotNull();
    assertThat(run("{service_name=\"svc\"} | missing > 1", r)).isNull();
    assertThat(run("{service_name=\"svc\"} | logfmt | line > 1", rec("line=abc", Map.of(), Map.of())).labels())
        .containsEntry("__error__", "LabelFilterErr");
    assertThat(run("{service_name=\"other\"}", r)).isNull();
  }

  @Test
  void bytesCountsUtf8() {
    assertThat(LokiEngine.bytes("aé€😀")).isEqualTo(1 + 2 + 3 + 4);
  }
}
