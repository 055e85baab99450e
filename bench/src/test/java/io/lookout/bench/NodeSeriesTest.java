package io.lookout.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import org.junit.jupiter.api.Test;

class NodeSeriesTest {
  @Test
  void thousandSeriesAreTwentyHostsOfDistinctSortedLabelSets() {
    NodeSeries s = new NodeSeries(1000);
    assertThat(s.size()).isEqualTo(1000);
    assertThat(s.hosts()).isEqualTo(20);
    Set<SortedMap<String, String>> distinct = new HashSet<>();
    long cpu = 0;
    for (int i = 0; i < s.size(); i++) {
      SortedMap<String, String> l = s.labels(i);
      assertThat(l.firstKey()).isEqualTo("__name__");
      assertThat(l).containsEntry("job", "node").containsEntry("instance", NodeSeries.instance(i / 50));
      cpu += l.get("__name__").equals(NodeSeries.CPU) ? 1 : 0;
      distinct.add(l);
    }
    assertThat(distinct).hasSize(1000);
    assertThat(cpu).isEqualTo(20 * 32);
    assertThat(s.labels(42 + 5)).containsEntry("__name__", NodeSeries.HISTOGRAM + "_bucket").containsEntry("le", "+Inf");
  }

  @Test
  void partialLastHost() {
    NodeSeries s = new NodeSeries(120);
    assertThat(s.hosts()).isEqualTo(3);
    assertThat(s.seriesOf(2)).isEqualTo(20);
    assertThatThrownBy(() -> new NodeSeries(0)).hasMessageContaining("at least 1");
  }

  @Test
  void countersNeverDecreaseAndHistogramBucketsAreCumulative() {
    NodeSeries s = new NodeSeries(50);
    NodeSeries.Host h = new NodeSeries.Host(7, 0);
    double[] prev = new double[50];
    double[] v = new double[50];
    h.step(prev, 0, 50);
    int changedGauges = 0;
    for (int t = 0; t < 600; t++) {
      h.step(v, 0, 50);
      for (int i = 0; i < 50; i++) {
        String name = s.labels(i).get("__name__");
        boolean counter = name.endsWith("_total") || name.endsWith("_bucket") || name.endsWith("_count")
            || name.endsWith("_sum");
        if (counter) {
          assertThat(v[i]).as(name).isGreaterThanOrEqualTo(prev[i]);
        } else if (v[i] != prev[i]) {
          changedGauges++;
        }
      }
      for (int b = 43; b < 48; b++) {
        assertThat(v[b]).isGreaterThanOrEqualTo(v[b - 1]);
      }
      assertThat(v[49]).isEqualTo(v[47]);
      System.arraycopy(v, 0, prev, 0, 50);
    }
    assertThat(changedGauges).isPositive();
    assertThat(v[32]).as("MemTotal is constant").isEqualTo(prev[32]);
    // a CPU counter is a whole number of 1/100 s ticks, as node_exporter reports
    assertThat(Math.round(v[0] * 100) / 100.0).isEqualTo(v[0]);
  }

  @Test
  void sameSeedSameValues() {
    double[] a = new double[50];
    double[] b = new double[50];
    NodeSeries.Host x = new NodeSeries.Host(3, 5);
    NodeSeries.Host y = new NodeSeries.Host(3, 5);
    for (int t = 0; t < 10; t++) {
      x.step(a, 0, 50);
      y.step(b, 0, 50);
    }
    assertThat(a).containsExactly(b);
    assertThat(List.of(NodeSeries.MODES)).hasSize(8);
  }
}
