package io.lookout.agent.metrics;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Test look-ups in OTLP metric requests. */
final class Points {
  private Points() {}

  static List<Metric> metrics(ExportMetricsServiceRequest r) {
    return r.getResourceMetricsList().stream()
        .flatMap(rm -> rm.getScopeMetricsList().stream())
        .flatMap(sm -> sm.getMetricsList().stream())
        .toList();
  }

  static Optional<Metric> metric(ExportMetricsServiceRequest r, String name) {
    return metrics(r).stream().filter(m -> m.getName().equals(name)).findFirst();
  }

  static Map<String, String> attrs(List<KeyValue> kvs) {
    Map<String, String> m = new TreeMap<>();
    kvs.forEach(kv -> m.put(kv.getKey(), kv.getValue().getStringValue()));
    return m;
  }

  static Map<String, String> resource(ExportMetricsServiceRequest r) {
    return attrs(r.getResourceMetrics(0).getResource().getAttributesList());
  }

  static List<NumberDataPoint> numberPoints(Metric m) {
    return m.hasSum() ? m.getSum().getDataPointsList() : m.getGauge().getDataPointsList();
  }

  /** The value of the point with exactly these attributes. */
  static double value(ExportMetricsServiceRequest r, String name, Map<String, String> attributes) {
    Metric m = metric(r, name).orElseThrow(() -> new AssertionError("no metric " + name));
    return numberPoints(m).stream()
        .filter(p -> attrs(p.getAttributesList()).equals(new TreeMap<>(attributes)))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no point " + attributes + " in " + name))
        .getAsDouble();
  }
}
