package io.lookout.agent.metrics;

import static io.lookout.agent.metrics.Points.metric;
import static io.lookout.agent.metrics.Points.numberPoints;
import static io.lookout.agent.metrics.Points.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HostMetricsTest {
  private static Path fixture() throws URISyntaxException {
    return Path.of(HostMetricsTest.class.getResource("/proc-fixture/stat").toURI()).getParent();
  }

  private static ExportMetricsServiceRequest collectOnce(Path proc, Map<String, String> attrs) {
    try (HostMetrics hm = new HostMetrics(proc, Duration.ofSeconds(15), attrs, new RecordingSink(),
        new PrometheusRegistry())) {
      return hm.collect().request();
    }
  }

  @Test
  void fixtureCpuTimesAreCumulativeSecondsPerCpuAndStateSinceBoot() throws Exception {
    ExportMetricsServiceRequest r = collectOnce(fixture(), Map.of());
    Metric cpu = metric(r, "system.cpu.time").orElseThrow();
    assertThat(cpu.getUnit()).isEqualTo("s");
    assertThat(cpu.getSum().getIsMonotonic()).isTrue();
    assertThat(cpu.getSum().getAggregationTemporality())
        .isEqualTo(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE);
    assertThat(numberPoints(cpu)).hasSize(16); // 2 cpus x 8 states; the "cpu" total line is left out
    assertThat(value(r, "system.cpu.time", Map.of("cpu", "cpu0", "state", "user"))).isEqualTo(3218.34);
    assertThat(value(r, "system.cpu.time", Map.of("cpu", "cpu0", "state", "nice"))).isEqualTo(0.05);
    assertThat(value(r, "system.cpu.time", Map.of("cpu", "cpu1", "state", "wait"))).isEqualTo(21.46);
    assertThat(value(r, "system.cpu.time", Map.of("cpu", "cpu1", "state", "interrupt"))).isEqualTo(0.01);
    assertThat(value(r, "system.cpu.time", Map.of("cpu", "cpu1", "state", "steal"))).isEqualTo(0.57);
    assertThat(numberPoints(cpu)).allSatisfy(p ->
        assertThat(p.getStartTimeUnixNano()).isEqualTo(1_700_000_000L * 1_000_000_000L));
  }

  @Test
  void fixtureMemoryStatesAddUpToTheLimit() throws Exception {
    ExportMetricsServiceRequest r = collectOnce(fixture(), Map.of());
    Metric usage = metric(r, "system.memory.usage").orElseThrow();
    assertThat(usage.getUnit()).isEqualTo("By");
    assertThat(usage.getSum().getIsMonotonic()).isFalse();
    assertThat(value(r, "system.memory.usage", Map.of("state", "free"))).isEqualTo(23312452 * 1024.0);
    assertThat(value(r, "system.memory.usage", Map.of("state", "buffered"))).isEqualTo(18332 * 1024.0);
    assertThat(value(r, "system.memory.usage", Map.of("state", "cached"))).isEqualTo(1067752 * 1024.0);
    assertThat(value(r, "system.memory.usage", Map.of("state", "slab_reclaimable"))).isEqualTo(90012 * 1024.0);
    double used = (24684084 - 23312452 - 18332 - 1067752 - 90012) * 1024.0;
    assertThat(value(r, "system.memory.usage", Map.of("state", "used"))).isEqualTo(used);
    double sum = numberPoints(usage).stream().mapToDouble(NumberDataPoint::getAsDouble).sum();
    assertThat(sum).isEqualTo(value(r, "system.memory.limit", Map.of())).isEqualTo(24684084 * 1024.0);
  }

  @Test
  void fixtureLoadAveragesAreGauges() throws Exception {
    ExportMetricsServiceRequest r = collectOnce(fixture(), Map.of());
    assertThat(metric(r, "system.cpu.load_average.1m").orElseThrow().hasGauge()).isTrue();
    assertThat(value(r, "system.cpu.load_average.1m", Map.of())).isEqualTo(1.57);
    assertThat(value(r, "system.cpu.load_average.5m", Map.of())).isEqualTo(1.04);
    assertThat(value(r, "system.cpu.load_average.15m", Map.of())).isEqualTo(0.25);
  }

  @Test
  void fixtureDisksSkipLoopRamAndPartitions() throws Exception {
    ExportMetricsServiceRequest r = collectOnce(fixture(), Map.of());
    assertThat(metric(r, "system.disk.io").orElseThrow().getUnit()).isEqualTo("By");
    assertThat(value(r, "system.disk.io", Map.of("device", "vda", "direction", "read"))).isEqualTo(3467234 * 512.0);
    assertThat(value(r, "system.disk.io", Map.of("device", "vda", "direction", "write"))).isEqualTo(58100072 * 512.0);
    assertThat(value(r, "system.disk.operations", Map.of("device", "vda", "direction", "read"))).isEqualTo(99065);
    assertThat(value(r, "system.disk.operations", Map.of("device", "nvme0n1", "direction", "write"))).isEqualTo(3);
    assertThat(value(r, "system.disk.io_time", Map.of("device", "vda"))).isEqualTo(85.168);
    assertThat(value(r, "system.disk.operation_time", Map.of("device", "vda", "direction", "write")))
        .isEqualTo(174.653);
    assertThat(numberPoints(metric(r, "system.disk.io").orElseThrow()))
        .extracting(p -> Points.attrs(p.getAttributesList()).get("device"))
        .containsOnly("vda", "nvme0n1");
  }

  @Test
  void fixtureNetworkCountersPerDeviceAndDirection() throws Exception {
    ExportMetricsServiceRequest r = collectOnce(fixture(), Map.of());
    assertThat(value(r, "system.network.io", Map.of("device", "eth0", "direction", "receive"))).isEqualTo(106111514);
    assertThat(value(r, "system.network.io", Map.of("device", "eth0", "direction", "transmit"))).isEqualTo(484929);
    assertThat(value(r, "system.network.packets", Map.of("device", "lo", "direction", "transmit")))
        .isEqualTo(1068105);
    assertThat(value(r, "system.network.errors", Map.of("device", "eth0", "direction", "receive"))).isEqualTo(3);
    assertThat(value(r, "system.network.errors", Map.of("device", "eth0", "direction", "transmit"))).isEqualTo(1);
    assertThat(value(r, "system.network.dropped", Map.of("device", "eth0", "direction", "receive"))).isEqualTo(2);
  }

  @Test
  void fixtureFilesystemsSkipPseudoAndMissingMounts() throws Exception {
    ExportMetricsServiceRequest r = collectOnce(fixture(), Map.of());
    Metric fs = metric(r, "system.filesystem.usage").orElseThrow();
    assertThat(numberPoints(fs)).extracting(p -> Points.attrs(p.getAttributesList()).get("mountpoint"))
        .containsOnly("/");
    double used = value(r, "system.filesystem.usage",
        Map.of("device", "/dev/vda", "mountpoint", "/", "type", "ext4", "state", "used"));
    double free = value(r, "system.filesystem.usage",
        Map.of("device", "/dev/vda", "mountpoint", "/", "type", "ext4", "state", "free"));
    assertThat(used).isPositive();
    assertThat(free).isPositive();
  }

  @Test
  void resourceHasHostServiceAndGivenAttributes() throws Exception {
    ExportMetricsServiceRequest r = collectOnce(fixture(), Map.of("deployment.environment", "prod"));
    assertThat(Points.resource(r)).containsEntry("host.name", "fixture-host")
        .containsEntry("service.name", "lookout-agent")
        .containsEntry("service.instance.id", "fixture-host")
        .containsEntry("deployment.environment", "prod");
    ExportMetricsServiceRequest named = collectOnce(fixture(), Map.of("service.name", "edge"));
    assertThat(Points.resource(named)).containsEntry("service.name", "edge");
  }

  @Test
  void missingSourcesFailAloneAndAreCounted() throws Exception {
    Path proc = Files.createTempDirectory("proc");
    Files.copy(fixture().resolve("loadavg"), proc.resolve("loadavg"));
    PrometheusRegistry registry = new PrometheusRegistry();
    try (HostMetrics hm = new HostMetrics(proc, Duration.ofSeconds(15), Map.of(), new RecordingSink(), registry)) {
      HostMetrics.Collection c = hm.collect();
      assertThat(c.failedSources()).isEqualTo(5);
      assertThat(Points.metrics(c.request())).extracting(Metric::getName)
          .containsExactly("system.cpu.load_average.1m", "system.cpu.load_average.5m", "system.cpu.load_average.15m");
    }
    assertThat(counter(registry, "lookout_agent_host_metrics_source_errors", "source", "cpu")).isEqualTo(1);
  }

  @Test
  void realProcGivesSaneValues() {
    ExportMetricsServiceRequest r = collectOnce(Path.of("/proc"), Map.of());
    int cpus = Runtime.getRuntime().availableProcessors();
    Metric cpu = metric(r, "system.cpu.time").orElseThrow();
    assertThat(numberPoints(cpu).size()).isGreaterThanOrEqualTo(8 * Math.min(cpus, 1));
    assertThat(numberPoints(cpu)).allSatisfy(p -> assertThat(p.getAsDouble()).isNotNegative());
    assertThat(value(r, "system.memory.limit", Map.of())).isGreaterThan(64L << 20);
    assertThat(numberPoints(metric(r, "system.memory.usage").orElseThrow()))
        .allSatisfy(p -> assertThat(p.getAsDouble()).isNotNegative());
    assertThat(value(r, "system.cpu.load_average.1m", Map.of())).isNotNegative();
    assertThat(numberPoints(metric(r, "system.network.io").orElseThrow())).isNotEmpty();
    assertThat(metric(r, "system.disk.io")).isPresent();
    assertThat(numberPoints(metric(r, "system.filesystem.usage").orElseThrow())).isNotEmpty();
    assertThat(Points.resource(r).get("host.name")).isNotBlank();
  }

  @Test
  void startSubmitsCollectionsToTheSink() throws Exception {
    RecordingSink sink = new RecordingSink();
    PrometheusRegistry registry = new PrometheusRegistry();
    try (HostMetrics hm = new HostMetrics(fixture(), Duration.ofSeconds(1), Map.of(), sink, registry)) {
      hm.start();
      sink.await(r -> metric(r, "system.cpu.time").isPresent(), Duration.ofSeconds(10));
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (counter(registry, "lookout_agent_host_metrics_collections", "outcome", "ok") < 1
        && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(counter(registry, "lookout_agent_host_metrics_collections", "outcome", "ok")).isGreaterThanOrEqualTo(1);
  }

  @Test
  void intervalBelowOneSecondIsRefused() {
    assertThatThrownBy(() -> new HostMetrics(Path.of("/proc"), Duration.ofMillis(10), Map.of(), new RecordingSink(),
        new PrometheusRegistry()))
        .hasMessageContaining("at least 1s");
  }

  @Test
  void mountPathsAreUnescaped() {
    assertThat(HostCollector.unescape("/mnt/my\\040disk")).isEqualTo("/mnt/my disk");
    assertThat(HostCollector.unescape("/plain")).isEqualTo("/plain");
  }

  static double counter(PrometheusRegistry registry, String name, String label, String value) {
    return registry.scrape().stream()
        .filter(s -> s.getMetadata().getPrometheusName().equals(name) && s instanceof CounterSnapshot)
        .flatMap(s -> ((CounterSnapshot) s).getDataPoints().stream())
        .filter(d -> value.equals(d.getLabels().get(label)))
        .mapToDouble(CounterSnapshot.CounterDataPointSnapshot::getValue)
        .sum();
  }
}
