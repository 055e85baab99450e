package io.lookout.agent.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.metrics.v1.DataPointFlags;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StalenessTest {
  private static final int NO_VALUE = DataPointFlags.DATA_POINT_FLAGS_NO_RECORDED_VALUE_MASK_VALUE;

  private static List<Metric> scrape(String text) throws Exception {
    return new ExpositionConverter(Map.of()).convert(new ExpositionParser(false, 1000).parse(text), 1_000);
  }

  @Test
  void seriesThatDisappearGetOneStaleMarker() throws Exception {
    Staleness staleness = new Staleness();
    assertThat(staleness.update(scrape("""
        # TYPE a gauge
        a{x="1"} 1
        a{x="2"} 2
        # TYPE c_total counter
        c_total 5
        # TYPE h histogram
        h_bucket{le="1"} 1
        h_bucket{le="+Inf"} 2
        h_count 2
        h_sum 3
        """), 1_000)).isEmpty();
    List<Metric> markers = staleness.update(scrape("a{x=\"1\"} 1\n"), 2_000);
    assertThat(markers).extracting(Metric::getName).containsExactlyInAnyOrder("a", "c", "h");
    Metric gauge = markers.stream().filter(m -> m.getName().equals("a")).findFirst().orElseThrow();
    assertThat(gauge.getGauge().getDataPointsList()).singleElement().satisfies(p -> {
      assertThat(p.getFlags()).isEqualTo(NO_VALUE);
      assertThat(p.getTimeUnixNano()).isEqualTo(2_000);
      assertThat(Points.attrs(p.getAttributesList())).containsEntry("x", "2");
    });
    Metric counter = markers.stream().filter(m -> m.getName().equals("c")).findFirst().orElseThrow();
    assertThat(counter.getSum().getIsMonotonic()).isTrue();
    assertThat(counter.getSum().getDataPoints(0).getFlags()).isEqualTo(NO_VALUE);
    HistogramDataPoint h = markers.stream().filter(m -> m.getName().equals("h")).findFirst().orElseThrow()
        .getHistogram().getDataPoints(0);
    assertThat(h.getFlags()).isEqualTo(NO_VALUE);
    assertThat(h.getExplicitBoundsList()).containsExactly(1.0); // the same le series are marked
    assertThat(staleness.update(scrape("a{x=\"1\"} 1\n"), 3_000)).isEmpty(); // marked once only
  }

  @Test
  void aFailedScrapeMarksEverySeries() throws Exception {
    Staleness staleness = new Staleness();
    staleness.update(scrape("a 1\nb 2\n"), 1_000);
    assertThat(staleness.update(List.of(), 2_000)).extracting(Metric::getName).containsExactlyInAnyOrder("a", "b");
  }
}
