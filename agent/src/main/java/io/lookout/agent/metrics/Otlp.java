package io.lookout.agent.metrics;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.resource.v1.Resource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Small builders for OTLP metric messages. */
final class Otlp {
  private Otlp() {}

  static KeyValue attr(String key, String value) {
    return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)).build();
  }

  /** Attributes from alternating keys and values. */
  static List<KeyValue> attrs(String... keysAndValues) {
    List<KeyValue> out = new ArrayList<>(keysAndValues.length / 2);
    for (int i = 0; i + 1 < keysAndValues.length; i += 2) {
      out.add(attr(keysAndValues[i], keysAndValues[i + 1]));
    }
    return out;
  }

  static List<KeyValue> attrs(Map<String, String> map) {
    List<KeyValue> out = new ArrayList<>(map.size());
    map.forEach((k, v) -> out.add(attr(k, v)));
    return out;
  }

  static Resource resource(Map<String, String> attributes) {
    return Resource.newBuilder().addAllAttributes(attrs(attributes)).build();
  }

  static NumberDataPoint point(double value, List<KeyValue> attributes, long startNanos, long timeNanos) {
    return NumberDataPoint.newBuilder()
        .setAsDouble(value)
        .addAllAttributes(attributes)
        .setStartTimeUnixNano(startNanos)
        .setTimeUnixNano(timeNanos)
        .build();
  }

  static Metric gauge(String name, String unit, String description, List<NumberDataPoint> points) {
    return Metric.newBuilder().setName(name).setUnit(unit).setDescription(description)
        .setGauge(Gauge.newBuilder().addAllDataPoints(points))
        .build();
  }

  /** A cumulative sum: monotonic ones become Prometheus counters, the others gauges. */
  static Metric sum(String name, String unit, String description, boolean monotonic, List<NumberDataPoint> points) {
    return Metric.newBuilder().setName(name).setUnit(unit).setDescription(description)
        .setSum(Sum.newBuilder()
            .setIsMonotonic(monotonic)
            .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
            .addAllDataPoints(points))
        .build();
  }
}
