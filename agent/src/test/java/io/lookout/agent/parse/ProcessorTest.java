package io.lookout.agent.parse;

import static org.assertj.core.api.Assertions.assertThat;

import io.lookout.agent.config.ConfigLoader;
import io.lookout.agent.config.FileInputConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProcessorTest {
  private static Processor processor(String input) {
    String yaml = "endpoint: http://x:1\nfiles:\n  - paths: [a]\n" + input.indent(4);
    FileInputConfig c = ConfigLoader.parse("t.yaml", yaml, Map.of()).files().get(0);
    return new Processor(c);
  }

  @Test
  void jsonFieldsBecomeAttributesWithTimeLevelAndMessage() {
    Event e = processor("parser: json").process(
        "{\"time\":\"2026-01-02T03:04:05.5Z\",\"level\":\"warn\",\"msg\":\"disk low\",\"free\":12,\"ratio\":0.5,"
            + "\"ok\":false,\"http\":{\"method\":\"GET\"},\"tags\":[\"a\",\"b\"],\"trace_id\":\"0123456789ABCDEF0123456789abcdef\"}");
    assertThat(e.body).isEqualTo("disk low");
    assertThat(e.timeNanos).isEqualTo(1767323045_500000000L);
    assertThat(e.severityNumber).isEqualTo(13);
    assertThat(e.severityText).isEqualTo("WARN");
    assertThat(e.traceId).isEqualTo("0123456789abcdef0123456789abcdef");
    assertThat(e.attributes).containsEntry("free", 12L).containsEntry("ratio", 0.5).containsEntry("ok", false)
        .containsEntry("http.method", "GET").containsEntry("tags", java.util.List.of("a", "b"))
        .doesNotContainKeys("time", "level", "msg");
  }

  @Test
  void notJsonIsKeptAsBodyAndCounted() {
    Processor p = processor("parser: json");
    Event e = p.process("plain ERROR text");
    assertThat(e.body).isEqualTo("plain ERROR text");
    assertThat(e.severityText).isEqualTo("ERROR");
    assertThat(p.parseFailures).isEqualTo(1);
  }

  @Test
  void logfmtPairsAndQuotedValues() {
    Event e = processor("parser: logfmt").process("ts=1767323045 level=error msg=\"payment failed\" user=42 retry");
    assertThat(e.body).isEqualTo("payment failed");
    assertThat(e.timeNanos).isEqualTo(1767323045_000000000L);
    assertThat(e.severityNumber).isEqualTo(17);
    assertThat(e.attributes).containsEntry("user", "42").containsEntry("retry", true);
  }

  @Test
  void regexNamedGroupsWithCustomTimestampFormat() {
    Processor p = processor("""
        parser: regex
        pattern: '^(?<ts>\\S+ \\S+) (?<level>\\w+) \\[(?<thread>[^\\]]+)\\] (?<message>.*)$'
        timestamp: {field: ts, format: 'yyyy-MM-dd HH:mm:ss,SSS'}
        """);
    Event e = p.process("2026-01-02 03:04:05,250 INFO [main] started in 3s");
    assertThat(e.body).isEqualTo("started in 3s");
    assertThat(e.timeNanos).isEqualTo(1767323045_250000000L);
    assertThat(e.severityText).isEqualTo("INFO");
    assertThat(e.attributes).containsEntry("thread", "main").doesNotContainKey("ts");
  }

  @Test
  void dropRenameRedactAndStaticAttributes() {
    Processor p = processor("""
        parser: logfmt
        rename: {usr: user.id}
        attributes: {env: prod}
        drop: [{pattern: '^healthcheck'}, {field: path, pattern: '^/metrics'}]
        redact: [{pattern: 'password=\\S+', replacement: 'password=***'}, {pattern: '\\b\\d{16}\\b'}]
        """);
    assertThat(p.process("msg=healthcheck")).isNull();
    assertThat(p.process("msg=x path=/metrics")).isNull();
    Event e = p.process("msg=\"login password=hunter2 card 4111111111111111\" usr=7 note=password=abc");
    assertThat(e.body).isEqualTo("login password=*** card ***");
    assertThat(e.attributes).containsEntry("user.id", "7").containsEntry("env", "prod")
        .containsEntry("note", "password=***");
    assertThat(p.dropped).isEqualTo(2);
  }

  @Test
  void severityFoundInPlainText() {
    Processor p = processor("parser: none");
    assertThat(p.process("081109 203615 148 INFO dfs.DataNode: ok").severityNumber).isEqualTo(9);
    assertThat(p.process("[Sun Dec 04 04:47:44 2005] [error] mod_jk child").severityText).isEqualTo("ERROR");
    assertThat(p.process("nothing here, information only").severityNumber).isZero();
  }

  @Test
  void timestampsGuessUnits() {
    Timestamps t = new Timestamps("auto");
    assertThat(t.parse(1767323045L)).isEqualTo(1767323045_000000000L);
    assertThat(t.parse(1767323045123L)).isEqualTo(1767323045_123000000L);
    assertThat(t.parse("1767323045.5")).isEqualTo(1767323045_500000000L);
    assertThat(t.parse("2026-01-02 03:04:05.123")).isEqualTo(1767323045_123000000L);
    assertThat(t.parse("2026-01-02T03:04:05+01:00")).isEqualTo(1767319445_000000000L);
    assertThat(t.parse("yesterday")).isZero();
  }
}
