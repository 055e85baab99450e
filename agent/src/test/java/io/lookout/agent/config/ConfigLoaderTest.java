package io.lookout.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {
  private static final String EXAMPLE = """
      endpoint: http://lookout:4318             # OTLP/HTTP base URL of the server
      token: ${LOOKOUT_TOKEN}
      data_dir: /var/lib/lookout-agent
      buffer: {max_bytes: 1GiB}
      http_port: 9300
      files:
        - paths: ["/var/log/app/*.log"]
          service: checkout
          start_at: beginning
          multiline: {start_pattern: '^\\d{4}-\\d{2}-\\d{2}'}
          parser: json
      host_metrics: {interval: 15s}
      scrape:
        - {url: "http://localhost:9100/metrics", interval: 15s}
      otlp_receiver: {grpc_port: 4317, http_port: 4318}
      """;

  @Test
  void architectureExampleLoads() {
    AgentConfig c = ConfigLoader.parse("agent.yaml", EXAMPLE, Map.of("LOOKOUT_TOKEN", "s3cret"));
    assertThat(c.endpoint().toString()).isEqualTo("http://lookout:4318");
    assertThat(c.token()).isEqualTo("s3cret");
    assertThat(c.dataDir()).isEqualTo(Path.of("/var/lib/lookout-agent"));
    assertThat(c.buffer().maxBytes().bytes()).isEqualTo(1L << 30);
    assertThat(c.files()).hasSize(1);
    FileInputConfig f = c.files().get(0);
    assertThat(f.parser()).isEqualTo(FileInputConfig.ParserKind.JSON);
    assertThat(f.multiline().startPattern().matcher("2024-01-02 x").find()).isTrue();
    assertThat(c.hostMetrics().interval()).isEqualTo(Duration.ofSeconds(15));
    assertThat(c.scrape().get(0).url().getPort()).isEqualTo(9100);
    assertThat(c.otlpReceiver().grpcPort()).isEqualTo(4317);
  }

  @Test
  void unsetVariableExpandsToEmptyAndDefaultsApply() {
    AgentConfig c = ConfigLoader.parse("a.yaml", "endpoint: ${EP:-http://x:4318}\ntoken: ${NOPE}\n", Map.of());
    assertThat(c.endpoint().toString()).isEqualTo("http://x:4318");
    assertThat(c.token()).isNull();
    assertThat(c.httpPort()).isEqualTo(9300);
    assertThat(c.hostMetrics()).isNull();
    assertThat(c.otlpReceiver()).isNull();
  }

  @Test
  void environmentOverridesTopLevelValues() {
    AgentConfig c = ConfigLoader.parse("a.yaml", "endpoint: http://x:4318\nbuffer: {segment_bytes: 1MiB}\n", Map.of(
        "LOOKOUT_AGENT_ENDPOINT", "https://y:443", "LOOKOUT_AGENT_HTTP_PORT", "0",
        "LOOKOUT_AGENT_BUFFER_MAX_BYTES", "2GiB", "LOOKOUT_AGENT_DATA_DIR", "/tmp/d"));
    assertThat(c.endpoint().toString()).isEqualTo("https://y:443");
    assertThat(c.httpPort()).isZero();
    assertThat(c.buffer().maxBytes().bytes()).isEqualTo(2L << 30);
    assertThat(c.buffer().segmentBytes().bytes()).isEqualTo(1L << 20);
    assertThat(c.dataDir()).isEqualTo(Path.of("/tmp/d"));
  }

  @Test
  void unknownKeyNamesLineColumnAndAllowedKeys() {
    String yaml = "endpoint: http://x:4318\nfiles:\n  - paths: [a]\n    multilin: 5\n    service: x\n";
    assertThatThrownBy(() -> ConfigLoader.parse("a.yaml", yaml, Map.of()))
        .hasMessageStartingWith("a.yaml:4:5: unknown key 'multilin' in files[0] (allowed: ")
        .hasMessageContaining("multiline");
  }

  @Test
  void badEnumValueListsAllowedValues() {
    String yaml = "endpoint: http://x:4318\nfiles:\n  - paths: [a]\n    start_at: middle\n";
    assertThatThrownBy(() -> ConfigLoader.parse("a.yaml", yaml, Map.of()))
        .hasMessage("a.yaml:4:15: files[0].start_at: invalid value 'middle' (allowed: beginning, end)");
  }

  @Test
  void badRegexDurationAndSizeAreLocated() {
    assertThatThrownBy(() -> ConfigLoader.parse("a.yaml",
        "endpoint: http://x:4318\nfiles:\n  - paths: [a]\n    multiline: {start_pattern: '[a'}\n", Map.of()))
        .hasMessageStartingWith("a.yaml:4:32: files[0].multiline.start_pattern: invalid regular expression '[a'");
    assertThatThrownBy(() -> ConfigLoader.parse("a.yaml", "endpoint: http://x:4318\nbatch: {timeout: 5 parsecs}\n", Map.of()))
        .hasMessageStartingWith("a.yaml:2:18: batch.timeout: invalid duration '5 parsecs' (allowed: a duration");
    assertThatThrownBy(() -> ConfigLoader.parse("a.yaml", "endpoint: http://x:4318\nbuffer: {max_bytes: lots}\n", Map.of()))
        .hasMessageStartingWith("a.yaml:2:21: buffer.max_bytes: invalid size 'lots' (allowed:");
  }

  @Test
  void validationErrorsNameTheKey() {
    assertThatThrownBy(() -> ConfigLoader.parse("a.yaml", "token: x\n", Map.of()))
        .hasMessageStartingWith("a.yaml:").hasMessageContaining("endpoint is required");
    assertThatThrownBy(() -> ConfigLoader.parse("a.yaml", "endpoint: http://x:1\nfiles:\n  - service: x\n", Map.of()))
        .hasMessageStartingWith("a.yaml:3:5: files[0]: paths must list at least one glob pattern");
    assertThatThrownBy(() -> ConfigLoader.parse("a.yaml", "endpoint: http://x:1\nfiles:\n  - paths: [a]\n    parser: regex\n", Map.of()))
        .hasMessageContaining("parser: regex needs a pattern");
    assertThatThrownBy(() -> ConfigLoader.parse("a.yaml", "endpoint: http://x:1\nfiles:\n  - paths: [a]\n    encoding: klingon\n", Map.of()))
        .hasMessageContaining("unsupported encoding 'klingon'");
  }

  @Test
  void yamlSyntaxErrorIsLocated() {
    assertThatThrownBy(() -> ConfigLoader.parse("a.yaml", "endpoint: http://x:1\nfiles: [\n", Map.of()))
        .hasMessageStartingWith("a.yaml:");
    assertThatThrownBy(() -> ConfigLoader.parse("a.yaml", "", Map.of())).hasMessageContaining("empty");
  }

  @Test
  void sizesParse() {
    assertThat(ByteSize.parse("1GiB").bytes()).isEqualTo(1L << 30);
    assertThat(ByteSize.parse("512MB").bytes()).isEqualTo(512_000_000L);
    assertThat(ByteSize.parse("64kib").bytes()).isEqualTo(65536);
    assertThat(ByteSize.parse("100").bytes()).isEqualTo(100);
    assertThatThrownBy(() -> ByteSize.parse("1XB")).hasMessageContaining("allowed");
  }
}
