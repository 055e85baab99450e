package io.lookout.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.lookout.bench.internal.MetricsSummary;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
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
      assertThat(log).contains("samples=5850", "all 5,850 samples queryable").doesNotContain("warning");
      assertThat(s.row()).startsWith("| fake | 130 | 5,850 |").contains(MetricsSummary.DISK_PENDING);
    }
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
