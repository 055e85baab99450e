package io.lookout.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lookout.bench.internal.MetricsSummary;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class MetricsLoadTest {
  @Test
  void sendsEverySeriesInTimeOrderRetriesAndQueries() throws Exception {
    try (FakePrometheus prom = new FakePrometheus(2)) {
      BenchArgs a = BenchArgs.parse("--signal", "metrics", "--series", "130", "--samples", "45", "--batch", "100",
          "--connections", "2", "--query-runs", "3", "--prom", prom.base().toString(), "--server-pid",
          Long.toString(ProcessHandle.current().pid()), "--name", "fake");
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      MetricsSummary s = MetricsLoad.run(a, new PrintStream(out, true, StandardCharsets.UTF_8));
      String log = out.toString(StandardCharsets.UTF_8);

      assertThat(prom.badHeaders).isEmpty();
      assertThat(prom.timestamps).hasSize(130);
      for (List<Long> ts : prom.timestamps.values()) {
        assertThat(ts).hasSize(45).isSorted().doesNotHaveDuplicates();
        assertThat(ts.get(44) - ts.get(0)).isEqualTo(44_000);
        assertThat(ts.get(44)).isLessThanOrEqualTo(System.currentTimeMillis());
      }
      assertThat(s.samples()).isEqualTo(130 * 45);
      assertThat(s.retries()).isEqualTo(2);
      assertThat(s.cpuSeconds()).isNotNaN();
      assertThat(prom.rangeQueries.get()).isEqualTo(3 * (1 + 2 + 3));
      assertThat(log).contains("samples=5850", "stored_samples=5850", "all 5,850 samples queryable")
          .doesNotContain("warning");
      assertThat(s.row()).startsWith("| fake | 130 | 5,850 |").contains(MetricsSummary.DISK_PENDING);
      assertThat(s.jitSeconds()).isBetween(0.0, s.cpuSeconds());
      assertThat(log).contains("server CPU by thread, first request until idle again: ", "JIT compiler threads")
          .doesNotContain("warm-up");
    }
  }

  @Test
  void warmUpSendsOtherOlderSeriesThatTheMeasuredCountsAndQueriesNeverSee() throws Exception {
    try (FakePrometheus prom = new FakePrometheus(0)) {
      BenchArgs a = BenchArgs.parse("--signal", "metrics", "--series", "100", "--samples", "30", "--batch", "100",
          "--connections", "2", "--query-runs", "1", "--warmup-samples", "20", "--prom", prom.base().toString(),
          "--server-pid", Long.toString(ProcessHandle.current().pid()), "--name", "fake");
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      MetricsSummary s = MetricsLoad.run(a, new PrintStream(out, true, StandardCharsets.UTF_8));
      String log = out.toString(StandardCharsets.UTF_8);

      assertThat(prom.timestamps).hasSize(200);
      List<Long> warm = new ArrayList<>();
      List<Long> measured = new ArrayList<>();
      prom.timestamps.forEach((labels, ts) -> {
        assertThat(ts).isSorted().doesNotHaveDuplicates();
        if (labels.contains("instance=warm-")) {
          assertThat(ts).hasSize(20);
          warm.addAll(ts);
        } else {
          assertThat(labels).contains("instance=host-");
          assertThat(ts).hasSize(30);
          measured.addAll(ts);
        }
      });
      assertThat(warm).hasSize(100 * 20);
      long measuredEnd = Collections.max(measured);
      long oldestRead = Math.min(Collections.min(measured), measuredEnd - (MetricsLoad.RANGE_SECONDS + 300) * 1000);
      assertThat(Collections.max(warm)).isLessThanOrEqualTo(oldestRead - MetricsLoad.WARMUP_GAP.toMillis());
      assertThat(Collections.max(warm) - Collections.min(warm)).isEqualTo(19_000);
      // the row counts the measured run only; the fake counts samples in the window as Prometheus does
      assertThat(s.samples()).isEqualTo(100 * 30);
      assertThat(log).contains("warm-up (not counted in the result): 100 other series (instances"
          + " warm-000:9100..warm-001:9100) x 20 samples", "warm-up: acknowledged 2,000 samples",
          "warm-up server CPU by thread", "warm-up done", "samples=3000\n", "stored_samples=5000\n",
          "all 3,000 samples queryable")
          .doesNotContain("warning");
    }
  }

  @Test
  void warmUpEndsBeforeWhatTheMeasuredRunSendsOrReads() {
    long end = 1_800_000_000_000L;
    for (int samples : new int[] {30, 3600, 14_400}) {
      BenchArgs a = BenchArgs.parse("--signal", "metrics", "--samples", Integer.toString(samples),
          "--warmup-samples", "3600");
      long measuredFirst = end - (samples - 1L) * 1000;
      // the queries: a 1 h range ending at end, windows up to 5 m before its first step
      long oldestRead = Math.min(measuredFirst, end - 3_900_000L);
      long first = MetricsLoad.warmupFirstMillis(a, end);
      long last = first + 3599 * 1000L;
      assertThat(last).as("samples %d", samples).isEqualTo(oldestRead - 600_000L);
      assertThat(MetricsLoad.warmupLastMillis(measuredFirst, end)).isEqualTo(last);
    }
    // 1 h measured and 1 h of warm-up span less than the 3 h after which a Prometheus head compacts
    BenchArgs a = BenchArgs.parse("--signal", "metrics", "--warmup-samples", "3600");
    assertThat(end - MetricsLoad.warmupFirstMillis(a, end)).isLessThan(3 * 3_600_000L);
    assertThat(MetricsLoad.warmupSeed(a)).isNotEqualTo(a.seed());
  }

  @Test
  void warmUpSeriesShareNoLabelSetWithTheMeasuredOnes() {
    NodeSeries measured = new NodeSeries(1000);
    NodeSeries warm = new NodeSeries(1000, NodeSeries.WARMUP_PREFIX);
    Set<Map<String, String>> labels = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      labels.add(measured.labels(i));
    }
    for (int i = 0; i < 1000; i++) {
      assertThat(labels).doesNotContain(warm.labels(i));
      Map<String, String> same = new TreeMap<>(warm.labels(i));
      same.put("instance", measured.labels(i).get("instance"));
      assertThat(same).as("same family and shape but for the instance").isEqualTo(measured.labels(i));
    }
    assertThat(warm.instanceOf(3)).isEqualTo("warm-003:9100").hasSameSizeAs(NodeSeries.instance(3));
    assertThatThrownBy(() -> new NodeSeries(50, "Host-1")).hasMessageContaining("lowercase letters");
  }

  @Test
  void warmupSamplesOption() {
    assertThat(BenchArgs.parse("--signal", "metrics").warmupSamples()).isZero();
    assertThat(BenchArgs.parse("--warmup-samples", "3600").warmupSamples()).isEqualTo(3600);
    assertThat(BenchArgs.parse("--warmup-samples", "0").warmupSamples()).isZero();
    assertThatThrownBy(() -> BenchArgs.parse("--warmup-samples", "-1"))
        .hasMessage("--warmup-samples must be between 0 and 1000000, got -1");
    assertThatThrownBy(() -> BenchArgs.parse("--warmup-samples", "lots")).hasMessageContaining("must be an integer");
    assertThat(BenchArgs.USAGE).contains("--warmup-samples N");
  }

  @Test
  void shardsOwnWholeHostsAndBoundRequests() {
    NodeSeries series = new NodeSeries(1000);
    BenchArgs a = BenchArgs.parse("--signal", "metrics");
    assertThat(a.batch()).isEqualTo(2000);
    assertThat(a.prom().toString()).isEqualTo("http://127.0.0.1:8080/prometheus");
    int requests = 0;
    for (int c = 0; c < 4; c++) {
      RemoteWriteShard shard = RemoteWriteShard.of(series, a, c, 4, 0);
      // 5 hosts x 50 series = 250 series per request, 8 samples each
      assertThat(shard.requests()).isEqualTo(450);
      requests += shard.requests();
    }
    assertThat(requests).isEqualTo(1800);
    RemoteWriteShard first = RemoteWriteShard.of(series, a, 0, 4, 0);
    assertThat(first.next()).isNotEmpty();
    assertThat(first.lastSamples()).isEqualTo(2000);
  }
}
