package io.lookout.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OtlpMetricsShardTest {
  @Test
  void protocolOption() {
    assertThat(BenchArgs.parse("--signal", "metrics").protocol()).isEqualTo(MetricsProtocol.REMOTE_WRITE);
    BenchArgs a = BenchArgs.parse("--signal", "metrics", "--protocol", "otlp", "--otlp", "http://127.0.0.1:24318");
    assertThat(a.protocol()).isEqualTo(MetricsProtocol.OTLP);
    assertThat(MetricsShard.endpoint(a).toString()).isEqualTo("http://127.0.0.1:24318/v1/metrics");
    assertThat(MetricsShard.headers(a)).containsEntry("Content-Type", "application/x-protobuf");
    assertThatThrownBy(() -> BenchArgs.parse("--protocol", "grpc")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("remote_write or otlp");
  }

  @Test
  void sameRequestCountsAsRemoteWrite() {
    NodeSeries series = new NodeSeries(1000);
    BenchArgs a = BenchArgs.parse("--signal", "metrics", "--protocol", "otlp");
    for (int c = 0; c < 4; c++) {
      // 5 hosts x 50 series, 8 seconds each
      assertThat(MetricsShard.of(series, a, c, 4, 0).requests()).isEqualTo(450);
    }
    MetricsShard first = MetricsShard.of(series, a, 0, 4, 0);
    assertThat(first.next()).isNotEmpty();
    assertThat(first.lastSamples()).isEqualTo(2000);
  }

  @Test
  void everySeriesInTimeOrderWithTheRemoteWriteValues() throws Exception {
    NodeSeries series = new NodeSeries(100);
    BenchArgs a = BenchArgs.parse("--signal", "metrics", "--protocol", "otlp", "--samples", "20", "--batch", "500");
    MetricsShard shard = MetricsShard.of(series, a, 0, 1, 1_000_000L);
    Map<String, List<Long>> times = new HashMap<>();
    List<Double> host0Cpu = new ArrayList<>();
    long total = 0;
    int requests = 0;
    for (byte[] p = shard.next(); p != null; p = shard.next()) {
      requests++;
      long samples = 0;
      for (ResourceMetrics rm : ExportMetricsServiceRequest.parseFrom(p).getResourceMetricsList()) {
        String instance = rm.getResource().getAttributes(1).getValue().getStringValue();
        assertThat(rm.getScopeMetrics(0).getScope().getName()).isEqualTo(OtlpMetricsShard.SCOPE);
        for (Metric m : rm.getScopeMetrics(0).getMetricsList()) {
          List<NumberDataPoint> numbers = m.hasSum() ? m.getSum().getDataPointsList() : m.getGauge().getDataPointsList();
          for (NumberDataPoint d : numbers) {
            samples++;
            times.computeIfAbsent(instance + m.getName() + d.getAttributesList(), k -> new ArrayList<>())
                .add(d.getTimeUnixNano());
            if (m.getName().equals(NodeSeries.CPU) && instance.equals(NodeSeries.instance(0))
                && d.getAttributesList().toString().contains("\"idle\"")
                && d.getAttributesList().toString().contains("\"0\"")) {
              host0Cpu.add(d.getAsDouble());
            }
          }
          for (HistogramDataPoint h : m.getHistogram().getDataPointsList()) {
            samples += NodeSeries.LE.length + 2;
            assertThat(h.getBucketCountsList().stream().mapToLong(Long::longValue).sum()).isEqualTo(h.getCount());
            times.computeIfAbsent(instance + m.getName(), k -> new ArrayList<>()).add(h.getTimeUnixNano());
          }
        }
      }
      assertThat(samples).isEqualTo(shard.lastSamples());
      total += samples;
    }
    assertThat(requests).isEqualTo(4); // 2 hosts per request, 5 s each
    assertThat(total).isEqualTo(100 * 20);
    assertThat(times).hasSize(2 * (NodeSeries.PER_HOST - NodeSeries.LE.length - 2 + 1));
    for (List<Long> t : times.values()) {
      assertThat(t).hasSize(20).isSorted().doesNotHaveDuplicates();
      assertThat(t.get(0)).isEqualTo(1_000_000L * 1_000_000L);
    }
    NodeSeries.Host host = new NodeSeries.Host(a.seed(), 0);
    double[] v = new double[NodeSeries.PER_HOST];
    assertThat(host0Cpu).hasSize(20);
    for (double cpu : host0Cpu) {
      host.step(v, 0, NodeSeries.PER_HOST);
      assertThat(cpu).isEqualTo(v[0]);
    }
  }
}
