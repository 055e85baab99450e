package io.lookout.bench;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.resource.v1.Resource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * The OTLP/HTTP protobuf requests of one connection ({@code --protocol otlp}): the same {@link
 * NodeSeries} data as {@link RemoteWriteShard}, for the hosts {@code h} with {@code h % connections
 * == shard}, in time order. Shape, as a Collector with a batch processor in front of a
 * hostmetrics-like scraper sends: one {@code ResourceMetrics} per host ({@code service.name=node},
 * {@code service.instance.id=<instance>}), one scope ({@code hostmetrics}), one {@code Metric} per
 * family holding every attribute set at every second of the window ({@code k} points per series);
 * counters as monotonic cumulative sums, the histogram as one explicit-bucket histogram point per
 * second, the rest as gauges. A request carries {@code g} whole hosts x {@code k} seconds with
 * {@code g * 50 * k <= --batch} samples (after translation), {@code k} as large as the shard
 * allows. Names and units translate back to exactly the remote_write series names.
 */
final class OtlpMetricsShard implements MetricsShard {
  static final String SCOPE = "hostmetrics";

  private enum Kind { GAUGE, COUNTER, HISTOGRAM }

  /** One metric family of a host: its series slots (for a histogram: buckets, sum, count). */
  private record Family(String name, String unit, Kind kind, List<Integer> slots, List<List<KeyValue>> attributes) {}

  private final NodeSeries.Host[] hosts;
  private final Resource[] resources;
  private final List<Family> families;
  private final double[] bounds;
  private final int samples;
  private final long firstMillis;
  private final int groupHosts;
  private final int window;
  private final double[][][] values; // [host][slot][second]
  private final long startNanos;
  private int nextSample;
  private int windowSamples;
  private int nextHost;
  private int lastSamples;

  private OtlpMetricsShard(NodeSeries series, List<Integer> hostIds, long seed, int batch, int samples,
      long firstMillis) {
    if (series.size() % NodeSeries.PER_HOST != 0) {
      throw new IllegalArgumentException("--series must be a multiple of " + NodeSeries.PER_HOST
          + " with --protocol otlp (whole hosts), got " + series.size());
    }
    this.hosts = new NodeSeries.Host[hostIds.size()];
    this.resources = new Resource[hostIds.size()];
    for (int i = 0; i < hostIds.size(); i++) {
      int h = hostIds.get(i);
      hosts[i] = new NodeSeries.Host(seed, h);
      resources[i] = Resource.newBuilder().addAttributes(kv("service.name", NodeSeries.JOB))
          .addAttributes(kv("service.instance.id", series.instanceOf(h))).build();
    }
    this.families = families(series);
    List<Double> b = new ArrayList<>();
    for (String le : NodeSeries.LE) {
      if (!le.equals("+Inf")) {
        b.add(Double.parseDouble(le));
      }
    }
    this.bounds = b.stream().mapToDouble(Double::doubleValue).toArray();
    this.samples = samples;
    this.firstMillis = firstMillis;
    this.groupHosts = Math.max(1, Math.min(hosts.length, batch / NodeSeries.PER_HOST));
    this.window = Math.max(1, Math.min(samples, batch / (groupHosts * NodeSeries.PER_HOST)));
    this.values = new double[hosts.length][NodeSeries.PER_HOST][window];
    this.startNanos = (firstMillis - 86_400_000L) * 1_000_000L;
    this.nextHost = hosts.length;
  }

  static OtlpMetricsShard of(NodeSeries series, long seed, int batch, int samples, int shard, int connections,
      long firstMillis) {
    List<Integer> mine = new ArrayList<>();
    for (int h = shard; h < series.hosts(); h += connections) {
      mine.add(h);
    }
    return new OtlpMetricsShard(series, mine, seed, batch, samples, firstMillis);
  }

  /** The metric families of host 0's series (the same for every host, but for the instance). */
  private static List<Family> families(NodeSeries series) {
    Map<String, Family> out = new LinkedHashMap<>();
    for (int slot = 0; slot < NodeSeries.PER_HOST; slot++) {
      SortedMap<String, String> l = series.labels(slot);
      String name = l.get("__name__");
      Kind kind;
      if (name.startsWith(NodeSeries.HISTOGRAM)) {
        name = NodeSeries.HISTOGRAM;
        kind = Kind.HISTOGRAM;
      } else {
        kind = name.endsWith("_total") ? Kind.COUNTER : Kind.GAUGE;
      }
      String unit = name.contains("_seconds") ? "s" : name.contains("_bytes") ? "By" : "";
      Family f = out.computeIfAbsent(name, n -> new Family(n, unit, kind, new ArrayList<>(), new ArrayList<>()));
      f.slots().add(slot);
      if (kind != Kind.HISTOGRAM) {
        List<KeyValue> attrs = new ArrayList<>();
        l.forEach((k, v) -> {
          if (!k.equals("__name__") && !k.equals("job") && !k.equals("instance")) {
            attrs.add(kv(k, v));
          }
        });
        f.attributes().add(attrs);
      }
    }
    return List.copyOf(out.values());
  }

  private static KeyValue kv(String k, String v) {
    return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setStringValue(v)).build();
  }

  /** Requests this shard sends in all. */
  @Override
  public int requests() {
    if (hosts.length == 0) {
      return 0;
    }
    int windows = (samples + window - 1) / window;
    return windows * ((hosts.length + groupHosts - 1) / groupHosts);
  }

  /** Prometheus samples (after translation) in the request {@link #next} returned last. */
  @Override
  public int lastSamples() {
    return lastSamples;
  }

  /** The next request body, null when done. */
  @Override
  public byte[] next() {
    if (hosts.length == 0) {
      return null;
    }
    if (nextHost >= hosts.length) {
      if (nextSample >= samples) {
        return null;
      }
      fillWindow();
      nextHost = 0;
    }
    int to = Math.min(hosts.length, nextHost + groupHosts);
    ExportMetricsServiceRequest.Builder req = ExportMetricsServiceRequest.newBuilder();
    for (int h = nextHost; h < to; h++) {
      req.addResourceMetrics(resource(h));
    }
    lastSamples = (to - nextHost) * NodeSeries.PER_HOST * windowSamples;
    nextHost = to;
    return req.build().toByteArray();
  }

  private long nanos(int j) {
    return (firstMillis + (nextSample - windowSamples + j) * 1000L) * 1_000_000L;
  }

  private ResourceMetrics resource(int h) {
    ScopeMetrics.Builder scope = ScopeMetrics.newBuilder()
        .setScope(InstrumentationScope.newBuilder().setName(SCOPE).setVersion("1.0"));
    double[][] v = values[h];
    for (Family f : families) {
      Metric.Builder m = Metric.newBuilder().setName(f.name()).setUnit(f.unit());
      switch (f.kind()) {
        case GAUGE -> m.setGauge(Gauge.newBuilder().addAllDataPoints(numbers(f, v)));
        case COUNTER -> m.setSum(Sum.newBuilder().setIsMonotonic(true)
            .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
            .addAllDataPoints(numbers(f, v)));
        case HISTOGRAM -> m.setHistogram(histogram(f, v));
      }
      scope.addMetrics(m);
    }
    return ResourceMetrics.newBuilder().setResource(resources[h]).addScopeMetrics(scope).build();
  }

  private List<NumberDataPoint> numbers(Family f, double[][] v) {
    List<NumberDataPoint> out = new ArrayList<>(windowSamples * f.slots().size());
    for (int j = 0; j < windowSamples; j++) {
      for (int s = 0; s < f.slots().size(); s++) {
        NumberDataPoint.Builder p = NumberDataPoint.newBuilder().setTimeUnixNano(nanos(j))
            .addAllAttributes(f.attributes().get(s)).setAsDouble(v[f.slots().get(s)][j]);
        if (f.kind() == Kind.COUNTER) {
          p.setStartTimeUnixNano(startNanos);
        }
        out.add(p.build());
      }
    }
    return out;
  }

  /** Slots are the cumulative buckets (le order, +Inf last), then sum, then count. */
  private Histogram histogram(Family f, double[][] v) {
    Histogram.Builder hb = Histogram.newBuilder()
        .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE);
    int buckets = bounds.length + 1;
    for (int j = 0; j < windowSamples; j++) {
      HistogramDataPoint.Builder p = HistogramDataPoint.newBuilder().setTimeUnixNano(nanos(j))
          .setStartTimeUnixNano(startNanos);
      for (double b : bounds) {
        p.addExplicitBounds(b);
      }
      double previous = 0;
      for (int b = 0; b < buckets; b++) {
        double cumulative = v[f.slots().get(b)][j];
        p.addBucketCounts((long) (cumulative - previous));
        previous = cumulative;
      }
      p.setSum(v[f.slots().get(buckets)][j]).setCount((long) v[f.slots().get(buckets + 1)][j]);
      hb.addDataPoints(p);
    }
    return hb.build();
  }

  private void fillWindow() {
    windowSamples = Math.min(window, samples - nextSample);
    double[] step = new double[NodeSeries.PER_HOST];
    for (int j = 0; j < windowSamples; j++) {
      for (int i = 0; i < hosts.length; i++) {
        hosts[i].step(step, 0, NodeSeries.PER_HOST);
        for (int k = 0; k < NodeSeries.PER_HOST; k++) {
          values[i][k][j] = step[k];
        }
      }
    }
    nextSample += windowSamples;
  }
}
