package io.lookout.agent.metrics;

import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.DataPointFlags;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.metrics.v1.Summary;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Staleness markers for one target, as Prometheus writes them: a series that was in the previous
 * scrape but not in this one (or every series, when this scrape failed) gets one point flagged
 * {@code NoRecordedValue}, which Lookout stores as a staleness marker, so the series ends at once
 * instead of lingering for the lookback window. Not thread-safe: one instance per target, used by
 * one scrape at a time.
 */
final class Staleness {
  private static final int NO_VALUE = DataPointFlags.DATA_POINT_FLAGS_NO_RECORDED_VALUE_MASK_VALUE;

  /** Series key -> the metric with only that series' last point. */
  private Map<String, Metric> previous = Map.of();

  /** Returns markers for the series gone since the last call and remembers {@code current}. */
  List<Metric> update(List<Metric> current, long nowNanos) {
    Map<String, Metric> seen = new HashMap<>(Math.max(16, previous.size() * 2));
    for (Metric m : current) {
      switch (m.getDataCase()) {
        case GAUGE -> m.getGauge().getDataPointsList().forEach(p -> seen.put(key(m, p.getAttributesList()),
            m.toBuilder().setGauge(Gauge.newBuilder().addDataPoints(p)).build()));
        case SUM -> m.getSum().getDataPointsList().forEach(p -> seen.put(key(m, p.getAttributesList()),
            m.toBuilder().setSum(m.getSum().toBuilder().clearDataPoints().addDataPoints(p)).build()));
        case HISTOGRAM -> m.getHistogram().getDataPointsList().forEach(p -> seen.put(key(m, p.getAttributesList()),
            m.toBuilder().setHistogram(m.getHistogram().toBuilder().clearDataPoints().addDataPoints(p)).build()));
        case SUMMARY -> m.getSummary().getDataPointsList().forEach(p -> seen.put(key(m, p.getAttributesList()),
            m.toBuilder().setSummary(Summary.newBuilder().addDataPoints(p)).build()));
        default -> { }
      }
    }
    List<Metric> markers = new ArrayList<>();
    for (var e : previous.entrySet()) {
      if (!seen.containsKey(e.getKey())) {
        markers.add(stale(e.getValue(), nowNanos));
      }
    }
    previous = seen;
    return markers;
  }

  private static String key(Metric m, List<KeyValue> attributes) {
    Map<String, String> sorted = new TreeMap<>();
    attributes.forEach(kv -> sorted.put(kv.getKey(), kv.getValue().getStringValue()));
    return m.getDataCase() + "\u0000" + m.getName() + "\u0000" + sorted;
  }

  private static Metric stale(Metric m, long now) {
    return switch (m.getDataCase()) {
      case GAUGE -> m.toBuilder().setGauge(Gauge.newBuilder().addDataPoints(stale(m.getGauge().getDataPoints(0), now)))
          .build();
      case SUM -> {
        Sum s = m.getSum();
        yield m.toBuilder().setSum(s.toBuilder().clearDataPoints().addDataPoints(stale(s.getDataPoints(0), now)))
            .build();
      }
      case HISTOGRAM -> {
        Histogram h = m.getHistogram();
        HistogramDataPoint p = h.getDataPoints(0).toBuilder().setFlags(NO_VALUE).setTimeUnixNano(now).build();
        yield m.toBuilder().setHistogram(h.toBuilder().clearDataPoints().addDataPoints(p)).build();
      }
      case SUMMARY -> {
        SummaryDataPoint p = m.getSummary().getDataPoints(0).toBuilder().setFlags(NO_VALUE).setTimeUnixNano(now)
            .build();
        yield m.toBuilder().setSummary(Summary.newBuilder().addDataPoints(p)).build();
      }
      default -> m;
    };
  }

  private static NumberDataPoint stale(NumberDataPoint p, long now) {
    return p.toBuilder().setFlags(NO_VALUE).setTimeUnixNano(now).build();
  }
}
