package io.lookout.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lookout.bench.internal.Summary;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoadGeneratorTest {

  static Path writeSamples(Path dir) throws Exception {
    for (Map.Entry<String, List<String>> e : Samples.LINES.entrySet()) {
      Files.write(dir.resolve(e.getKey() + "_2k.log"), e.getValue(), StandardCharsets.UTF_8);
    }
    return dir;
  }

  @Test
  void sendsEverythingRetriesRefusalsAndWaitsUntilSearchable(@TempDir Path tmp) throws Exception {
    Path datasets = writeSamples(Files.createDirectory(tmp.resolve("loghub")));
    Path dataDir = Files.createDirectory(tmp.resolve("data"));
    Files.write(dataDir.resolve("segment"), new byte[12345]);
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    try (FakeLookout fake = new FakeLookout(3)) {
      BenchArgs a = BenchArgs.parse(
          "--otlp", fake.otlpUri().toString(), "--api", fake.apiUri().toString(), "--records", "5000",
          "--batch", "250", "--connections", "3", "--datasets", datasets.toString(),
          "--data-dir", dataDir.toString(), "--seed", "7", "--needles", "30", "--query-runs", "3",
          "--wait-seconds", "60");

      Summary s = LoadGenerator.run(a, new PrintStream(log, true, StandardCharsets.UTF_8));

      assertThat(fake.posts()).isEqualTo(20 + 3);
      assertThat(s.retries()).isEqualTo(3);
      assertThat(s.records()).isEqualTo(5000);
      List<FakeLookout.Stored> got = fake.records();
      assertThat(got).hasSize(5000);
      assertThat(new HashSet<>(got.stream().map(FakeLookout.Stored::body).toList())).hasSizeGreaterThan(3500);
      assertThat(got.stream().filter(r -> r.body().endsWith(" needle7")).count()).isEqualTo(30);
      assertThat(s.bodyBytes()).isEqualTo(got.stream().mapToLong(r -> r.body().length()).sum());
      assertThat(s.diskBytes()).isEqualTo(12345);
      assertThat(s.needle().runs()).isEqualTo(3);
      assertThat(s.row()).startsWith("| lookout end-to-end | 5,000 |");
      assertThat(log.toString(StandardCharsets.UTF_8)).contains("all searchable").doesNotContain("warning");
    }
  }

  @Test
  void sendsTheGivenHeadersWithEveryRequestAndMeasuresServerCpu(@TempDir Path tmp) throws Exception {
    Path datasets = writeSamples(tmp);
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    try (FakeLookout fake = new FakeLookout(0)) {
      fake.requireAuthorization("Bearer s3cret");
      BenchArgs a = BenchArgs.parse(
          "--otlp", fake.otlpUri().toString(), "--api", fake.apiUri().toString(), "--records", "1000",
          "--batch", "250", "--connections", "2", "--datasets", datasets.toString(), "--query-runs", "2",
          "--wait-seconds", "60", "--header", "Authorization: Bearer s3cret", "--header", "X-Bench:1",
          "--server-pid", Long.toString(ProcessHandle.current().pid()));

      Summary s = LoadGenerator.run(a, new PrintStream(log, true, StandardCharsets.UTF_8));

      assertThat(s.records()).isEqualTo(1000);
      assertThat(fake.unauthorized()).isZero();
      assertThat(log.toString(StandardCharsets.UTF_8))
          .contains("server CPU:", "server_cpu_searchable=")
          .doesNotContain("s3cret");
    }
  }

  @Test
  void stopsOnAnUnauthorizedAnswerWithoutTheHeader(@TempDir Path tmp) throws Exception {
    Path datasets = writeSamples(tmp);
    try (FakeLookout fake = new FakeLookout(0)) {
      fake.requireAuthorization("Bearer s3cret");
      BenchArgs a = BenchArgs.parse(
          "--otlp", fake.otlpUri().toString(), "--api", fake.apiUri().toString(), "--records", "10",
          "--batch", "5", "--datasets", datasets.toString(), "--wait-seconds", "60");
      assertThatThrownBy(() -> LoadGenerator.run(a, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("answered 401");
    }
  }

  @Test
  void parsesRepeatableHeaders() {
    assertThat(BenchArgs.defaults().headers()).isEmpty();
    BenchArgs a = BenchArgs.parse("--header", "Authorization: Bearer a:b ", "--header", "X-Scope-OrgID:acme");
    assertThat(a.headers()).containsExactlyInAnyOrderEntriesOf(
        Map.of("Authorization", "Bearer a:b", "X-Scope-OrgID", "acme"));
    assertThatThrownBy(() -> BenchArgs.parse("--header", "Bearer token")).hasMessageContaining("NAME:VALUE")
        .hasMessageNotContaining("token");
    assertThatThrownBy(() -> BenchArgs.parse("--header", "Host:x")).hasMessageContaining("set by the HTTP client");
    assertThatThrownBy(() -> BenchArgs.parse("--header", "A:1", "--header", "a:2")).hasMessageContaining("given twice");
    assertThatThrownBy(() -> BenchArgs.parse("--header", "A:1\r\nB:2")).hasMessageContaining("control characters");
  }

  @Test
  void failsWhenTheServerIsUnreachable(@TempDir Path tmp) throws Exception {
    Path datasets = writeSamples(tmp);
    BenchArgs a = BenchArgs.parse(
        "--otlp", "http://127.0.0.1:1", "--api", "http://127.0.0.1:1", "--records", "10", "--batch", "5",
        "--datasets", datasets.toString(), "--wait-seconds", "1");
    assertThatThrownBy(() -> LoadGenerator.run(a, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("127.0.0.1:1");
  }

  @Test
  void parsesOptionsOverDefaults() {
    BenchArgs a = BenchArgs.parse("--records", "20", "--time", "now", "--word", "Failed");
    assertThat(a.records()).isEqualTo(20);
    assertThat(a.timeMode()).isEqualTo(TimeMode.NOW);
    assertThat(a.word()).isEqualTo("failed");
    assertThat(a.connections()).isEqualTo(4);
    assertThat(a.batch()).isEqualTo(1000);
    assertThat(a.otlp().toString()).isEqualTo("http://127.0.0.1:4318");
    assertThat(a.traceFraction()).isZero();
    assertThat(BenchArgs.parse("--trace-fraction", "0.25").traceFraction()).isEqualTo(0.25);
    assertThatThrownBy(() -> BenchArgs.parse("--trace-fraction", "2")).hasMessageContaining("between 0 and 1");
    assertThatThrownBy(() -> BenchArgs.parse("--recrods", "5")).hasMessageContaining("unknown option '--recrods'");
    assertThatThrownBy(() -> BenchArgs.parse("--batch", "0")).hasMessageContaining("--batch must be between 1");
    assertThatThrownBy(() -> BenchArgs.parse("--records")).hasMessageContaining("expected '--option value'");
    assertThatThrownBy(() -> BenchArgs.parse("--otlp", "http://10.0.0.1:4318")).hasMessageContaining("not a loopback");
    assertThat(BenchArgs.parse("--api", "http://localhost:9/").api().toString()).isEqualTo("http://localhost:9");
  }
}
